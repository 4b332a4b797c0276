"""Reference solution of exercise linear: the task is minigrad/exercises/bank/linear.py."""
import numpy as np  # noqa: F401 (yours to use)

from minigrad import Function


class Linear(Function):
    """y = x W^T + b"""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        grad_input = grad_output @ weight
        grad_weight = grad_output.T @ x
        grad_bias = grad_output.sum(axis=0)
        return grad_input, grad_weight, grad_bias


def linear(x, weight, bias):
    """Apply ``Linear`` to minigrad Tensors."""
    return Linear.apply(x, weight, bias)
