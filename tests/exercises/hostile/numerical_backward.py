"""Hostile: a backward that computes finite differences of its own forward: right values, no derivation."""
import numpy as np
from minigrad import Function


def _forward(x, weight, bias):
    return x @ weight.T + bias


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight, bias)
        return _forward(x, weight, bias)

    @staticmethod
    def backward(ctx, grad_output):
        arrays = [a.astype(np.float64) for a in ctx.saved_tensors]
        grads = []
        for which, a in enumerate(arrays):
            grad = np.zeros_like(a)
            for index in np.ndindex(a.shape):
                original = a[index]
                a[index] = original + 1e-6
                plus = (grad_output * _forward(*arrays)).sum()
                a[index] = original - 1e-6
                minus = (grad_output * _forward(*arrays)).sum()
                a[index] = original
                grad[index] = (plus - minus) / 2e-6
            grads.append(grad.astype(ctx.saved_tensors[which].dtype))
        return tuple(grads)
