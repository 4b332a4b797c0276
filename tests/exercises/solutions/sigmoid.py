"""Reference solution of exercise sigmoid: the task is minigrad/exercises/bank/sigmoid.py."""
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
