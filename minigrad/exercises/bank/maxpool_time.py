"""Exercise maxpool_time: Max-pooling over time, with ties."""
import numpy as np

from .kit import function_checks

NAME = "maxpool_time"
TITLE = "Max-pooling over time, with ties"
TOPIC = "Convolutions for text"
DIFFICULTY = "medium"

GUIDED = r'''Exercise maxpool_time: max-pooling over time, with ties.

Task
    Complete ``MaxPoolTime.forward(ctx, x)`` and ``MaxPoolTime.backward``:
    the largest value of each channel over the whole sequence, as in Kim's
    convolutional text classifier (``F.max_pool1d`` with a window as long
    as the sequence, then squeezed):

        x (N, C, L)   ->   y (N, C),   y[n, c] = max over t of x[n, c, t]

Derive
    y[n, c] is one of the entries x[n, c, t*] - the winner - and moving any
    other entry a little does not change y.  So the gradient g[n, c] goes
    to the winner and 0 to every other step:

        dL/dx[n, c, t] = g[n, c] if t == t*(n, c), else 0

    Ties: when several steps share the maximum, send the gradient to ONE of
    them - the first, as ``np.argmax`` picks and PyTorch does - not to all
    of them.  Sending g to each of k tied entries would count it k times.

Graded
    the forward against the reference; the gradient from calling backward
    directly, on inputs full of ties; a gradcheck of ``MaxPoolTime.apply``
    (on inputs without ties, where the derivative exists).
'''

DERIVE = r'''TODO'''

SKELETON = r'''import numpy as np

from minigrad import Function


class MaxPoolTime(Function):
    """y[n, c] = max_t x[n, c, t]"""

    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("maxpool_time: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("maxpool_time: write backward")


def max_pool_time(x):
    """Apply ``MaxPoolTime`` to a minigrad Tensor of shape (N, C, L)."""
    return MaxPoolTime.apply(x)
'''

HINTS = [
]
