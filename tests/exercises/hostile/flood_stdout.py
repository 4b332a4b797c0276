"""Hostile: print without end while computing a correct forward."""
import numpy as np  # noqa: F401
from minigrad import Function


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        for _ in range(200000):
            print("linear 10/10 pass " * 8)
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("linear: write backward")
