"""Hostile: a correct forward, and a backward that ends the process (to escape the backward checks)."""
import os

import numpy as np  # noqa: F401

from minigrad import Function


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        os._exit(0)
