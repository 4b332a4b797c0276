"""Exercise sigmoid: the backward pass of the logistic sigmoid.

Task
    Complete ``Sigmoid.backward``.  ``forward`` is written for you: it
    computes y = 1 / (1 + e^-x) without overflow and saves y for backward.

Derive
    With y = (1 + e^-x)^-1, the chain rule gives

        dy/dx = e^-x / (1 + e^-x)^2 = y * (1 - y)

    so, with g = dL/dy (``grad_output``), backward must return

        dL/dx = g * y * (1 - y)

    Express it through y, which forward saved: no exp() is needed.

Graded
    the gradient's shape, dtype and values on fresh random inputs (float32
    and float64), and a gradcheck of ``Sigmoid.apply`` against finite
    differences.
"""
import numpy as np

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
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


def sigmoid(x):
    """Apply ``Sigmoid`` to a minigrad Tensor."""
    return Sigmoid.apply(x)
