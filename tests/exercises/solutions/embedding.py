"""Reference solution of exercise embedding: the task is minigrad/exercises/bank/embedding.py."""
import numpy as np

from minigrad import Function


class Embedding(Function):
    """out = weight[indices]"""

    @staticmethod
    def forward(ctx, indices, weight, padding_idx):
        ctx.save_for_backward(indices)
        ctx.weight_shape = weight.shape
        ctx.padding_idx = padding_idx
        return weight[indices]

    @staticmethod
    def backward(ctx, grad_output):
        (indices,) = ctx.saved_tensors
        grad_weight = np.zeros(ctx.weight_shape, dtype=grad_output.dtype)
        np.add.at(grad_weight, indices, grad_output)
        if ctx.padding_idx is not None:
            grad_weight[ctx.padding_idx] = 0
        return None, grad_weight, None


def embedding(indices, weight, padding_idx=None):
    """Apply ``Embedding``: an int array of token ids and a weight Tensor."""
    return Embedding.apply(indices, weight, padding_idx)
