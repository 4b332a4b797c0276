"""Exercise conv1d: 1-D convolution, forward and backward."""
import numpy as np

from .kit import function_checks

NAME = "conv1d"
TITLE = "1-D convolution, forward and backward"
TOPIC = "Convolutions for text"
DIFFICULTY = "hard"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise conv1d: a 1-D convolution over time, forward and backward.

Task
    Complete ``Conv1d.forward(ctx, x, weight, bias)`` and ``Conv1d.backward``
    for PyTorch's ``nn.Conv1d`` with stride 1 and no padding:

        x       (N, C_in, L)         a batch of sequences with C_in channels
        weight  (C_out, C_in, K)     C_out filters of width K
        bias    (C_out,)
        y       (N, C_out, L_out)    L_out = L - K + 1

        y[n, o, t] = b[o] + sum_c sum_k W[o, c, k] x[n, c, t + k]

    (a cross-correlation: the filter is not flipped, as in PyTorch).
    backward returns (dL/dx, dL/dW, dL/db), each in its input's shape and
    dtype.

'''

DERIVATION = {
    "derive": r'''Derive
    Fix one filter tap k: which slice of x meets W[:, :, k], and which
    entries of y does it reach?  Derive each gradient as a sum, then ask
    how many windows read one input step t.

''',
    "guided": r'''Derive
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

''',
}

GRADED = r'''Graded
    forward's values, shape and dtype (float64, and float32 in gives
    float32 out); each gradient's shape, dtype and values, from calling
    your backward directly with a read-only grad_output, against the
    grader's finite differences; backward's time on a large input (at most
    20 times the forward's).

The library's version is ``minigrad/nn/conv.py`` (``F.conv1d``): it also
takes stride, padding, dilation and groups, and computes the convolution
as one matrix product plus shifted adds rather than a loop of small ones.
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class Conv1d(Function):
    """y[n, o, t] = b[o] + sum_{c, k} W[o, c, k] x[n, c, t + k]"""

    @staticmethod
    def forward(ctx, x, weight, bias):
        raise NotImplementedError("conv1d: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("conv1d: write backward")


def conv1d(x, weight, bias):
    """Apply ``Conv1d`` to minigrad Tensors."""
    return Conv1d.apply(x, weight, bias)
'''

HINTS = [
    "For one tap k, x[:, :, k:k + L_out] times W[:, :, k] gives a (N, C_out, L_out) contribution: the forward "
    "is a sum of K such products.",
    "The backward runs the same loop over k; each gradient collects the contribution of every tap.",
    "An input step is read by up to K windows, so its gradient adds up to K contributions (+= on slices); the "
    "bias was broadcast over two dimensions.",
]


def forward(x, weight, bias):
    width = weight.shape[2]
    l_out = x.shape[2] - width + 1
    y = sum(np.einsum("nci,oc->noi", x[:, :, k : k + l_out], weight[:, :, k]) for k in range(width))
    return y + bias[None, :, None]


def inputs(rng, dtype, scale=1):
    n, c_in, c_out, length, width = 2, 3, 4, 7 * scale, 3
    return (rng.standard_normal((n, c_in, length)).astype(dtype),
            rng.standard_normal((c_out, c_in, width)).astype(dtype), rng.standard_normal(c_out).astype(dtype))


def large(rng):
    return (rng.standard_normal((16, 32, 200)), rng.standard_normal((32, 32, 5)), rng.standard_normal(32))


CHECKS = function_checks("Conv1d", forward, inputs, ["x", "weight", "bias"], wrt=(0, 1, 2), large=large)
