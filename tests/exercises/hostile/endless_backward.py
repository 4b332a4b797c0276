"""Hostile: a correct forward and a backward that never returns: the forward's points must stay."""
import numpy as np  # noqa: F401
from minigrad import Function


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        while True:
            pass
