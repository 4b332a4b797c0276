"""Grading exercise embedding: lookup, accumulation over repeated indices, and the padding row."""
import numpy as np

from ..checking import compare_forward, expect_grad, gradcheck, graded, random_grad, run_backward, run_forward

FORMULA = "dL/dweight[v] = the sum of g over every position holding v (np.add.at), 0 for padding_idx"


def _indices(rng, vocab=7, shape=(4, 6), padding_idx=0):
    """Token ids in which several tokens repeat, and the padding token occurs."""
    indices = rng.integers(1, vocab, shape)
    indices.flat[::5] = 3  # token 3 occurs many times
    if padding_idx is not None:
        indices[:, -2:] = padding_idx  # padded tails
    return indices


def _backward(cls, indices, weight, padding_idx, g):
    ctx, _ = run_forward(cls, indices, weight, padding_idx)
    return run_backward(cls, ctx, g.copy(), 3)[1]


def _check_weight_gradient(student, reference, rng, padding_idx):
    weight = rng.standard_normal((7, 3))
    indices = _indices(rng, padding_idx=padding_idx)
    g = random_grad(rng, indices.shape + (3,), weight.dtype)
    want = _backward(reference.Embedding, indices, weight, padding_idx, g)
    got = _backward(student.Embedding, indices, weight, padding_idx, g)
    counts = np.bincount(indices.ravel(), minlength=weight.shape[0])
    overwritten = np.zeros_like(weight)
    overwritten[indices] = g  # what `grad[indices] += g` leaves: one write per repeated index
    if padding_idx is not None:
        overwritten[padding_idx] = 0

    def hint(got, want):
        wrong = ~np.isclose(got, want).all(axis=1)
        if np.allclose(got, overwritten) or (wrong.any() and (counts[wrong] > 1).all()):
            return (
                "only the rows of tokens that occur more than once are wrong: repeated indices were overwritten "
                "instead of accumulated. `grad[indices] += g` writes each repeated index once (the last write "
                "wins); np.add.at(grad, indices, g) adds every occurrence."
            )
        if padding_idx is not None and list(np.flatnonzero(wrong)) == [padding_idx]:
            return (
                f"only the padding row {padding_idx} is wrong: padding_idx's gradient must be 0, so training "
                "never moves the padding vector."
            )
        return None

    expect_grad(got, want, weight, "weight", formula=FORMULA, hint=hint)


@graded(2, "forward: the lookup weight[indices] matches the reference")
def forward_values(student, reference, rng):
    weight = rng.standard_normal((7, 3))
    compare_forward(student.Embedding, reference.Embedding, (_indices(rng), weight, 0))


@graded(4, "backward: repeated indices accumulate, the padding row gets 0")
def backward_repeats_and_padding(student, reference, rng):
    _check_weight_gradient(student, reference, rng, padding_idx=0)


@graded(1, "backward with padding_idx=None: every row gets its gradient")
def backward_no_padding(student, reference, rng):
    _check_weight_gradient(student, reference, rng, padding_idx=None)


@graded(3, "gradcheck of Embedding.apply for the weight (with repeated indices)")
def gradcheck_apply(student, reference, rng):
    indices = _indices(rng, vocab=5, shape=(2, 4), padding_idx=None)
    indices[0, :2] = 2
    weight = rng.standard_normal((5, 2))
    gradcheck(lambda w: student.Embedding.apply(indices, w, None), [weight], ["weight"],
              hint="a token that occurs k times must collect k gradients: np.add.at(grad, indices, g).")


CHECKS = [forward_values, backward_repeats_and_padding, backward_no_padding, gradcheck_apply]
