"""Exercise embedding: Embedding lookup with repeated indices and a padding row."""
import numpy as np

from .kit import function_checks

NAME = "embedding"
TITLE = "Embedding lookup with repeated indices and a padding row"
TOPIC = "Word embeddings"
DIFFICULTY = "medium"

GUIDED = r'''Exercise embedding: embedding lookup, with repeated indices and a padding row.

Task
    Complete ``Embedding.forward(ctx, indices, weight, padding_idx)`` and
    ``Embedding.backward``.  ``indices`` is an integer array of any shape
    (a batch of token ids), ``weight`` the table of shape
    (num_embeddings, embedding_dim), and the output has shape
    indices.shape + (embedding_dim,).  The argument order is PyTorch's
    ``F.embedding(input, weight, padding_idx)``.

Derive
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

Graded
    the lookup against the reference; the weight gradient from calling
    backward directly, with indices that repeat and with padding tokens; a
    gradcheck of ``Embedding.apply`` for the weight.
'''

DERIVE = r'''TODO'''

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
]
