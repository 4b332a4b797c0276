"""Exercise conv1d: a 1-D convolution over time, forward and backward.

Task
    Complete ``Conv1d.forward(ctx, x, weight, bias)`` and ``Conv1d.backward``
    for PyTorch's ``nn.Conv1d`` with stride 1 and no padding:

        x       (N, C_in, L)         a batch of sequences with C_in channels
        weight  (C_out, C_in, K)     C_out filters of width K
        bias    (C_out,)
        y       (N, C_out, L_out)    L_out = L - K + 1

        y[n, o, t] = b[o] + sum_c sum_k W[o, c, k] x[n, c, t + k]

    (a cross-correlation: the filter is not flipped, as in PyTorch).

Derive
    For one filter tap k, the slice x[:, :, k : k + L_out] meets W[:, :, k]:
    the forward is a sum over k of K small matrix products, and the
    backward runs the same loop:

        dL/dx[n, c, t + k] += sum_o g[n, o, t] W[o, c, k]        (for every k)
        dL/dW[o, c, k]      = sum_n sum_t g[n, o, t] x[n, c, t + k]
        dL/db[o]            = sum_n sum_t g[n, o, t]

    An input step t is read by up to K windows, so its gradient adds up
    K contributions (``+=`` on slices, one k at a time, is fine here: the
    slices of one k do not repeat an index).  ``np.einsum`` writes each
    sum in one line, e.g. ``np.einsum("noi,oc->nci", g, W[:, :, k])``.

Graded
    the forward against the reference on fresh random inputs; each
    gradient's shape, dtype and values from calling backward directly; a
    gradcheck of ``Conv1d.apply`` for x, W and b.
"""
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
