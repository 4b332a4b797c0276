"""Exercise bptt: backpropagation through time for a tanh RNN over a short sequence."""
import numpy as np

from ..compare import vjp
from .kit import function_checks

NAME = "bptt"
TITLE = "Backpropagation through time: a tanh RNN over a sequence"
TOPIC = "Recurrent networks"
DIFFICULTY = "hard"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise bptt: backpropagation through time for a tanh RNN.

Task
    Complete ``RNN.backward`` for a one-layer tanh RNN run over a sequence,
    as PyTorch's ``nn.RNN`` (sequence first):

        a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
        h_t = tanh(a_t)                      for t = 0 .. T-1, from h_{-1} = h0

    with x of shape (T, N, input_size), h0 (N, H), W_ih (H, input_size),
    W_hh (H, H), b_ih and b_hh (H,).  The output is every state, out
    (T, N, H) with out[t] = h_t.  ``forward`` is written for you: it loops
    over t and saves every state.  backward receives grad_output = dL/dout
    (read-only, (T, N, H)) and returns (dL/dx, dL/dh0, dL/dW_ih, dL/dW_hh,
    dL/db_ih, dL/db_hh), each in its input's shape and dtype.  Write it as
    a loop over t in reverse.

'''

DERIVATION = {
    "derive": r'''Derive
    Unroll the loop into a chain of T cells that share one set of weights.
    A state h_t reaches the loss in more than one way: count them.  Then
    derive one step of the reverse loop - what it receives, what it hands
    to the step before, and what it adds to each parameter's gradient - and
    ask what the first step hands back to h0.

''',
    "guided": r'''Derive
    h_t reaches the loss directly (out[t]) and through h_{t+1}.  Walk t from
    T-1 down to 0, carrying dh, the gradient that step t+1 sends back
    (zero before the last step):

        dh_t   = grad_output[t] + dh           (both paths into h_t)
        da_t   = dh_t * (1 - h_t^2)            (through the tanh)
        dL/dx_t = da_t W_ih
        dL/dW_ih += da_t^T x_t      dL/dW_hh += da_t^T h_{t-1}
        dL/db_ih += da_t summed over N          (and the same for b_hh)
        dh     = da_t W_hh                     (sent back to step t-1)

    After the loop, dh is dL/dh0.  The weights are shared by every step, so
    their gradients add up every step's contribution.

''',
}

GRADED = r'''Graded
    every gradient's shape, dtype and values, from calling your backward
    directly with a read-only grad_output, against the grader's finite
    differences (float64, and float32 in gives float32 out); backward's
    time on a large input (at most 20 times the forward's).

The library's version is ``minigrad/nn/rnn_functions.py`` (``RNNFunction``):
it also runs in reverse for the backward direction of a bidirectional RNN,
skips padded steps with a mask, and keeps only the recurrent part inside
the loop, leaving the products with x and the weight gradients to one
large matrix product each before and after it.
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class RNN(Function):
    """h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), out[t] = h_t"""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh):
        states = np.empty((x.shape[0],) + h0.shape, dtype=x.dtype)
        h = h0
        for t in range(x.shape[0]):
            h = np.tanh(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
            states[t] = h
        ctx.save_for_backward(x, h0, w_ih, w_hh, states)
        return states

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("bptt: write backward")


def rnn(x, h0, w_ih, w_hh, b_ih, b_hh):
    """Apply ``RNN`` to minigrad Tensors; returns every state, (T, N, H)."""
    return RNN.apply(x, h0, w_ih, w_hh, b_ih, b_hh)
'''

HINTS = [
    "Each step is the RNN cell; what is new is that h_t is read twice: by the loss at step t and by step t+1.",
    "Go through the steps from the last to the first, carrying one array: the gradient that the later step "
    "sends back to the state before it.",
    "The same weights serve every step: start their gradients at zero and add every step's share.",
]

NAMES = ["x", "h0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]


def forward(x, h0, w_ih, w_hh, b_ih, b_hh, squash=np.tanh):
    h, states = h0, []
    for x_t in x:
        h = squash(x_t @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        states.append(h)
    return np.stack(states)


def linear_recurrence(*args):
    """The forward without its tanh: what a backward that skips the tanh at every step differentiates."""
    return forward(*args, squash=lambda a: a)


def inputs(rng, dtype, scale=1):
    steps, n, d_in, hidden = 4, 2 * scale, 3, 5
    shapes = [(steps, n, d_in), (n, hidden), (hidden, d_in), (hidden, hidden), (hidden,), (hidden,)]
    return tuple((0.6 * rng.standard_normal(s)).astype(dtype) for s in shapes)


def large(rng):
    steps, n, d_in, hidden = 40, 200, 100, 100
    shapes = [(steps, n, d_in), (n, hidden), (hidden, d_in), (hidden, hidden), (hidden,), (hidden,)]
    return tuple(0.1 * rng.standard_normal(s) for s in shapes)


def _steps_hint(got, want, args, g):
    if got.shape != want.shape:
        return None
    skipped = vjp(linear_recurrence, args, (0,), g)[0]
    if np.allclose(got, skipped, rtol=1e-4, atol=1e-6):
        return "the gradient skipped the tanh at every step: go through the tanh's derivative at each step."
    right = [np.allclose(mine, ok, rtol=1e-4, atol=1e-6) for mine, ok in zip(got, want)]
    if right[-1] and not all(right[:-1]):
        return ("the last step is right and earlier ones are wrong: an earlier state reaches the loss also "
                "through every later state - carry the gradient that step t+1 sends back into step t.")
    return ("walk the steps from the last to the first: step t needs what step t+1 sends back, so a loop in "
            "the forward order cannot have it yet.")


def _shared_hint(got, want, args, g):
    return ("the gradients for x and h0 are right but this one is not: the weights are shared by every step, "
            "so their gradient is the sum of every step's share - accumulate over the loop, never overwrite.")


CHECKS = function_checks("RNN", forward, inputs, NAMES, wrt=(0, 1, 2, 3, 4, 5), large=large, write_forward=False,
                         points={"backward": 5, "backward_float32": 2, "fast": 3},
                         hints={"backward_x": _steps_hint, "backward_weight_ih": _shared_hint,
                                "backward_weight_hh": _shared_hint, "backward_bias_ih": _shared_hint,
                                "backward_bias_hh": _shared_hint})
