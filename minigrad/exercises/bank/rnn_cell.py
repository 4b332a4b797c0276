"""Exercise rnn_cell: the tanh RNN cell's backward, gradients for x, h and the four parameters."""
import numpy as np

from ..compare import vjp
from .kit import function_checks

NAME = "rnn_cell"
TITLE = "RNN cell backward: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)"
TOPIC = "Recurrent networks"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise rnn_cell: one step of a tanh RNN, backward.

Task
    Complete ``RNNCell.backward`` for one step of PyTorch's ``nn.RNNCell``:

        a  = x W_ih^T + b_ih + h W_hh^T + b_hh       (the pre-activation)
        h' = tanh(a)

    with x of shape (N, input_size), h of shape (N, hidden_size), W_ih
    (hidden_size, input_size), W_hh (hidden_size, hidden_size), b_ih and
    b_hh (hidden_size,), and h' (N, hidden_size).  ``forward`` is written
    for you and saves what backward needs.  backward receives
    g = dL/dh' (``grad_output``, read-only) and returns
    (dL/dx, dL/dh, dL/dW_ih, dL/dW_hh, dL/db_ih, dL/db_hh), each in its
    input's shape and dtype.

'''

DERIVATION = {
    "derive": r'''Derive
    Split the step in two: the tanh, then the affine map that makes a.
    Derive dL/da from g first; then each of the six gradients from dL/da,
    as in the linear layer - x and h play the same part, each with its own
    weight.  Check each result's shape against its input's.

''',
    "guided": r'''Derive
    Through the tanh first (its derivative, written with its output, is
    1 - h'^2), then through the affine map as in the linear layer:

        dL/da    = g * (1 - h'^2)
        dL/dx    = dL/da W_ih            dL/dh    = dL/da W_hh
        dL/dW_ih = dL/da^T x             dL/dW_hh = dL/da^T h
        dL/db_ih = dL/db_hh = dL/da summed over the N rows

    The two biases are added at the same place, so they get the same
    gradient.

''',
}

GRADED = r'''Graded
    each gradient's shape, dtype and values, from calling your backward
    directly with a read-only grad_output, against the grader's finite
    differences (float64, and float32 in gives float32 out); backward's
    time on a large input (at most 20 times the forward's).

The library's version is ``minigrad/nn/rnn_functions.py`` (``RNNFunction``,
used by ``nn.RNN`` and ``nn.RNNCell``): it runs this step over a whole
sequence in one Function, computing every step's x W_ih^T at once before
the loop and every weight gradient at once after it, so that the loop over
time holds only what cannot be batched.
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class RNNCell(Function):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)"""

    @staticmethod
    def forward(ctx, x, h, w_ih, w_hh, b_ih, b_hh):
        h_new = np.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        ctx.save_for_backward(x, h, w_ih, w_hh, h_new)
        return h_new

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("rnn_cell: write backward")


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    """Apply ``RNNCell`` to minigrad Tensors."""
    return RNNCell.apply(x, h, w_ih, w_hh, b_ih, b_hh)
'''

HINTS = [
    "Go through the tanh first: one array, the gradient with respect to the pre-activation a, feeds all six "
    "gradients.",
    "The tanh's derivative can be written with its output alone, which forward saved.",
    "Past the tanh, x with W_ih and h with W_hh are two linear layers side by side; the biases are broadcast "
    "over the N rows.",
]

NAMES = ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]


def forward(x, h, w_ih, w_hh, b_ih, b_hh):
    return np.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)


def pre_activation(x, h, w_ih, w_hh, b_ih, b_hh):
    """The forward without its tanh: what a backward that skips the tanh differentiates."""
    return x @ w_ih.T + b_ih + h @ w_hh.T + b_hh


def inputs(rng, dtype, scale=1):
    # Batch, input and hidden sizes all differ: a missing transpose cannot hide behind a square matrix.
    n, d_in, hidden = 3 * scale, 4, 5
    shapes = [(n, d_in), (n, hidden), (hidden, d_in), (hidden, hidden), (hidden,), (hidden,)]
    return tuple((0.7 * rng.standard_normal(s)).astype(dtype) for s in shapes)


def large(rng):
    n, d_in, hidden = 2000, 300, 300
    shapes = [(n, d_in), (n, hidden), (hidden, d_in), (hidden, hidden), (hidden,), (hidden,)]
    return tuple(0.05 * rng.standard_normal(s) for s in shapes)


def _tanh_skipped(index):
    def hint(got, want, args, g):
        skipped = vjp(pre_activation, args, (index,), g)[index]
        if got.shape == skipped.shape and np.allclose(got, skipped, rtol=1e-4, atol=1e-6):
            return ("the gradient skipped the tanh: it is what you would get if h' were the pre-activation a "
                    "itself; go through the tanh's derivative first.")
        return None
    return hint


def _recurrent_hint(got, want, args, g):
    return _tanh_skipped(1)(got, want, args, g) or (
        "h enters through W_hh exactly as x enters through W_ih: its gradient has the same form with W_hh in "
        "place of W_ih - mind which side of the matrix product the weight goes, and whether it is transposed.")


CHECKS = function_checks("RNNCell", forward, inputs, NAMES, wrt=(0, 1, 2, 3, 4, 5), large=large,
                         write_forward=False, points={"backward": 5, "backward_float32": 2, "fast": 3},
                         hints={"backward_x": _tanh_skipped(0), "backward_h": _recurrent_hint})
