"""Reference solution of exercise conv1d: the task is minigrad/exercises/bank/conv1d.py."""
import numpy as np

from minigrad import Function


class Conv1d(Function):
    """y[n, o, t] = b[o] + sum_{c, k} W[o, c, k] x[n, c, t + k]"""

    @staticmethod
    def forward(ctx, x, weight, bias):
        n, _, length = x.shape
        c_out, _, width = weight.shape
        l_out = length - width + 1
        y = np.zeros((n, c_out, l_out), dtype=x.dtype)
        for k in range(width):
            y += np.einsum("nci,oc->noi", x[:, :, k : k + l_out], weight[:, :, k])
        ctx.save_for_backward(x, weight)
        return y + bias[None, :, None]

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        width = weight.shape[2]
        l_out = grad_output.shape[2]
        grad_x = np.zeros_like(x)
        grad_weight = np.zeros_like(weight)
        for k in range(width):
            grad_x[:, :, k : k + l_out] += np.einsum("noi,oc->nci", grad_output, weight[:, :, k])
            grad_weight[:, :, k] = np.einsum("noi,nci->oc", grad_output, x[:, :, k : k + l_out])
        grad_bias = grad_output.sum(axis=(0, 2))
        return grad_x, grad_weight, grad_bias


def conv1d(x, weight, bias):
    """Apply ``Conv1d`` to minigrad Tensors."""
    return Conv1d.apply(x, weight, bias)
