"""Hostile: write beside the grader's files, outside the submission's folder."""
import numpy as np
from minigrad import Function

np.save("../../../../tmp/minigrad-hostile-was-here.npy", np.zeros(3))


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        np.save("/tmp/minigrad-hostile-was-here.npy", np.zeros(3))
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output.sum(axis=0)
