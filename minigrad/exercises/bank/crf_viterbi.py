"""Exercise crf_viterbi: a linear-chain CRF's best tag sequence by Viterbi with back-pointers."""
import numpy as np

from ..compare import Failed, count_of, expect_close, returned
from .crf_forward import all_paths, crf, path_scores
from .kit import Plan, check

NAME = "crf_viterbi"
TITLE = "Linear-chain CRF: the best tag sequence by Viterbi"
TOPIC = "Sequence labelling"
DIFFICULTY = "hard"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise crf_viterbi: the best tag sequence of a linear-chain CRF, by Viterbi.

Task
    The CRF of exercise crf_forward (pytorch-crf's parameterisation, as
    ``nn.CRF``) scores a tag sequence y_0 .. y_{T-1} as

        score(y) = start[y_0] + sum_t emissions[t, y_t]
                   + sum_{t=1}^{T-1} transitions[y_{t-1}, y_t] + end[y_{T-1}]

    with emissions (T, C), start and end (C,), transitions (C, C)
    (transitions[i, j] scores tag i followed by tag j).  Write
    ``viterbi(emissions, start, end, transitions)``, which returns
    ``(tags, score)``: the sequence with the highest score, as an int NumPy
    array of shape (T,), and that score as a float - in T steps of work,
    never by listing the C^T sequences.  Inputs are float64; T >= 1.

'''

DERIVATION = {
    "derive": r'''Derive
    Let delta_t[j] be the best score of a prefix y_0 .. y_t that ends in
    tag j.  Write delta_0, then delta_t from delta_{t-1}: a best prefix
    ending in j extends a best prefix ending in some i - which one?  Keep,
    for every t and j, which i won.  The best score follows from the last
    delta; then recover the sequence itself from what you kept.

''',
    "guided": r'''Derive
    The forward algorithm with max in place of logsumexp, remembering the
    winner (the back-pointer):

        delta_0[j]  = start[j] + emissions[0, j]
        delta_t[j]  = max_i (delta_{t-1}[i] + transitions[i, j]) + emissions[t, j]
        back_t[j]   = argmax_i (delta_{t-1}[i] + transitions[i, j])
        score       = max_j (delta_{T-1}[j] + end[j]),   y_{T-1} = its argmax

    then, from the last step back to the first: y_{t-1} = back_t[y_t].  The
    back-pointers point backwards, so they are read from t = T-1 down to 1.

''',
}

GRADED = r'''Graded
    the returned sequence and score against the grader's brute-force
    enumeration of every tag sequence, on tiny inputs and on a sentence of
    nine words, and on a single word.

The library's version is ``minigrad/nn/crf.py`` (``nn.CRF.decode``): it
runs the same dynamic program over a batch of padded sentences at once,
with a mask, so that each sentence's back-pointers start from its own last
real word, and returns one list of tags per sentence as pytorch-crf does.
'''

SKELETON = r'''import numpy as np


def viterbi(emissions, start, end, transitions):
    """(best tags (T,) int array, its score): emissions (T, C), start/end (C,), transitions (C, C)."""
    raise NotImplementedError("crf_viterbi: write viterbi")
'''

HINTS = [
    "A best sequence ending in tag j at step t extends a best sequence ending in some tag i at step t-1: keep "
    "one best score per tag and step, not one per sequence.",
    "Remember, for each step and tag, which previous tag won: the best sequence is read from those choices at "
    "the end.",
    "The choices point backwards, from a step to the one before: start from the best last tag.",
]


def brute_viterbi(emissions, start, end, transitions):
    """(the best sequence, its score) by listing all C^T sequences (tiny inputs only)."""
    paths = all_paths(*emissions.shape)
    scores = path_scores(emissions, start, end, transitions, paths)
    best = int(np.argmax(scores))
    return paths[best], scores[best]


def _variants(args):
    """Slightly different CRFs that known mistakes decode, with the mistake's description."""
    emissions, start, end, transitions = args
    return (((emissions, start, np.zeros_like(end), transitions), "the end scores are missing: they score the "
             "last tag, and can change which tag is best there."),
            ((emissions, start, end, transitions.T), "transitions is read transposed: transitions[i, j] scores "
             "tag i followed by tag j, i being the earlier tag."))


def _diagnose(got_tags, got_score, args, best_tags, best_score):
    """The likely cause of a wrong best sequence."""
    for variant, text in _variants(args):
        if np.array_equal(got_tags, brute_viterbi(*variant)[0]):
            return text
    if np.isclose(got_score, best_score, rtol=1e-9, atol=1e-9):
        return ("the score is right but the sequence is not: the back-pointers are followed from the best last "
                "tag backwards, one step at a time, down to the first word.")
    return "compare your best prefix scores with the definition on a two-word sentence by hand."


def _expect_path(result, args, what):
    best_tags, best_score = brute_viterbi(*args)
    tags = np.asarray(returned(result, "r", 0, f"{what}: the tags"))
    score = np.asarray(returned(result, "r", 1, f"{what}: the score")) if count_of(result, "r") > 1 else None
    if tags.dtype.kind not in "iu":
        raise Failed(f"{what}: the tags have dtype {tags.dtype}; they are integer tag indices.",
                     hint="build the sequence in an int array (np.empty(T, dtype=np.int64)).")
    if tags.shape != best_tags.shape:
        raise Failed(f"{what}: the tags have shape {tags.shape}; there is one tag per word, {best_tags.shape}.")
    if not np.array_equal(tags, best_tags):
        wrong = int((tags != best_tags).sum())
        raise Failed(f"{what}: {wrong} of {tags.size} tags differ from the best sequence.",
                     hint=_diagnose(tags, np.nan if score is None else score, args, best_tags, best_score))
    return best_score


def _expect_score(result, args, what):
    _, best_score = brute_viterbi(*args)
    if count_of(result, "r") < 2:
        raise Failed(f"{what}: one value came back; viterbi returns (tags, score).")
    score = np.asarray(returned(result, "r", 1, f"{what}: the score"))
    expect_close(score.reshape(()) if score.size == 1 else score, np.asarray(best_score), f"{what}: the score",
                 1e-9, 1e-9, hint=lambda got, want: _score_hint(got, args))


def _score_hint(got, args):
    for variant, text in _variants(args):
        if np.isclose(got, brute_viterbi(*variant)[1], rtol=1e-9, atol=1e-9):
            return text
    return "the best score counts start, every emission, every transition between neighbours, and end - once each."


TINY = ((1, 3), (2, 3), (3, 3), (4, 3), (3, 4))


def _tiny_plan(rng, judge_one):
    plan, cases = Plan(), []
    for length, tags in TINY:
        args = crf(rng, length, tags)
        cases.append((plan.call("viterbi", list(args)), args, f"a sentence of {length} word(s) and {tags} tags"))

    def judge(results):
        for k, args, what in cases:
            judge_one(results[k], args, what)
    plan.judge = judge
    return plan


@check("path", 4, "the tags are the best sequence on tiny inputs (brute force)")
def best_path(rng, scale):
    return _tiny_plan(rng, _expect_path)


@check("score", 3, "the score is the best sequence's score on tiny inputs (brute force)")
def best_score(rng, scale):
    return _tiny_plan(rng, _expect_score)


@check("longer", 3, "tags and score on a nine-word sentence (brute force over 3^9 sequences)")
def longer(rng, scale):
    plan = Plan()
    args = crf(rng, 9, 3)
    k = plan.call("viterbi", list(args))

    def judge(results):
        _expect_path(results[k], args, "a sentence of 9 words")
        _expect_score(results[k], args, "a sentence of 9 words")
    plan.judge = judge
    return plan


CHECKS = [best_path, best_score, longer]
