"""Exercise relu: ReLU backward."""
import numpy as np

from ..compare import Failed, returned
from .kit import Plan, check, function_checks, upstream

NAME = "relu"
TITLE = "ReLU backward"
TOPIC = "Activations"
DIFFICULTY = "easy"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise relu: the backward pass of the rectified linear unit.

Task
    Complete ``ReLU.backward``.  ``forward`` is written for you and saves
    its input x:  y = max(x, 0).  backward receives g = dL/dy
    (``grad_output``, read-only) and returns dL/dx, in x's shape and dtype.
    At the kink x = 0 there is no derivative; like PyTorch, use 0 there.

'''

DERIVATION = {
    "derive": r'''Derive
    Where is y the identity, where is it constant?  What does each piece
    do to a small change of x?

''',
    "guided": r'''Derive
    y = max(x, 0) is the identity where x > 0 and constant (0) where x < 0:

        dy/dx = 1 where x > 0,   0 where x < 0

    At the kink x = 0 there is no derivative; like PyTorch, use 0 there.
    With g = dL/dy (``grad_output``), backward must return

        dL/dx = g where x > 0, else 0

''',
}

GRADED = r'''Graded
    your gradient's shape, dtype and values, from calling backward
    directly with a read-only grad_output, against the grader's finite
    differences (float64, and float32 in gives float32 out); backward's
    time on a large input (at most 20 times the forward's).  Inputs exactly at the kink are graded separately.

The library's version is ``minigrad/ops/activation.py`` (``relu``).
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class ReLU(Function):
    """y = max(x, 0)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("relu: write backward")


def relu(x):
    """Apply ``ReLU`` to a minigrad Tensor."""
    return ReLU.apply(x)
'''

HINTS = [
    "Away from 0, y is either x itself or the constant 0: the derivative of each piece is a constant.",
    "A boolean mask (x > 0) multiplied by grad_output keeps the dtype of grad_output.",
]


def forward(x):
    return np.maximum(x, 0)


def inputs(rng, dtype, scale=1, kinks=False):
    """Values of both signs at least 0.1 from the kink (for finite differences); some exactly 0 with ``kinks``."""
    shape = (3 * scale, 4, 5)
    x = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 2.0, shape)
    if kinks:
        x[rng.random(shape) < 0.2] = 0.0
    return (x.astype(dtype),)


def large(rng):
    return (rng.standard_normal((1000, 1000)),)


@check("kink", 2, "backward at x = 0 gives 0, like PyTorch")
def kink(rng, scale):
    plan = Plan()
    (x,) = inputs(rng, "float64", scale, kinks=True)
    g = upstream(rng, x.shape)
    k = plan.backward("ReLU", (x,), g)

    def judge(results):
        got = returned(results[k], "grad", 0, "the gradient for x")
        if got.shape != x.shape:
            raise Failed(f"the gradient for x has shape {got.shape}; it should have shape {x.shape}.")
        at_kink = x == 0
        if not np.allclose(got[at_kink], 0):
            raise Failed(f"at the {int(at_kink.sum())} entries where x is exactly 0, your gradient is not 0.",
                         hint="x = 0 has no derivative; PyTorch (and this grader) use 0 there: test x > 0, not x >= 0.")

    plan.judge = judge
    return plan


CHECKS = function_checks("ReLU", forward, inputs, ["x"], wrt=(0,), large=large, write_forward=False,
                         points={"backward": 4, "backward_float32": 2, "fast": 2})
CHECKS.insert(1, kink)
