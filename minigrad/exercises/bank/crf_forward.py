"""Exercise crf_forward: a linear-chain CRF's log-partition log Z by the forward algorithm."""
import itertools

import numpy as np

from ..compare import Failed, expect_close, returned
from .kit import Plan, check

NAME = "crf_forward"
TITLE = "Linear-chain CRF: the forward algorithm's log-partition log Z"
TOPIC = "Sequence labelling"
DIFFICULTY = "hard"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise crf_forward: the log-partition of a linear-chain CRF, by the forward algorithm.

Task
    A linear-chain CRF over C tags scores a tag sequence y_0 .. y_{T-1} of a
    sentence of T words (pytorch-crf's parameterisation, as ``nn.CRF``):

        score(y) = start[y_0] + sum_t emissions[t, y_t]
                   + sum_{t=1}^{T-1} transitions[y_{t-1}, y_t] + end[y_{T-1}]

    with emissions (T, C), start and end (C,), and transitions (C, C), where
    transitions[i, j] scores tag i followed by tag j.  The model's
    probability of y is exp(score(y)) / Z, with

        log Z = log sum over all C^T sequences y of exp(score(y)).

    Write ``logsumexp(a, axis)`` (log sum exp over one axis, stable for
    entries in the thousands: no overflow, no log(0)) and
    ``log_partition(emissions, start, end, transitions)``, which returns
    log Z as a float in T steps of work - never by listing the C^T
    sequences.  Inputs are float64; T >= 1.

'''

DERIVATION = {
    "derive": r'''Derive
    Let alpha_t[j] be the log of the sum of exp(score) over every prefix
    y_0 .. y_t that ends in tag j (the score of a prefix has no end term).
    Write alpha_0, then alpha_t from alpha_{t-1}: split the sum by the tag
    before j.  Then log Z from alpha_{T-1}.  Finally: why does exp of a
    score of 1000 break the computation, and what constant can you take out
    of a sum of exponentials before the log?

''',
    "guided": r'''Derive
    alpha_t[j] = log sum over prefixes y_0 .. y_t ending in j of exp(score):

        alpha_0[j] = start[j] + emissions[0, j]
        alpha_t[j] = logsumexp_i (alpha_{t-1}[i] + transitions[i, j]) + emissions[t, j]
        log Z      = logsumexp_j (alpha_{T-1}[j] + end[j])

    (alpha_{t-1}[:, None] + transitions is a (C, C) array; the logsumexp runs
    over its first axis, the previous tag i.)  For stability,

        logsumexp(a) = m + log sum exp(a - m),   m = max(a) along the axis,

    so that every exponent is <= 0 and the largest is exactly 0.

''',
}

GRADED = r'''Graded
    logsumexp against the definition along either axis; log Z against the
    grader's brute-force enumeration of every tag sequence on tiny inputs
    (including one word) and on a 10-word sentence (59,049 sequences), and
    with emissions in the thousands (stability).

The library's version is ``minigrad/nn/crf.py`` (``nn.CRF``): it runs the
same loop on minigrad Tensors over a batch of padded sentences with a
mask, so that the engine's backward gives the log-likelihood's gradient
(the expected transition counts) without a backward written by hand.
'''

SKELETON = r'''import numpy as np


def logsumexp(a, axis):
    """log(sum(exp(a), axis)), stable for large entries."""
    raise NotImplementedError("crf_forward: write logsumexp")


def log_partition(emissions, start, end, transitions):
    """log Z of a linear-chain CRF, by the forward algorithm: emissions (T, C), start/end (C,), transitions (C, C)."""
    raise NotImplementedError("crf_forward: write log_partition")
'''

HINTS = [
    "Every sequence ending in tag j at step t came from some tag i at step t-1: the sum over sequences splits by "
    "that last pair of tags.",
    "Work in logs: a sum of exponentials of log-quantities is a logsumexp, and the loop keeps C numbers per step.",
    "The last step adds the end scores; the first adds the start scores and has no transition.",
    "Take the maximum along the axis out of the sum before exponentiating, and add it back after the log.",
]


# ---------------------------------------------------------------------- the grader's own definitions (public)
def all_paths(length, tags):
    """Every tag sequence of ``length`` over ``tags`` tags, one per row: (tags**length, length)."""
    return np.array(list(itertools.product(range(tags), repeat=length)), dtype=np.int64).reshape(-1, length)


def path_scores(emissions, start, end, transitions, paths):
    """score(y) of each row y of ``paths``, by the definition."""
    steps = np.arange(emissions.shape[0])
    scores = start[paths[:, 0]] + emissions[steps, paths].sum(axis=1) + end[paths[:, -1]]
    return scores + transitions[paths[:, :-1], paths[:, 1:]].sum(axis=1)


def brute_log_partition(emissions, start, end, transitions):
    """log Z by listing all C^T sequences (tiny inputs only)."""
    scores = path_scores(emissions, start, end, transitions, all_paths(*emissions.shape))
    top = scores.max()
    return top + np.log(np.exp(scores - top).sum())


# The grader enumerates; it holds no forward algorithm (that is the answer, and this file ships to students).
# 3 tags over 10 words are 59,049 sequences: a fraction of a second to list and score.


def crf(rng, length, tags, spread=1.0):
    """A random CRF and sentence: emissions (T, C), start, end, transitions."""
    return (spread * rng.standard_normal((length, tags)), rng.standard_normal(tags), 2 * rng.standard_normal(tags),
            rng.standard_normal((tags, tags)))


# ------------------------------------------------------------------------------------------------- the checks
def _variant_hint(args, log_z=brute_log_partition, otherwise=None):
    """Name a known mistake when the result is log Z (by ``log_z``) of a slightly different CRF."""
    emissions, start, end, transitions = args
    zero = np.zeros_like(end)
    variants = [
        ((emissions, start, zero, transitions), "the end scores are missing: they score the last tag."),
        ((emissions, zero, end, transitions), "the start scores are missing: they score the first tag."),
        ((emissions, start, end, transitions.T), "transitions is read transposed: transitions[i, j] scores tag i "
                                                 "followed by tag j, i being the earlier tag."),
    ]

    def hint(got, want):
        for variant, text in variants:
            if np.isfinite(got).all() and np.allclose(got, log_z(*variant), rtol=1e-8, atol=1e-8):
                return text
        return otherwise(got) if otherwise else None
    return hint


def _expect_log_z(result, want, what, hint=None):
    got = np.asarray(returned(result, "r", 0, what))
    if got.shape not in ((), (1,)):
        raise Failed(f"{what} has shape {got.shape}; it is one number.", hint="reduce to a single float at the end.")
    expect_close(got.reshape(()), np.asarray(want, dtype=got.dtype), what, rtol=1e-9, atol=1e-9, hint=hint)


@check("logsumexp", 2, "logsumexp matches the definition along axis 0 and axis 1")
def logsumexp_values(rng, scale):
    plan, cases = Plan(), []
    for axis in (0, 1):
        a = rng.standard_normal((4, 3 * scale))
        want = np.log(np.exp(a).sum(axis=axis))
        cases.append((plan.call("logsumexp", [a, axis]), want, axis))

    def judge(results):
        for k, want, axis in cases:
            expect_close(returned(results[k], "r", 0, "logsumexp's result"), want,
                         f"logsumexp along axis {axis}", 1e-9, 1e-12,
                         hint=lambda got, w: "the sum runs along the given axis only, and that axis disappears.")
    plan.judge = judge
    return plan


@check("brute_force", 4, "log Z equals the brute-force sum over every tag sequence on tiny inputs")
def against_brute_force(rng, scale):
    plan, cases = Plan(), []
    for length, tags in ((1, 3), (2, 2), (3, 3), (4, 3)):
        args = crf(rng, length, tags)
        cases.append((plan.call("log_partition", list(args)), brute_log_partition(*args), args, length))

    def judge(results):
        for k, want, args, length in cases:
            _expect_log_z(results[k], want, f"log Z of a sentence of {length} word(s)", hint=_variant_hint(args))
    plan.judge = judge
    return plan


@check("longer", 2, "log Z equals the sum over all 59,049 tag sequences of a 10-word sentence")
def longer(rng, scale):
    plan = Plan()
    args = crf(rng, 10, 3)
    k = plan.call("log_partition", list(args))
    want = brute_log_partition(*args)
    hint = _variant_hint(args, brute_log_partition, lambda got: "does the loop visit every word, each step "
                         "adding its transition and its emission?")
    plan.judge = lambda r: _expect_log_z(r[k], want, "log Z of a 10-word sentence", hint=hint)
    return plan


@check("stable", 2, "log Z is right when the emissions are in the thousands")
def stable(rng, scale):
    plan = Plan()
    args = crf(rng, 5, 4, spread=1000.0)
    k = plan.call("log_partition", list(args))
    want = brute_log_partition(*args)
    overflow = ("exp of a score in the thousands overflows to inf (and of a large negative one underflows to 0): "
                "take each maximum out of the sum before exponentiating, and add it back after the log.")
    hint = _variant_hint(args, brute_log_partition, lambda got: None if np.isfinite(got).all() else overflow)
    plan.judge = lambda r: _expect_log_z(r[k], want, "log Z with emissions in the thousands", hint=hint)
    return plan


CHECKS = [logsumexp_values, against_brute_force, longer, stable]
