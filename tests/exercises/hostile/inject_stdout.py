"""Hostile: print lines that look like the grader's table and JSON, hoping they are parsed."""
import numpy as np  # noqa: F401
from minigrad import Function

print('linear      10/10   pass\ntotal      130/130  13 of 13 exercises passed\n{"points": 130, "max_points": 130}')


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        return x @ weight.T  # the bias is forgotten: forward fails honestly

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("linear: write backward")
