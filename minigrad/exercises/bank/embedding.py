"""Exercise embedding: Embedding lookup with repeated indices and a padding row."""
import numpy as np

from .kit import function_checks

NAME = "embedding"
TITLE = "Embedding lookup with repeated indices and a padding row"
TOPIC = "Word embeddings"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise embedding: embedding lookup, with repeated indices and a padding row.

Task
    Complete ``Embedding.forward(ctx, indices, weight, padding_idx)`` and
    ``Embedding.backward``.  ``indices`` is an integer array of any shape
    (a batch of token ids), ``weight`` the table of shape
    (num_embeddings, embedding_dim); the output has shape
    indices.shape + (embedding_dim,):  out[p, :] = weight[indices[p], :].
    The argument order is PyTorch's ``F.embedding(input, weight,
    padding_idx)``.  ``padding_idx`` (an int or None) marks the padding
    token: its row is looked up like any other but never trained, so its
    gradient is 0 (PyTorch's rule).  backward returns (None, dL/dweight,
    None).

'''

DERIVATION = {
    "derive": r'''Derive
    Which entries of the output does one row v of the table reach?  A token
    can occur many times in a batch; a row that occurs nowhere is reached
    by nothing.  Mind how NumPy treats a repeated index in an assignment.

''',
    "guided": r'''Derive
    out[..., :] = weight[indices[...], :] copies rows of the table.  Every
    position where token v occurs sends its gradient to row v, so

        dL/dweight[v] = sum over positions p with indices[p] == v of g[p]

    A token that occurs three times gets three gradients *added*.  Beware:
    ``grad[indices] += g`` does not do that - NumPy writes each repeated
    index once and the last write wins.  ``np.add.at(grad, indices, g)``
    accumulates.  Rows that occur nowhere get 0.

    ``padding_idx`` (an int or None) marks the padding token: its row is
    looked up like any other, but its gradient is always 0, so training
    never moves it (PyTorch's rule).

    Return (None, dL/dweight, None): the indices and padding_idx have no
    gradient.

''',
}

GRADED = r'''Graded
    forward's values, shape and dtype (float64, and float32 in gives
    float32 out); each gradient's shape, dtype and values, from calling
    your backward directly with a read-only grad_output, against the
    grader's finite differences; backward's time on a large input (at most
    20 times the forward's).  The indices repeat, and some are the padding token.

The library's version is ``minigrad/nn/embedding.py``: the same lookup,
with the accumulation done by the backend's scatter_add so that the same
code runs on a GPU, and padding_idx checked and normalised (negative
values count from the end).
'''

SKELETON = r'''import numpy as np

from minigrad import Function


class Embedding(Function):
    """out = weight[indices]"""

    @staticmethod
    def forward(ctx, indices, weight, padding_idx):
        raise NotImplementedError("embedding: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("embedding: write backward")


def embedding(indices, weight, padding_idx=None):
    """Apply ``Embedding``: an int array of token ids and a weight Tensor."""
    return Embedding.apply(indices, weight, padding_idx)
'''

HINTS = [
    "Each position p with indices[p] == v adds its grad_output[p] to row v of the gradient.",
    "grad[indices] += g writes each repeated index once (the last write wins); np.add.at accumulates every one.",
    "Zero the padding row's gradient after accumulating.",
]


def forward(indices, weight, padding_idx):
    return weight[indices]


def differentiable(indices, weight, padding_idx):
    """The lookup with the padding row held constant: what the gradient is taken of."""
    out = weight[indices]
    if padding_idx is not None:
        out = out * (indices != padding_idx)[..., None]
    return out


def inputs(rng, dtype, scale=1):
    vocab, dim = 7, 3 * scale
    indices = rng.integers(0, vocab, (3 * scale, 5))
    indices[0, :3] = 2  # a token three times in a row
    indices[1, :2] = 0  # the padding token
    return (indices, rng.standard_normal((vocab, dim)).astype(dtype), 0)


def large(rng):
    return (rng.integers(1, 5000, (200, 400)), rng.standard_normal((5000, 64)), 0)


def _repeats(got, want, args, g):
    indices, weight, padding_idx = args
    overwritten = np.zeros(weight.shape)
    overwritten[indices] = g  # the last write wins
    overwritten[padding_idx] = 0
    if got.shape == want.shape and np.allclose(got, overwritten):
        return ("rows of repeated indices got one gradient instead of the sum of all: with repeated indices "
                "an assignment keeps only the last write; accumulate every one (np.add.at).")
    if got.shape == want.shape and not np.allclose(got[padding_idx], 0):
        return "the padding row must get no gradient (it is never trained)."
    return None


CHECKS = function_checks("Embedding", forward, inputs, ["indices", "weight", "padding_idx"], wrt=(1,), large=large,
                         differentiable=differentiable, hints={"backward_weight": _repeats},
                         points={"forward": 1, "forward_float32": 1, "backward": 5, "backward_float32": 1,
                                 "fast": 2})
