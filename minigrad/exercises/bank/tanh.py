"""Exercise tanh: Tanh backward."""
import numpy as np

from .kit import function_checks

NAME = "tanh"
TITLE = "Tanh backward"
TOPIC = "Activations"
DIFFICULTY = "easy"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise tanh: the backward pass of the hyperbolic tangent.

Task
    Complete ``Tanh.backward``.  ``forward`` is written for you and saves
    its output y = tanh(x).  backward receives g = dL/dy (``grad_output``,
    read-only) and returns dL/dx, in x's shape and dtype.

'''

DERIVATION = {
    "derive": r'''Derive
    tanh(x) = (e^x - e^-x) / (e^x + e^-x).  Differentiate with the
    quotient rule and simplify until only y appears.

''',
    "guided": r'''Derive
    tanh(x) = (e^x - e^-x) / (e^x + e^-x).  Differentiate with the quotient
    rule and simplify until only y appears:

        dy/dx = 1 - tanh(x)^2 = 1 - y^2

    so, with g = dL/dy (``grad_output``), backward must return

        dL/dx = g * (1 - y^2)

''',
}

GRADED = r'''Graded
    your gradient's shape, dtype and values, from calling backward
    directly with a read-only grad_output, against the grader's finite
    differences (float64, and float32 in gives float32 out); backward's
    time on a large input (at most 20 times the forward's).

The library's version is ``minigrad/ops/activation.py`` (``tanh``).
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class Tanh(Function):
    """y = tanh(x)"""

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("tanh: write backward")


def tanh(x):
    """Apply ``Tanh`` to a minigrad Tensor."""
    return Tanh.apply(x)
'''

HINTS = [
    "The quotient rule: (u/v)' = (u' v - u v') / v^2, with u = e^x - e^-x and v = e^x + e^-x.",
    "u' = v and v' = u, so the derivative is (v^2 - u^2) / v^2: split it into two fractions.",
]


def forward(x):
    return np.tanh(x)


def inputs(rng, dtype, scale=1):
    return (rng.uniform(-3, 3, (3 * scale, 4, 5)).astype(dtype),)


def large(rng):
    return (rng.uniform(-3, 3, (1000, 1000)),)


CHECKS = function_checks("Tanh", forward, inputs, ["x"], wrt=(0,), large=large, write_forward=False,
                         points={"backward": 5, "backward_float32": 2, "fast": 3})
