"""Exercise maxpool_time: Max-pooling over time, with ties."""
import numpy as np

from ..compare import Failed, returned
from .kit import Plan, check, function_checks, upstream

NAME = "maxpool_time"
TITLE = "Max-pooling over time, with ties"
TOPIC = "Convolutions for text"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise maxpool_time: max-pooling over time, with ties.

Task
    Complete ``MaxPoolTime.forward(ctx, x)`` and ``MaxPoolTime.backward``:
    the largest value of each channel over the whole sequence, as in Kim's
    convolutional text classifier (``F.max_pool1d`` with a window as long
    as the sequence, then squeezed):

        x (N, C, L)   ->   y (N, C),   y[n, c] = max over t of x[n, c, t]

    When several steps share the maximum, the gradient goes to ONE of
    them: the first, as ``np.argmax`` picks and PyTorch does.

'''

DERIVATION = {
    "derive": r'''Derive
    Which entries of x does y[n, c] depend on, for a small change of each?
    What happens to a gradient sent to each of k tied entries?

''',
    "guided": r'''Derive
    y[n, c] is one of the entries x[n, c, t*] - the winner - and moving any
    other entry a little does not change y.  So the gradient g[n, c] goes
    to the winner and 0 to every other step:

        dL/dx[n, c, t] = g[n, c] if t == t*(n, c), else 0

    Ties: when several steps share the maximum, send the gradient to ONE of
    them - the first, as ``np.argmax`` picks and PyTorch does - not to all
    of them.  Sending g to each of k tied entries would count it k times.

''',
}

GRADED = r'''Graded
    forward's values, shape and dtype (float64, and float32 in gives
    float32 out); each gradient's shape, dtype and values, from calling
    your backward directly with a read-only grad_output, against the
    grader's finite differences; backward's time on a large input (at most
    20 times the forward's).  Inputs full of ties are graded separately.

The library's version is ``minigrad/nn/pooling.py`` (``F.max_pool1d``):
windows, strides and padding, with the winners' indices scattered back by
the backend.
'''

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
    "Moving an entry that is not the maximum a little does not change y.",
    "np.argmax(axis=-1) gives the first winner of each row; keep it from forward.",
    "Put each g[n, c] at its winner in an array of zeros shaped like x (np.put_along_axis).",
]


def forward(x):
    return x.max(axis=-1)


def inputs(rng, dtype, scale=1):
    """Distinct values at least 0.05 apart, shuffled: far from any tie for finite differences."""
    shape = (2 * scale, 3, 5)
    return (rng.permutation(np.arange(int(np.prod(shape))) * 0.05 - 1.0).reshape(shape).astype(dtype),)


def large(rng):
    return (rng.standard_normal((64, 128, 300)),)


@check("ties", 3, "backward with ties: each g[n, c] goes to exactly one maximum, the first")
def ties(rng, scale):
    plan = Plan()
    x = rng.integers(0, 3, (3 * scale, 4, 6)).astype("float64")
    x[0, 0] = 2.0  # one row that is all ties
    g = upstream(rng, x.shape[:2])
    k = plan.backward("MaxPoolTime", (x,), g)

    def judge(results):
        grad = returned(results[k], "grad", 0, "the gradient for x")
        if grad.shape != x.shape:
            raise Failed(f"the gradient for x has shape {grad.shape}; it should have shape {x.shape}.")
        receivers = (grad != 0).sum(axis=-1)
        if (receivers > 1).any():
            n, c = np.argwhere(receivers > 1)[0]
            raise Failed(f"row (n={n}, c={c}) has several tied maxima and your gradient reaches {receivers[n, c]} "
                         "entries.", hint="with ties the gradient went to every maximum, so it is counted several "
                         "times: send it to one maximum only.")
        first = np.zeros_like(x)
        np.put_along_axis(first, x.argmax(axis=-1)[..., None], g[..., None], axis=-1)
        if not np.allclose(grad, first):
            raise Failed("with ties, your gradient is not on the first maximum of each row, or not g there.",
                         hint="the first maximum is the one np.argmax picks (PyTorch picks the same one).")

    plan.judge = judge
    return plan


def _wrong_place(got, want, args, g):
    (x,) = args
    if got.shape == want.shape and np.allclose(np.sort(got, axis=-1), np.sort(want, axis=-1)):
        return "the right values at the wrong steps: the gradient must go to the step where the maximum is."
    return None


CHECKS = function_checks("MaxPoolTime", forward, inputs, ["x"], wrt=(0,), large=large,
                         hints={"backward_x": _wrong_place},
                         points={"forward": 2, "forward_float32": 1, "backward": 2, "backward_float32": 1, "fast": 1})
CHECKS.insert(3, ties)
