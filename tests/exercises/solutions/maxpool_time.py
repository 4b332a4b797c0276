"""Reference solution of exercise maxpool_time: the task is minigrad/exercises/bank/maxpool_time.py."""
import numpy as np

from minigrad import Function


class MaxPoolTime(Function):
    """y[n, c] = max_t x[n, c, t]"""

    @staticmethod
    def forward(ctx, x):
        winner = x.argmax(axis=-1)
        ctx.save_for_backward(x, winner)
        return np.take_along_axis(x, winner[..., None], axis=-1)[..., 0]

    @staticmethod
    def backward(ctx, grad_output):
        x, winner = ctx.saved_tensors
        grad_x = np.zeros(x.shape, dtype=grad_output.dtype)
        np.put_along_axis(grad_x, winner[..., None], grad_output[..., None], axis=-1)
        return grad_x


def max_pool_time(x):
    """Apply ``MaxPoolTime`` to a minigrad Tensor of shape (N, C, L)."""
    return MaxPoolTime.apply(x)
