"""Reference solution of exercise dropout: the task is minigrad/exercises/bank/dropout.py."""
import numpy as np

from minigrad import Function


class Dropout(Function):
    """y = x * keep / (1 - p) in training, y = x otherwise"""

    @staticmethod
    def forward(ctx, x, p, training, generator):
        if not training or p == 0:
            mask = np.ones_like(x)
        elif p == 1:
            mask = np.zeros_like(x)
        else:
            keep = generator.random(x.shape) >= p
            mask = keep.astype(x.dtype) / (1 - p)
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad_output):
        (mask,) = ctx.saved_tensors
        return grad_output * mask, None, None, None


def dropout(x, p=0.5, training=True, generator=None):
    """Apply ``Dropout`` to a minigrad Tensor (a fresh generator when none is given)."""
    return Dropout.apply(x, p, training, generator if generator is not None else np.random.default_rng())
