"""Exercise maxpool_time: max-pooling over time, with ties.

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
"""
import numpy as np

from minigrad import Function


class MaxPoolTime(Function):
    """y[n, c] = max_t x[n, c, t]"""

    @staticmethod
    def forward(ctx, x):
        winner = x.argmax(axis=-1)
        ctx.save_for_backward(x, winner)
        return np.take_along_axis(x, winner[..., None], axis=-1)[..., 0]

    @staticmethod
    def backward(ctx, grad_output):
        x, winner = ctx.saved_tensors
        grad_x = np.zeros(x.shape, dtype=grad_output.dtype)
        np.put_along_axis(grad_x, winner[..., None], grad_output[..., None], axis=-1)
        return grad_x


def max_pool_time(x):
    """Apply ``MaxPoolTime`` to a minigrad Tensor of shape (N, C, L)."""
    return MaxPoolTime.apply(x)
