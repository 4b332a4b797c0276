"""Reference solution of exercise softmax_temperature: the task is minigrad/exercises/bank/softmax_temperature.py."""
import numpy as np  # noqa: F401 (yours to use)

from minigrad import Function


class SoftmaxT(Function):
    """p = softmax(z / T) over the last axis"""

    @staticmethod
    def forward(ctx, z, T):
        s = z / T
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        p = e / e.sum(axis=-1, keepdims=True)
        ctx.save_for_backward(p)
        ctx.T = T
        return p

    @staticmethod
    def backward(ctx, grad_output):
        (p,) = ctx.saved_tensors
        inner = (grad_output * p).sum(axis=-1, keepdims=True)
        return p * (grad_output - inner) / ctx.T, None


def softmax_t(z, T=1.0):
    """Apply ``SoftmaxT`` to a minigrad Tensor."""
    return SoftmaxT.apply(z, T)
