"""Exercise cross_entropy: Log-softmax and cross-entropy: the gradient p - y."""
import numpy as np

from ..compare import expect_close, returned
from .kit import Plan, check, function_checks

NAME = "cross_entropy"
TITLE = "Log-softmax and cross-entropy: the gradient p - y"
TOPIC = "Softmax and cross-entropy"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise cross_entropy: log-softmax and the mean cross-entropy loss, forward and backward.

Task
    1. ``log_softmax(z)``: the log of the softmax of each row of z,
       log p[n, c] = z[n, c] - log sum_k e^z[n, k], computed so that it
       never overflows, even when the rows of z lie thousands apart.
    2. ``CrossEntropy.forward(ctx, logits, target)``: the mean over the N
       rows of -log p[n, target[n]]; logits (N, C) float, target (N,) int
       class indices; a 0-d array (the loss) of the logits' dtype.
    3. ``CrossEntropy.backward(ctx, grad_output)``: grad_output is the
       0-d dL/d(loss) (read-only); return (dL/dlogits, None): the integer
       targets have no gradient.

'''

DERIVATION = {
    "derive": r'''Derive
    Write the loss of one row as a function of its logits, differentiate
    it with respect to z[n, c] (two cases: c is the target, or not), then
    account for the mean over the rows and for grad_output.

''',
    "guided": r'''Derive
    p = softmax(z), p[n, c] = e^z[n, c] / sum_k e^z[n, k].  Subtracting the
    row maximum m first changes nothing (the e^-m cancels) but keeps every
    exponent <= 0:

        log p[n, c] = (z[n, c] - m) - log sum_k e^(z[n, k] - m)

    The loss of one row is l_n = -log p[n, y_n] = -z[n, y_n] + log sum_k e^z[n, k],
    so dl_n/dz[n, c] = p[n, c] - [c == y_n].  With Y the one-hot targets and
    L the mean of the N row losses, and g = dL/d(loss) (a scalar):

        dL/dz = g * (p - Y) / N

''',
}

GRADED = r'''Graded
    log_softmax's values (float64 and float32), also on rows offset by
    thousands from each other; the loss; the gradient, from calling
    backward directly, against the grader's finite differences (float64
    and float32); backward's time on a large input.

The library's version is ``minigrad/nn/loss.py`` (``F.cross_entropy``),
which also takes class weights, ignore_index, label smoothing and
probability targets, so its target handling is longer than this one.
'''

SKELETON = r'''import numpy as np

from minigrad import Function


def log_softmax(z):
    """log softmax over the last axis of z, stable for large entries."""
    raise NotImplementedError("cross_entropy: write log_softmax")


class CrossEntropy(Function):
    """L = mean over n of -log softmax(z)[n, y_n]"""

    @staticmethod
    def forward(ctx, logits, target):
        raise NotImplementedError("cross_entropy: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("cross_entropy: write backward")


def cross_entropy(logits, target):
    """Apply ``CrossEntropy`` to a Tensor of logits (N, C) and an int array of targets (N,)."""
    return CrossEntropy.apply(logits, target)
'''

HINTS = [
    "Subtracting any constant from a row of z leaves its softmax unchanged; pick the constant that makes every "
    "exponent <= 0 in that row.",
    "l_n = -z[n, y_n] + log sum_k e^z[n, k]: the derivative of the second term with respect to z[n, c] is a "
    "softmax entry.",
    "The derivative of the first term is -1 at the target class and 0 elsewhere; the mean divides every row by N.",
]


def log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def forward(logits, target):
    return np.asarray(-log_softmax(logits)[np.arange(logits.shape[0]), target].mean(), dtype=logits.dtype)


def inputs(rng, dtype, scale=1):
    n, c = 6 * scale, 5
    return (rng.standard_normal((n, c)).astype(dtype) * 2, rng.integers(0, c, n))


def large(rng):
    return (rng.standard_normal((4000, 300)), rng.integers(0, 300, 4000))


@check("log_softmax", 2, "log_softmax matches the definition (float64 and float32)")
def log_softmax_values(rng, scale):
    plan = Plan()
    cases = []
    for dtype, tolerance in (("float64", (1e-6, 1e-8)), ("float32", (1e-5, 1e-5))):
        z = inputs(rng, dtype, scale)[0]
        cases.append((plan.call("log_softmax", [z]), log_softmax(z.astype(np.float64)).astype(dtype), tolerance,
                      dtype))

    def judge(results):
        for k, want, tolerance, dtype in cases:
            expect_close(returned(results[k], "r", 0, "log_softmax's result"), want,
                         f"log_softmax of {dtype} logits", *tolerance)

    plan.judge = judge
    return plan


@check("stable", 1, "log_softmax is stable for rows thousands apart")
def log_softmax_stable(rng, scale):
    plan = Plan()
    z = inputs(rng, "float64", scale)[0]
    z = z + 1000.0 * np.arange(z.shape[0])[:, None] * rng.choice([-1, 1])  # each row its own offset
    k = plan.call("log_softmax", [z])
    want = log_softmax(z)

    def hint(got, want):
        return ("a row lost everything: subtract each row's own maximum (keepdims=True), not one maximum of the "
                "whole array - rows far below the global maximum underflow to log(0).")

    plan.judge = lambda r: expect_close(returned(r[k], "r", 0, "log_softmax's result"), want,
                                        "log_softmax of rows offset by thousands", 1e-6, 1e-6, hint=hint)
    return plan


def _loss_hint(got, want, args, g):
    n = args[0].shape[0]
    if np.isclose(got, want * n):
        return f"the loss is N = {n} times too large: the loss is a mean over the rows."
    if np.isclose(got, -want):
        return "the sign is wrong: the loss is positive."
    return None


CHECKS = [log_softmax_values, log_softmax_stable] + function_checks(
    "CrossEntropy", forward, inputs, ["logits", "target"], wrt=(0,), large=large, hints={"forward": _loss_hint},
    points={"forward": 2, "forward_float32": 1, "backward": 2, "backward_float32": 1, "fast": 1})
