"""Exercise minibatch_gradient: the scaled mini-batch estimate of a sum-of-losses gradient, and an epoch's batches."""
import itertools

import numpy as np

from ..compare import Failed, diagnose, expect_close, returned, vjp
from .kit import Plan, check, generator

NAME = "minibatch_gradient"
TITLE = "The mini-batch gradient estimator: unbiased by its scale"
TOPIC = "Stochastic gradient descent"
DIFFICULTY = "easy"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise minibatch_gradient: the mini-batch gradient estimator (lesson 2).

Task
    The objective is a sum over N examples, F(w) = sum_n l_n(w), here with
    the squared error l_n(w) = (x_n . w - y_n)^2 / 2; X has shape (N, D),
    y shape (N,), w shape (D,).

    1. ``minibatch_gradient(w, X, y, batch)``: ``batch`` holds B distinct
       example indices.  Return the estimate of dF/dw that SGD uses: the
       batch's gradient sum_{n in batch} dl_n/dw, scaled so that the
       estimate is unbiased - its mean over every batch of size B equals
       the full gradient dF/dw.  An array of w's shape.
    2. ``epoch_batches(generator, N, B)``: one epoch of sampling without
       replacement: shuffle the indices 0 .. N-1 with ``generator`` (a NumPy
       Generator) and cut them into N / B batches of B (N is a multiple of
       B).  Return an integer array of shape (N / B, B).

'''

DERIVATION = {
    "derive": r'''Derive
    First dl_n/dw for one example.  Then the scale: count in how many of
    the batches of size B a given example n appears, out of how many
    batches in all; the mean of the unscaled batch sums over all batches
    follows, and with it the factor that makes the mean equal dF/dw.

''',
    "guided": r'''Derive
    One example: dl_n/dw = (x_n . w - y_n) x_n.  Of the C(N, B) batches of
    size B, example n is in C(N-1, B-1) of them, a fraction B/N, so the
    mean over all batches of the batch sum is (B/N) dF/dw.  The unbiased
    estimate therefore scales the sum by N/B:

        g_batch = (N/B) sum_{n in batch} (x_n . w - y_n) x_n

    With B = N it is the full gradient; with B = 1 it is N times one
    example's gradient.

''',
}

GRADED = r'''Graded
    the estimate for the whole set as one batch; its values for batches of
    several sizes against the grader's finite differences of the batch's
    loss, scaled as the task requires; the mean of your estimates over
    every batch of size B of a small set against the full gradient
    (unbiasedness); epoch_batches: a shuffled partition of the indices.

The library's version is ``minigrad/optim/sgd.py`` with
``minigrad/data``'s batching: the library's losses take the mean over a
batch instead of the sum, which folds the scale into the learning rate.
'''

SKELETON = r'''import numpy as np


def minibatch_gradient(w, X, y, batch):
    """The unbiased mini-batch estimate of dF/dw from the examples in ``batch``, of w's shape."""
    raise NotImplementedError("minibatch_gradient: write minibatch_gradient")


def epoch_batches(generator, N, B):
    """One epoch's batches: a shuffled 0 .. N-1 cut into an integer array of shape (N // B, B)."""
    raise NotImplementedError("minibatch_gradient: write epoch_batches")
'''

HINTS = [
    "Write dl_n/dw for one example; the batch's sum of them is one matrix product with X[batch].",
    "Count: example n is in what fraction of all the batches of size B? That fraction is the bias of the plain sum.",
    "generator.permutation(N) shuffles 0 .. N-1; reshape cuts it into rows of B.",
]


def forward(w, X, y, batch):
    """The batch's part of the objective: sum over the batch of (x_n . w - y_n)^2 / 2."""
    r = X[batch] @ w - y[batch]
    return 0.5 * np.sum(r * r)


def estimate(w, X, y, batch):
    """The task's estimator, from the grader's finite differences of the batch's loss."""
    return len(y) / len(batch) * vjp(forward, [w, X, y, batch], (0,), np.array(1.0))[0]


def _data(rng, n, d):
    return rng.standard_normal(d), rng.standard_normal((n, d)), rng.standard_normal(n)


def _scale_hint(got, want, n, b):
    if np.allclose(got, want * b / n, rtol=1e-5, atol=1e-9):
        return "your estimate is the batch's plain sum: its mean over all batches falls short of the full gradient."
    if np.allclose(got, want / n, rtol=1e-5, atol=1e-9):
        return "your estimate is the batch's mean: the objective is a sum over all N examples, not a mean."
    return None


@check("full_batch", 2, "with the whole set as the batch, the estimate is the full gradient")
def full_batch(rng, scale):
    plan = Plan()
    w, X, y = _data(rng, 8 * scale, 3)
    batch = rng.permutation(len(y))
    k = plan.call("minibatch_gradient", [w, X, y, batch])
    want = estimate(w, X, y, batch)
    plan.judge = lambda r: expect_close(returned(r[k], "r", 0, "the estimate"), want, "the full-batch estimate",
                                        rtol=1e-5, atol=1e-8, name="w")
    return plan


@check("scaled", 3, "values for batches of several sizes, scaled as the task requires")
def scaled(rng, scale):
    plan, cases = Plan(), []
    w, X, y = _data(rng, 12 * scale, 4)
    for b in (1, 3, 5):
        batch = rng.choice(len(y), b, replace=False)
        cases.append((plan.call("minibatch_gradient", [w, X, y, batch]), estimate(w, X, y, batch), b))

    def judge(results):
        for k, want, b in cases:
            expect_close(returned(results[k], "r", 0, "the estimate"), want, f"the estimate for a batch of {b}",
                         rtol=1e-5, atol=1e-8, name="w",
                         hint=lambda got, want, b=b: _scale_hint(got, want, len(y), b))

    plan.judge = judge
    return plan


@check("unbiased", 3, "the mean of the estimates over every batch of size B is the full gradient")
def unbiased(rng, scale):
    plan, groups = Plan(), []
    w, X, y = _data(rng, 6, 3)
    full = vjp(forward, [w, X, y, np.arange(len(y))], (0,), np.array(1.0))[0]
    for b in (2, 3):
        calls = [plan.call("minibatch_gradient", [w, X, y, np.array(batch)])
                 for batch in itertools.combinations(range(len(y)), b)]
        groups.append((calls, b))

    def judge(results):
        for calls, b in groups:
            got = [returned(results[k], "r", 0, "the estimate") for k in calls]
            if any(g.shape != w.shape for g in got):
                raise Failed(f"an estimate has the wrong shape; w has shape {w.shape}.",
                             hint="the estimate has w's shape.")
            mean = np.mean(got, axis=0)
            if not np.allclose(mean, full, rtol=1e-5, atol=1e-8):
                raise Failed(f"averaged over all {len(calls)} batches of size {b} of a set of {len(y)}, your "
                             "estimate is not the full gradient: it is biased.",
                             hint=_scale_hint(mean, full, len(y), b) or diagnose(mean, full))

    plan.judge = judge
    return plan


@check("partition", 2, "epoch_batches cuts a shuffled 0 .. N-1 into N / B batches of B")
def partition(rng, scale):
    plan, n, b = Plan(), 12 * scale, 3
    seeds = [int(s) for s in rng.integers(2**31, size=2)]
    calls = [plan.call("epoch_batches", [generator(seed), n, b]) for seed in seeds]

    def judge(results):
        epochs = []
        for k in calls:
            got = returned(results[k], "r", 0, "epoch_batches' result")
            if got.shape != (n // b, b) or got.dtype.kind not in "iu":
                raise Failed(f"for N = {n}, B = {b}, epoch_batches returned {got.dtype} of shape {got.shape}; it "
                             f"returns integers of shape {(n // b, b)}.")
            if not np.array_equal(np.sort(got, axis=None), np.arange(n)):
                raise Failed("an epoch's batches do not hold every index exactly once.",
                             hint="sampling without replacement: shuffle all N indices once, then cut them; drawing "
                             "each batch (or each index) on its own repeats some and misses others.")
            epochs.append(got)
        if np.array_equal(epochs[0], epochs[1]) or np.array_equal(epochs[0].ravel(), np.arange(n)):
            raise Failed("the batches are not shuffled: two generators gave the same order, or the order is 0 .. N-1.",
                         hint="draw the order from the generator you are given.")

    plan.judge = judge
    return plan


CHECKS = [full_batch, scaled, unbiased, partition]
