"""Reference solution of exercise tanh: the task is minigrad/exercises/bank/tanh.py."""
import numpy as np

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
        (y,) = ctx.saved_tensors
        return grad_output * (1 - y * y)


def tanh(x):
    """Apply ``Tanh`` to a minigrad Tensor."""
    return Tanh.apply(x)
