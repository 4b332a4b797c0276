"""Exercise linear: a fully connected layer, forward and backward.

Task
    Complete ``Linear.forward`` and ``Linear.backward`` for

        y = x W^T + b

    with x of shape (N, in_features), the weight W of shape
    (out_features, in_features) - PyTorch's layout, as in ``nn.Linear`` -
    the bias b of shape (out_features,) and y of shape (N, out_features).

Derive
    Write one entry: y[n, o] = sum_i x[n, i] W[o, i] + b[o].  With
    g = dL/dy of shape (N, out_features):

        dL/dx[n, i] = sum_o g[n, o] W[o, i]      ->  dL/dx = g W
        dL/dW[o, i] = sum_n g[n, o] x[n, i]      ->  dL/dW = g^T x
        dL/db[o]    = sum_n g[n, o]              ->  dL/db = g summed over n

    The bias was broadcast over the N rows, so its gradient adds up the
    gradient of every row.  Check your shapes: each gradient has the shape
    of its input.

Graded
    the forward values, shape and dtype against the reference; each
    gradient's shape, dtype and values from calling your backward directly;
    a gradcheck of ``Linear.apply`` for x, W and b.
"""
import numpy as np  # noqa: F401 (yours to use)

from minigrad import Function


class Linear(Function):
    """y = x W^T + b"""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        grad_input = grad_output @ weight
        grad_weight = grad_output.T @ x
        grad_bias = grad_output.sum(axis=0)
        return grad_input, grad_weight, grad_bias


def linear(x, weight, bias):
    """Apply ``Linear`` to minigrad Tensors."""
    return Linear.apply(x, weight, bias)
