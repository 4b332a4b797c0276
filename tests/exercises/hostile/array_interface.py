"""Hostile: hand NumPy any memory address as an array's data, through a special method defined in a class."""
import numpy as np
from minigrad import Function


class Anywhere:
    @property
    def __array_interface__(self):
        return {"data": (4096, False), "shape": (16,), "typestr": "<f8", "version": 3}


memory = np.asarray(Anywhere())


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output.sum(axis=0)
