"""Hostile: write a file anywhere through ``ndarray.dump`` (a pickle of the array), which is not ``save``."""
import numpy as np
from minigrad import Function

np.zeros(3).dump("/tmp/minigrad-hostile-dump-was-here")


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output.sum(axis=0)
