"""Exercise softmax_temperature: softmax(z / T), stable forward and backward, and its limits."""
import numpy as np

from ..compare import Failed, expect_close, returned, vjp
from .kit import Plan, check, function_checks, upstream

NAME = "softmax_temperature"
TITLE = "Softmax with temperature: forward, backward, limits"
TOPIC = "Softmax and cross-entropy"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise softmax_temperature: softmax with a temperature, forward and backward (lesson 6).

Task
    Complete ``SoftmaxT.forward`` and ``SoftmaxT.backward`` for

        p = softmax(z / T),     p[n, k] = e^(z[n, k] / T) / sum_j e^(z[n, j] / T)

    over the last axis of z, of shape (N, C), with a temperature T > 0 (a
    Python float, not differentiated).  forward must stay finite for
    logits in the thousands and for small T.  backward receives
    g = dL/dp (``grad_output``, read-only) and returns (dL/dz, None): None
    for T.  Outputs and gradients keep z's shape and dtype.

'''

DERIVATION = {
    "derive": r'''Derive
    Write the Jacobian dp[n, k] / dz[n, j] of one row (two cases, j = k
    and j != k), remembering the 1/T inside; then contract it with g
    without building the (C, C) matrix.  For stability: what can you
    subtract from each row of z / T without changing p?  Finally ask what
    p becomes as T -> 0 and as T -> infinity, and what softmax([z, 0])
    has to do with the sigmoid.

''',
    "guided": r'''Derive
    With s = z / T, dp_k/ds_j = p_k (delta_kj - p_j), and ds_j/dz_j = 1/T:

        dL/dz[n, j] = p[n, j] (g[n, j] - sum_k g[n, k] p[n, k]) / T

    Subtracting each row's maximum of z / T leaves p unchanged and keeps
    every exponent <= 0.  As T -> 0, p tends to the one-hot argmax of each
    row; as T -> infinity, to the uniform 1/C.  And softmax([z, 0])[0] =
    e^z / (e^z + 1) = sigmoid(z): the sigmoid is a two-class softmax.

''',
}

GRADED = r'''Graded
    forward's values (float64, and float32 in gives float32 out); dL/dz's
    shape, dtype and values, from calling backward directly with a
    read-only grad_output, against the grader's finite differences;
    backward's time on a large input; logits thousands apart at a small
    T (forward and backward finite and right); T -> 0 gives the argmax,
    T -> infinity the uniform distribution, and softmax([z, 0])[0] is
    sigmoid(z).

The library's version is ``minigrad/ops/activation.py`` (``softmax``):
softmax over any axis, without a temperature (divide the logits first).
'''

SKELETON = r'''import numpy as np  # noqa: F401 (yours to use)

from minigrad import Function


class SoftmaxT(Function):
    """p = softmax(z / T) over the last axis"""

    @staticmethod
    def forward(ctx, z, T):
        raise NotImplementedError("softmax_temperature: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("softmax_temperature: write backward")


def softmax_t(z, T=1.0):
    """Apply ``SoftmaxT`` to a minigrad Tensor."""
    return SoftmaxT.apply(z, T)
'''

HINTS = [
    "Each row is its own softmax: every sum and every maximum is over the last axis, with keepdims=True.",
    "The Jacobian of softmax is p_k (delta_kj - p_j); the chain rule through z / T adds one more factor.",
    "Contract with g in two whole-array steps: a row sum of g * p, then the rest entry by entry.",
]


def forward(z, T):
    s = z / T
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def inputs(rng, dtype, scale=1):
    return (rng.normal(0, 2, (4 * scale, 5)).astype(dtype), float(rng.uniform(0.4, 3.0)))


def large(rng):
    return (rng.normal(0, 2, (1000, 1000)), 1.5)


def temperature_hint(got, want, args, g):
    """Recognise the factor of T, forgotten or applied twice."""
    T = args[1]
    if np.allclose(got, want * T, rtol=1e-4, atol=1e-7):
        return "the factor that dividing z by T brings into the chain rule is missing."
    if np.allclose(got, want / T, rtol=1e-4, atol=1e-7):
        return "the temperature's factor is applied twice."
    return None


@check("stable", 1, "logits thousands apart at a small T: forward and backward finite and right")
def stable(rng, scale):
    plan = Plan()
    z = rng.normal(0, 1, (3 * scale, 4)) + np.tile([[2000.0], [-3000.0], [500.0]], (scale, 1))
    T = 0.05
    g = upstream(rng, z.shape)
    k = plan.backward("SoftmaxT", [z, T], g)
    # softmax ignores a shift of each row, so the grader differentiates the shifted logits, where differences
    # of size h are not lost in the rounding of numbers in the thousands
    shifted = z - z.max(axis=-1, keepdims=True)
    want = forward(shifted, T)
    grad = vjp(forward, [shifted, T], (0,), g)[0]

    def judge(results):
        hint = ("subtract each row's own maximum: with one maximum for the whole array, rows far below it "
                "underflow to 0 / 0.")
        for got, right, what in ((returned(results[k], "out", 0, "forward's output"), want, "forward's output"),
                                 (returned(results[k], "grad", 0, "the gradient for z"), grad, "the gradient for z")):
            expect_close(got, right, f"{what} for logits thousands apart at T = {T}", rtol=1e-5, atol=1e-8,
                         hint=lambda got, want: hint if not np.isfinite(got).all() else None, name="z")

    plan.judge = judge
    return plan


@check("limits", 1, "T -> 0 gives the argmax, T -> infinity the uniform distribution, softmax([z, 0])[0] = "
       "sigmoid(z)")
def limits(rng, scale):
    plan = Plan()
    c = 6
    row = (rng.permutation(c) * 0.5 + rng.uniform(0, 0.1)).reshape(1, c)  # entries at least 0.5 apart
    cold = plan.forward("SoftmaxT", [row, 1e-3])
    hot = plan.forward("SoftmaxT", [row, 1e6])
    z = rng.normal(0, 3, 5 * scale)
    pair = plan.forward("SoftmaxT", [np.stack([z, np.zeros_like(z)], axis=1), 1.0])
    argmax = (row == row.max()).astype(float)

    def judge(results):
        got = returned(results[cold], "out", 0, "forward's output at T = 0.001")
        if got.shape != row.shape or not np.allclose(got, argmax, atol=1e-6):
            raise Failed("at T = 0.001, softmax is not the one-hot argmax of the row.",
                         hint="a small T spreads the logits far apart: keep the exponents finite.")
        got = returned(results[hot], "out", 0, "forward's output at T = 1e6")
        if got.shape != row.shape or not np.allclose(got, 1 / c, atol=1e-5):
            raise Failed("at T = 1e6, softmax is not uniform.", hint="divide the logits by T before the exponential.")
        got = returned(results[pair], "out", 0, "forward's output for [z, 0]")
        if got.shape != (len(z), 2) or not np.allclose(got[:, 0], 0.5 * (1 + np.tanh(0.5 * z)), atol=1e-9):
            raise Failed("softmax([z, 0])[0] differs from sigmoid(z) at T = 1.",
                         hint="each row of the input is one distribution over its last axis.")

    plan.judge = judge
    return plan


CHECKS = function_checks("SoftmaxT", forward, inputs, ["z", "T"], wrt=(0,), large=large,
                         hints={"backward_z": temperature_hint},
                         points={"forward": 2, "forward_float32": 1, "backward": 3, "backward_float32": 1,
                                 "fast": 1}) + [stable, limits]
