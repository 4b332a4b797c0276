"""Exercise sigmoid: Sigmoid backward."""
import numpy as np

from .kit import function_checks

NAME = "sigmoid"
TITLE = "Sigmoid backward"
TOPIC = "Activations"
DIFFICULTY = "easy"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise sigmoid: the backward pass of the logistic sigmoid.

Task
    Complete ``Sigmoid.backward``.  ``forward`` is written for you: it
    computes y = 1 / (1 + e^-x) without overflow and saves y for backward.
    backward receives g = dL/dy (``grad_output``, read-only) and returns
    dL/dx, in x's shape and dtype.

'''

DERIVATION = {
    "derive": r'''Derive
    Differentiate y = (1 + e^-x)^-1 with the chain rule, then rewrite the
    result so that only y appears: forward saved y, and backward should
    need no exponential.

''',
    "guided": r'''Derive
    With y = (1 + e^-x)^-1, the chain rule gives

        dy/dx = e^-x / (1 + e^-x)^2 = y * (1 - y)

    so, with g = dL/dy (``grad_output``), backward must return

        dL/dx = g * y * (1 - y)

    Express it through y, which forward saved: no exp() is needed.

''',
}

GRADED = r'''Graded
    your gradient's shape, dtype and values, from calling backward
    directly with a read-only grad_output, against the grader's finite
    differences (float64, and float32 in gives float32 out); backward's
    time on a large input (at most 20 times the forward's).

The library's version is ``minigrad/ops/activation.py`` (``sigmoid``):
the same derivative, with the stable forward written once for sigmoid
and softplus.
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class Sigmoid(Function):
    """y = 1 / (1 + e^-x)"""

    @staticmethod
    def forward(ctx, x):
        e = np.exp(-np.abs(x))  # e^-|x| never overflows
        y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("sigmoid: write backward")


def sigmoid(x):
    """Apply ``Sigmoid`` to a minigrad Tensor."""
    return Sigmoid.apply(x)
'''

HINTS = [
    "Write e^-x in terms of y: from y = 1 / (1 + e^-x), e^-x = 1/y - 1.",
    "dy/dx = e^-x / (1 + e^-x)^2; replace both factors by expressions in y.",
    "backward multiplies the local derivative by grad_output, entry by entry.",
]


def forward(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def inputs(rng, dtype, scale=1):
    return (rng.uniform(-4, 4, (3 * scale, 4, 5)).astype(dtype),)


def large(rng):
    return (rng.uniform(-4, 4, (1000, 1000)),)


CHECKS = function_checks("Sigmoid", forward, inputs, ["x"], wrt=(0,), large=large, write_forward=False,
                         points={"backward": 5, "backward_float32": 2, "fast": 3})
