"""Exercise relu: the backward pass of the rectified linear unit.

Task
    Complete ``ReLU.backward``.  ``forward`` is written for you and saves
    its input x.

Derive
    y = max(x, 0) is the identity where x > 0 and constant (0) where x < 0:

        dy/dx = 1 where x > 0,   0 where x < 0

    At the kink x = 0 there is no derivative; like PyTorch, use 0 there.
    With g = dL/dy (``grad_output``), backward must return

        dL/dx = g where x > 0, else 0

Graded
    the gradient's shape, dtype and values on fresh random inputs (float32
    and float64, with some entries exactly 0), and a gradcheck of
    ``ReLU.apply`` against finite differences (away from the kink).
"""
import numpy as np

from minigrad import Function


class ReLU(Function):
    """y = max(x, 0)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x > 0)


def relu(x):
    """Apply ``ReLU`` to a minigrad Tensor."""
    return ReLU.apply(x)
