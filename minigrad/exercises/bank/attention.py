"""Exercise attention: scaled dot-product attention with a mask, forward and backward."""
import math

import numpy as np

from .kit import function_checks

NAME = "attention"
TITLE = "Scaled dot-product attention: softmax(q k^T / sqrt(E) + mask) v, gradients for q, k and v"
TOPIC = "Attention"
DIFFICULTY = "hard"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise attention: scaled dot-product attention, forward and backward.

Task
    Complete ``Attention.forward(ctx, q, k, v, mask)`` and
    ``Attention.backward`` for PyTorch's
    ``F.scaled_dot_product_attention(q, k, v, attn_mask=mask)`` with a
    boolean mask:

        s = q k^T / sqrt(E)          q (B, L, E), k (B, S, E): s (B, L, S)
        s[b, l, j] = -inf where mask[l, j] is False   (that key takes no part)
        w = softmax(s) over the S keys                (each row sums to 1)
        out = w v                    v (B, S, E_v): out (B, L, E_v)

    mask is a boolean array (L, S), True where query l may look at key j,
    the same for every batch entry; every row has at least one True.
    A masked key gets weight exactly 0.  Subtract each row's maximum
    before exponentiating.  backward receives g = dL/dout (read-only) and
    returns (dL/dq, dL/dk, dL/dv, None) - the mask has no gradient - each
    in its input's shape and dtype (float32 in, float32 out: a float64
    NumPy scalar such as np.sqrt(E) would promote float32 arrays).

'''

DERIVATION = {
    "derive": r'''Derive
    Three stages: out from w and v, w from s (the softmax), s from q and k.
    The first and the last are matrix products: derive them as in the
    linear layer.  For the softmax, write w[l, j] for one row and
    differentiate it with respect to every score s[l, m] of that row, then
    contract with dL/dw.  Where does the mask's -inf leave its trace?

''',
    "guided": r'''Derive
    Backwards through the three stages, with g = dL/dout:

        dL/dv = w^T g                    dL/dw = g v^T
        dL/ds = w * (dL/dw - rowsum(w * dL/dw))        (softmax's Jacobian)
        dL/dq = dL/ds k / sqrt(E)        dL/dk = dL/ds^T q / sqrt(E)

    The softmax's Jacobian is dw[l, j]/ds[l, m] = w[l, j] (delta_jm - w[l, m]):
    each weight depends on every score of its row, not only on its own.
    Masked keys have w = 0, so dL/ds is 0 there: nothing reaches them.

''',
}

GRADED = r'''Graded
    forward's values, shape and dtype (float64, and float32 in gives
    float32 out); each gradient's shape, dtype and values, from calling
    your backward directly with a read-only grad_output, against the
    grader's finite differences; backward's time on a large input (at most
    20 times the forward's).

The library's version is ``minigrad/nn/attention.py``
(``F.scaled_dot_product_attention``): it is built from the engine's
matmul, softmax and where, whose backward passes do this exercise's work,
and it also takes float masks, is_causal, dropout and queries whose every
key is masked (weights 0 rather than NaN).
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class Attention(Function):
    """out = softmax(q k^T / sqrt(E), masked) v"""

    @staticmethod
    def forward(ctx, q, k, v, mask):
        raise NotImplementedError("attention: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("attention: write backward")


def attention(q, k, v, mask):
    """Apply ``Attention`` to minigrad Tensors q, k, v and a boolean array mask (L, S)."""
    return Attention.apply(q, k, v, mask)
'''

HINTS = [
    "Name every intermediate in forward (the scaled scores, the weights) and save what backward needs: the "
    "weights carry the mask already, as zeros.",
    "out = w v is a matrix product in each batch entry: its two gradients are the linear layer's, with the "
    "batch dimension in front (swap the last two axes for a transpose).",
    "A softmax weight depends on every score of its row, because the row's sum is in its denominator: its "
    "Jacobian is not diagonal.",
]

NAMES = ["q", "k", "v", "mask"]


def forward(q, k, v, mask, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = np.where(mask, q @ np.swapaxes(k, -1, -2) * scale, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (weights / weights.sum(axis=-1, keepdims=True)) @ v


def inputs(rng, dtype, scale=1):
    # E = 9 makes a forgotten 1/sqrt(E) a factor of 3, which no other mistake gives.
    batch, queries, keys, e, e_v = 2, 3 * scale, 4, 9, 5
    mask = rng.random((queries, keys)) < 0.6
    mask[np.arange(queries), rng.integers(0, keys, queries)] = True  # every query sees some key
    return (rng.standard_normal((batch, queries, e)).astype(dtype),
            rng.standard_normal((batch, keys, e)).astype(dtype),
            rng.standard_normal((batch, keys, e_v)).astype(dtype), mask)


def large(rng):
    batch, length, e = 8, 200, 64
    return (rng.standard_normal((batch, length, e)), rng.standard_normal((batch, length, e)),
            rng.standard_normal((batch, length, e)), np.tril(np.ones((length, length), dtype=bool)))


def _forward_hint(got, want, args, g):
    q, k, v, mask = args
    if np.allclose(got, forward(q, k, v, np.ones_like(mask)), rtol=1e-5, atol=1e-7):
        return "the mask was ignored: keys where the mask is False must take no part (weight exactly 0)."
    if np.allclose(got, forward(q, k, v, mask, scale=1.0), rtol=1e-5, atol=1e-7):
        return "the scores were not scaled by 1/sqrt(E), E being the size of the last axis of q and k."
    return None


def _score_hint(got, want, args, g):
    e = args[0].shape[-1]
    if got.shape == want.shape and np.allclose(got, want * math.sqrt(e), rtol=1e-4, atol=1e-6):
        return (f"the gradient is sqrt(E) = {math.sqrt(e):g} times too large: forward scaled the scores by "
                "1/sqrt(E), and that factor is part of the gradient of q and of k.")
    return ("the gradient for v is right, so the weights are; the step before is the softmax: each weight of a "
            "row depends on every score of that row (the row's sum is in its denominator), not only on its own "
            "score.")


# v is judged first: when it is right, a wrong q or k points at the softmax or the scale.
CHECKS = function_checks("Attention", forward, inputs, NAMES, wrt=(2, 0, 1), large=large,
                         points={"forward": 2, "forward_float32": 1, "backward": 3, "backward_float32": 1,
                                 "fast": 3},
                         hints={"forward": _forward_hint, "backward_q": _score_hint, "backward_k": _score_hint})
