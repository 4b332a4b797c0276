"""Exercise linear: a fully connected layer y = x W^T + b, forward and backward."""
import numpy as np

from .kit import function_checks

NAME = "linear"
TITLE = "Linear layer: x W^T + b, gradients for x, W and b"
TOPIC = "Neural layers and backpropagation"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise linear: a fully connected layer, forward and backward.

Task
    Complete ``Linear.forward`` and ``Linear.backward`` for

        y = x W^T + b,      y[n, o] = sum_i x[n, i] W[o, i] + b[o]

    with x of shape (N, in_features), the weight W of shape
    (out_features, in_features) - PyTorch's layout, as in ``nn.Linear`` -
    the bias b of shape (out_features,) and y of shape (N, out_features).
    backward receives g = dL/dy (``grad_output``, shape of y, read-only)
    and returns (dL/dx, dL/dW, dL/db), each in its input's shape and dtype.

'''

DERIVATION = {
    "derive": r'''Derive
    On paper: write dL/dx[n, i], dL/dW[o, i] and dL/db[o] as sums over
    one entry of y at a time, then turn each sum into whole-array
    operations.  Check each result's shape against its input's.

''',
    "guided": r'''Derive
    Write one entry: y[n, o] = sum_i x[n, i] W[o, i] + b[o].  With
    g = dL/dy of shape (N, out_features):

        dL/dx[n, i] = sum_o g[n, o] W[o, i]      ->  dL/dx = g W
        dL/dW[o, i] = sum_n g[n, o] x[n, i]      ->  dL/dW = g^T x
        dL/db[o]    = sum_n g[n, o]              ->  dL/db = g summed over n

    The bias was broadcast over the N rows, so its gradient adds up the
    gradient of every row.  Check your shapes: each gradient has the shape
    of its input.

''',
}

GRADED = r'''Graded
    forward's values, shape and dtype (float64, and float32 in gives
    float32 out); each gradient's shape, dtype and values, from calling
    your backward directly with a read-only grad_output, against the
    grader's finite differences; backward's time on a large input (at most
    20 times the forward's).

The library's version is ``minigrad/nn/linear.py`` (``F.linear``): it is
built from the engine's matmul and add, whose backward passes do this
exercise's work, so it needs no backward of its own.
'''

SKELETON = r'''import numpy as np  # noqa: F401 (yours to use)

from minigrad import Function


class Linear(Function):
    """y = x W^T + b"""

    @staticmethod
    def forward(ctx, x, weight, bias):
        raise NotImplementedError("linear: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("linear: write backward")


def linear(x, weight, bias):
    """Apply ``Linear`` to minigrad Tensors."""
    return Linear.apply(x, weight, bias)
'''

HINTS = [
    "Start from one entry: y[n, o] depends on x[n, i] through the single term x[n, i] W[o, i], for every o.",
    "Each gradient is a sum over the index its input does not have: x has no o, W has no n, b has neither n "
    "nor i.",
    "Sums over a shared index are matrix products; a sum over the rows of g is g.sum(axis=0).",
]


def forward(x, weight, bias):
    return x @ weight.T + bias


def inputs(rng, dtype, scale=1):
    # Three different sizes: a missing transpose cannot hide behind a square matrix.
    n, d_in, d_out = 5 * scale, 4 * scale, 3 * scale
    return (rng.standard_normal((n, d_in)).astype(dtype), rng.standard_normal((d_out, d_in)).astype(dtype),
            rng.standard_normal(d_out).astype(dtype))


def large(rng):
    return inputs(rng, "float64", 80)


CHECKS = function_checks("Linear", forward, inputs, ["x", "weight", "bias"], wrt=(0, 1, 2), large=large)
