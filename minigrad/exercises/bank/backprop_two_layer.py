"""Exercise backprop_two_layer: the four gradients of the lecture's two-layer network, by hand."""
import numpy as np

from ..compare import SLOW, Failed, count_of, diagnose, expect_close, raise_error, returned, vjp
from .kit import FLOOR, TIMES_FORWARD, Plan, check, cpu_seconds

NAME = "backprop_two_layer"
TITLE = "Backprop by hand through a two-layer tanh network"
TOPIC = "Backpropagation"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise backprop_two_layer: backpropagation by hand through the lecture's network (lesson 7).

Task
    x has shape (N, D), y holds N class indices in 0 .. C-1, W1 has shape
    (H, D), b1 (H,), W2 (C, H), b2 (C,) - PyTorch's Linear layout.  The
    network and its loss (``loss`` below is written for you):

        z1 = x W1^T + b1        (N, H)
        h  = tanh(z1)           (N, H)
        z2 = h W2^T + b2        (N, C)
        L  = -(1/N) sum_n log softmax(z2[n])[y[n]]

    Complete ``gradients(x, y, W1, b1, W2, b2)``: return
    (dL/dW1, dL/db1, dL/dW2, dL/db2), each in its parameter's shape, with
    NumPy alone - no autograd (the rules refuse minigrad beyond Function,
    and torch).

'''

DERIVATION = {
    "derive": r'''Derive
    Go backwards one line at a time: first dL/dz2 (the softmax and the
    mean together), then the gradients of the second layer's parameters
    and of h, then through tanh to dL/dz1 (what is tanh's derivative in
    terms of h?), and last the first layer's parameters.  Check every
    intermediate's shape against the forward quantity it belongs to.

''',
    "guided": r'''Derive
    With P = softmax(z2) row by row and Y the one-hot of y:

        dL/dz2 = (P - Y) / N                  (N, C)
        dL/dW2 = dL/dz2^T h                   (C, H)
        dL/db2 = dL/dz2 summed over n         (C,)
        dL/dh  = dL/dz2 W2                    (N, H)
        dL/dz1 = dL/dh * (1 - h^2)            (N, H)   tanh' = 1 - tanh^2
        dL/dW1 = dL/dz1^T x                   (H, D)
        dL/db1 = dL/dz1 summed over n         (H,)

''',
}

GRADED = r'''Graded
    each of the four gradients on its own (one check each, so partial
    credit shows where the chain broke): shape and values against the
    grader's finite differences of the loss; and, once they are right,
    that ``gradients`` on a large network costs about what a few
    evaluations of the loss cost (finite differences cost one per weight).

The library's version is ``minigrad/nn/linear.py`` with
``minigrad/ops/activation.py`` and ``minigrad/nn/loss.py``: each layer's
backward does one step of this chain, and the engine runs them in order.
'''

SKELETON = r'''import numpy as np


def loss(x, y, W1, b1, W2, b2):
    """The mean softmax cross-entropy of the two-layer tanh network."""
    h = np.tanh(x @ W1.T + b1)
    z2 = h @ W2.T + b2
    shifted = z2 - z2.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean()


def gradients(x, y, W1, b1, W2, b2):
    """(dL/dW1, dL/db1, dL/dW2, dL/db2) of ``loss``, by hand."""
    raise NotImplementedError("backprop_two_layer: write gradients")
'''

HINTS = [
    "Softmax and cross-entropy together have a simple gradient with respect to z2; remember the 1/N of the mean.",
    "A Linear layer's weight gradient is (gradient of its output)^T times its input; its bias sums over n.",
    "tanh's derivative is 1 - tanh^2, and h is tanh(z1): multiply entry by entry on the way back.",
]

PARAMETERS = ("W1", "b1", "W2", "b2")


def forward(x, y, W1, b1, W2, b2, h_at=None):
    """The task's loss.  With ``h_at`` (the hidden values at the graded point) tanh is replaced by its tangent
    of slope 1 there, so that the grader's own finite differences show what forgetting tanh's derivative gives."""
    z1 = x @ W1.T + b1
    h = np.tanh(z1) if h_at is None else h_at[0] + (z1 - h_at[1])
    z2 = h @ W2.T + b2
    shifted = z2 - z2.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean()


def _inputs(rng, scale):
    n, d, h, c = 5 * scale, 4, 3, 6  # all different, so a transpose shows in the shape
    return [rng.standard_normal((n, d)), rng.integers(0, c, n), rng.standard_normal((h, d)), rng.standard_normal(h),
            rng.standard_normal((c, h)) * 0.7, rng.standard_normal(c) * 0.1]


def _gradient_check(index, points):
    name = PARAMETERS[index]

    @check(f"grad_{name}", points, f"dL/d{name}: shape and values against the grader's finite differences")
    def build(rng, scale):
        plan, args = Plan(), _inputs(rng, scale)
        k = plan.call("gradients", args)
        position = 2 + index  # the parameter's place among forward's arguments
        want = vjp(forward, args, (position,), np.array(1.0))[position]
        z1 = args[0] @ args[2].T + args[3]
        tangent = (np.tanh(z1), z1)
        without_tanh = (vjp(lambda *a: forward(*a, h_at=tangent), args, (position,), np.array(1.0))[position]
                        if name in ("W1", "b1") else None)

        def hint(got, want):
            if without_tanh is not None and np.allclose(got, without_tanh, rtol=1e-5, atol=1e-8):
                return "the gradient passes through tanh as if its derivative were 1: tanh's derivative is missing."
            return diagnose(got, want)

        def judge(results):
            if count_of(results[k], "r") != 4:
                raise Failed(f"gradients returned {count_of(results[k], 'r')} value(s); it returns four, "
                             "(dL/dW1, dL/db1, dL/dW2, dL/db2).")
            got = returned(results[k], "r", index, f"dL/d{name}")
            expect_close(got, want, f"dL/d{name}", rtol=1e-5, atol=1e-8, hint=hint, name=name)

        plan.judge = judge
        return plan

    return build


@check("fast", 2, f"gradients are derived, not estimated: on a large network they take at most {TIMES_FORWARD} "
       f"times the loss's CPU time (or {FLOOR:g} s)", timed=True, right_first="grad_")
def _fast(rng, scale):
    n, d, h, c = 2000, 300, 200, 10  # 62,010 weights: finite differences would evaluate the loss 124,020 times
    args = [rng.standard_normal((n, d)), rng.integers(0, c, n), rng.standard_normal((h, d)) * 0.1,
            rng.standard_normal(h) * 0.1, rng.standard_normal((c, h)) * 0.1, rng.standard_normal(c) * 0.1]
    plan = Plan()
    budget = max(FLOOR, TIMES_FORWARD * cpu_seconds(lambda: forward(*args)))
    k = plan.time_call("gradients", args, budget)

    def judge(results):
        raise_error(results[k])
        seconds = float(results[k]["cpu"])
        if seconds > budget:
            raise Failed(f"gradients took {seconds:.2f} s of CPU time on a large network; the budget is "
                         f"{budget:.2f} s.", hint=SLOW)

    plan.judge = judge
    return plan


CHECKS = [_gradient_check(0, 3), _gradient_check(1, 2), _gradient_check(2, 2), _gradient_check(3, 1), _fast]
