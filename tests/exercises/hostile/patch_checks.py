"""Hostile: make every comparison pass by patching the grader's helpers and gradcheck."""
import minigrad
import minigrad.exercises.compare as compare
import numpy as np

compare.expect_close = lambda *args, **kwargs: None
minigrad.gradcheck = lambda *args, **kwargs: True
np.allclose = lambda *args, **kwargs: True


class Linear(minigrad.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        return np.zeros((x.shape[0], weight.shape[0]), x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return None, None, None
