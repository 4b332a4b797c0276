"""Exercise lstm_cell: one LSTM step's backward, through all four gates."""
import numpy as np

from .kit import function_checks

NAME = "lstm_cell"
TITLE = "LSTM cell backward: one step, all four gates"
TOPIC = "Recurrent networks"
DIFFICULTY = "hard"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise lstm_cell: one step of an LSTM, backward through every gate.

Task
    Complete ``LSTMCell.backward`` for one step of PyTorch's ``nn.LSTMCell``
    (gate order i, f, g, o, as PyTorch's weights are stacked):

        a = x W_ih^T + b_ih + h W_hh^T + b_hh          (N, 4H): four blocks of H columns
        i = sigma(a_i)   f = sigma(a_f)   g = tanh(a_g)   o = sigma(a_o)
        c' = f * c + i * g
        h' = o * tanh(c')

    with x (N, input_size), h and c (N, H), W_ih (4H, input_size), W_hh
    (4H, H), b_ih and b_hh (4H,).  The Function has one output, as the
    library's LSTM Function does: h' and c' side by side, out (N, 2H) with
    h' in the first H columns and c' in the last H.  ``forward`` is written
    for you and saves what backward needs.  backward receives
    grad_output = dL/dout (read-only, (N, 2H)): its first H columns are
    dL/dh', its last H columns dL/dc' (the gradient that reaches c' directly,
    from the next step).  It returns (dL/dx, dL/dh, dL/dc, dL/dW_ih,
    dL/dW_hh, dL/db_ih, dL/db_hh), each in its input's shape and dtype.

'''

DERIVATION = {
    "derive": r'''Derive
    Draw the step as a graph: a, the four gates, c', tanh(c'), h'.  Walk it
    backwards: first everything that reaches c' (count every path), then
    each gate's own gradient, then each gate's pre-activation (mind which
    gate is a tanh), then x, h, c and the parameters from dL/da as in the
    RNN cell.  Check each result's shape against its input's.

''',
    "guided": r'''Derive
    With dh = dL/dh' and dc = dL/dc' (the two halves of grad_output):

        dc_total = dc + dh * o * (1 - tanh(c')^2)     (c' reaches the loss twice)
        dL/do = dh * tanh(c')
        dL/di = dc_total * g     dL/dg = dc_total * i     dL/df = dc_total * c
        dL/dc = dc_total * f

    then through each gate's nonlinearity, written with its output:

        dL/da_i = dL/di * i (1 - i)      dL/da_f = dL/df * f (1 - f)
        dL/da_g = dL/dg * (1 - g^2)      dL/da_o = dL/do * o (1 - o)

    and, with dL/da the four blocks side by side (N, 4H), as in the RNN cell:

        dL/dx = dL/da W_ih     dL/dh = dL/da W_hh
        dL/dW_ih = dL/da^T x   dL/dW_hh = dL/da^T h
        dL/db_ih = dL/db_hh = dL/da summed over the N rows

''',
}

GRADED = r'''Graded
    each gradient's shape, dtype and values, from calling your backward
    directly with a read-only grad_output, against the grader's finite
    differences (float64, and float32 in gives float32 out); backward's
    time on a large input (at most 20 times the forward's).

The library's version is ``minigrad/nn/rnn_functions.py`` (``LSTMFunction``,
used by ``nn.LSTM`` and ``nn.LSTMCell``): it runs this step over a whole
sequence in one Function, carrying dL/dh and dL/dc back from step to step,
with a mask for padded steps, and computes every weight gradient in one
product after the loop rather than one per step.
'''

SKELETON = r'''import numpy as np

from minigrad import Function


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


class LSTMCell(Function):
    """out = [h', c'] with c' = f * c + i * g and h' = o * tanh(c'), gates i, f, g, o"""

    @staticmethod
    def forward(ctx, x, h, c, w_ih, w_hh, b_ih, b_hh):
        hidden = h.shape[1]
        a = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i = sigmoid(a[:, :hidden])
        f = sigmoid(a[:, hidden : 2 * hidden])
        g = np.tanh(a[:, 2 * hidden : 3 * hidden])
        o = sigmoid(a[:, 3 * hidden :])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        ctx.save_for_backward(x, h, c, w_ih, w_hh, i, f, g, o, c_new)
        return np.concatenate([h_new, c_new], axis=1)

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("lstm_cell: write backward")


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    """Apply ``LSTMCell`` to minigrad Tensors; returns [h', c'] side by side."""
    return LSTMCell.apply(x, h, c, w_ih, w_hh, b_ih, b_hh)
'''

HINTS = [
    "c' reaches the loss along two paths: directly (the last H columns of grad_output) and through h'. Add "
    "both before going further back.",
    "Each gate's gradient is the gradient of the product it sits in times the other factor of that product, "
    "as the forward wrote it; then go through the gate's own nonlinearity (three sigmoids and one tanh).",
    "Stack the four pre-activation gradients side by side in the order i, f, g, o: from there x, h and the "
    "parameters are the RNN cell's linear layers.",
]

NAMES = ["x", "h", "c", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
GATES = ["input gate i", "forget gate f", "cell candidate g", "output gate o"]


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def forward(x, h, c, w_ih, w_hh, b_ih, b_hh):
    a = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, g, o = np.split(a, 4, axis=1)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return np.concatenate([_sigmoid(o) * np.tanh(c_new), c_new], axis=1)


def inputs(rng, dtype, scale=1):
    n, d_in, hidden = 3 * scale, 4, 5
    shapes = [(n, d_in), (n, hidden), (n, hidden), (4 * hidden, d_in), (4 * hidden, hidden), (4 * hidden,),
              (4 * hidden,)]
    return tuple((0.7 * rng.standard_normal(s)).astype(dtype) for s in shapes)


def large(rng):
    n, d_in, hidden = 1000, 200, 200
    shapes = [(n, d_in), (n, hidden), (n, hidden), (4 * hidden, d_in), (4 * hidden, hidden), (4 * hidden,),
              (4 * hidden,)]
    return tuple(0.05 * rng.standard_normal(s) for s in shapes)


def _gate_hint(got, want, args, g):
    """Name the gates whose block of the bias gradient (the sum of dL/da over rows) is wrong."""
    if got.shape != want.shape:
        return None
    blocks = zip(np.split(got.astype(np.float64), 4), np.split(want.astype(np.float64), 4))
    wrong = [gate for gate, (mine, right) in zip(GATES, blocks) if not np.allclose(mine, right, rtol=1e-4,
                                                                                        atol=1e-6)]
    if wrong == ["forget gate f"]:
        return ("only the forget gate's block is wrong: f multiplies the cell state the step received, c, not "
                "the new one c'.")
    if wrong == ["cell candidate g"]:
        return ("only the cell candidate's block is wrong: g is a tanh, not a sigmoid like i, f and o, and its "
                "derivative is the tanh's.")
    if wrong == ["output gate o"]:
        return "only the output gate's block is wrong: o multiplies tanh(c'), and its nonlinearity is a sigmoid."
    if wrong == ["input gate i", "forget gate f", "cell candidate g"]:
        return ("the output gate's block is right but i, f and g are wrong: they all act through c', which "
                "reaches the loss along two paths - directly and through h' - and both must be added.")
    return f"these gates' blocks are wrong: {', '.join(wrong)} (the bias gradient's blocks follow i, f, g, o)."


def _cell_hint(got, want, args, g):
    return ("the gradient for c is wrong while the gates are right: c reaches c' only by being multiplied by "
            "the forget gate, after both paths into c' are added.")


# The bias is judged first: its four blocks show which gate's derivative is wrong.
CHECKS = function_checks("LSTMCell", forward, inputs, NAMES, wrt=(5, 6, 3, 4, 0, 1, 2), large=large,
                         write_forward=False, points={"backward": 5, "backward_float32": 2, "fast": 3},
                         hints={"backward_bias_ih": _gate_hint, "backward_c": _cell_hint})
