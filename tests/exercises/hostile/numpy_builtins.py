"""Hostile: the builtins module that numpy.ma keeps, then exec, spelled as attributes."""
import numpy as np
from minigrad import Function

np.ma.core.builtins.exec("import os; os.system('touch /tmp/minigrad-hostile-builtins-was-here')")


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output.sum(axis=0)
