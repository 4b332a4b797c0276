"""Reference solution of exercise relu: the task is minigrad/exercises/bank/relu.py."""
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
