"""Word embeddings: ``Embedding`` and its functional form ``embedding``.

An embedding is a table with one learned vector per word: row ``i`` of the
weight (num_embeddings, embedding_dim) is the vector of word ``i``.  Looking
words up is indexing, ``weight[indices]``; it is the same as multiplying a
one-hot matrix by the weight, without building the one-hot matrix.
"""
from .. import backend, device_checks, dtypes
from ..autograd import Function
from ..tensor import Tensor
from . import init
from .module import Module, Parameter


class EmbeddingFunction(Function):
    """y[...] = weight[indices[...]];   dL/dweight[i] = sum of g[p] over every position p where indices[p] == i

    A word that occurs several times in a batch receives the sum of the
    gradients of all its occurrences, so the rows are accumulated with
    ``backend.add_rows`` (``dW[indices] += g`` would keep only one of them;
    ``add_rows`` sorts the indices and sums each word's run of rows at once).
    Rows of words absent from the batch get zero - the gradient is dense, the
    whole table's shape, as in PyTorch - and the padding row always gets
    zero, so padding never learns.  The indices get no gradient: they are
    integers, not a function of anything learned.
    """

    @staticmethod
    def forward(ctx, indices, weight, padding_idx):
        ctx.save_for_backward(indices)
        ctx.weight_shape, ctx.padding_idx = weight.shape, padding_idx
        return weight[indices]

    @staticmethod
    def backward(ctx, g):
        (indices,) = ctx.saved_tensors
        num, dim = ctx.weight_shape
        grad_weight = ctx.xp.zeros((num, dim), dtype=g.dtype)
        backend.add_rows(grad_weight, indices.reshape(-1), g.reshape(-1, dim))
        if ctx.padding_idx is not None:
            grad_weight[ctx.padding_idx] = 0
        return None, grad_weight, None


def _normalise_padding_idx(padding_idx, num_embeddings):
    """PyTorch's rule: a negative padding_idx counts from the end, like a negative list index."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"Embedding: padding_idx={padding_idx} is outside the vocabulary of {num_embeddings} rows; "
            f"use a value from {-num_embeddings} to {num_embeddings - 1} (usually 0, the <pad> token's index)."
        )
    return padding_idx % num_embeddings


def embedding(input, weight, padding_idx=None):
    """Look up rows of ``weight`` (num, dim): input of any shape (...) -> output (..., dim).

    ``input`` must be an integer Tensor of indices in [0, num).  Gradient
    never flows into row ``padding_idx``.
    """
    if not isinstance(input, Tensor) or input.dtype.is_floating_point or input.dtype == dtypes.bool:
        kind = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise TypeError(
            f"embedding: the indices must be an integer (int64) Tensor, got {kind}. "
            "Convert them with minigrad.tensor(ids) or ids.long()."
        )
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}")
    num = weight.shape[0]
    padding_idx = _normalise_padding_idx(padding_idx, num)
    ids = input._data
    device_checks.check(ids, device_checks.outside(ids, num), lambda value: IndexError(
        f"embedding: index {value} is out of range for a vocabulary of {num} rows "
        f"(valid: 0 to {num - 1}). Was the vocabulary built on other data, or num_embeddings set too small?"
    ))  # at once on the CPU; on a GPU at the next host read (device_checks.py says why)
    return EmbeddingFunction.apply(input, weight, padding_idx)


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``.

    Args:
        num_embeddings: size of the vocabulary.
        embedding_dim: size of each vector.
        padding_idx: if given, this row is initialised to zeros and never
            receives a gradient, so the padding token stays a zero vector.
            Negative values count from the end.
        dtype: of the weight (float32 by default).

    Shapes: input (...) of int64 indices -> output (..., embedding_dim).

    Parameter: weight (num_embeddings, embedding_dim) ~ N(0, 1).

    The simple version of the lookup and its gradient is the exercise
    ``embedding`` (``python -m minigrad.exercises start DIR embedding``); the library's
    ``EmbeddingFunction`` does the same sums, and ``embedding`` adds the
    checks (integer indices in range, a negative ``padding_idx``).
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, dtype=None, _weight=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _normalise_padding_idx(padding_idx, num_embeddings)
        if _weight is not None:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"Embedding: _weight has shape {tuple(_weight.shape)}, expected ({num_embeddings}, {embedding_dim})"
                )
            self.weight = Parameter(_weight)
            return
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        self.weight = Parameter(backend.cpu.empty((num_embeddings, embedding_dim), dtype=np_dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """weight ~ N(0, 1), as in PyTorch, and the padding row zeros."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None):
        """An Embedding whose weight is a copy of ``embeddings`` (num, dim), e.g. word2vec or GloVe vectors.

        With ``freeze=True`` the weight does not require grad, so training
        leaves it unchanged.  The padding row is kept as given (not zeroed),
        as in PyTorch.
        """
        if embeddings.ndim != 2:
            raise ValueError(
                f"Embedding.from_pretrained: embeddings must be 2-D (num_embeddings, embedding_dim), "
                f"got shape {tuple(embeddings.shape)}"
            )
        rows, cols = embeddings.shape
        layer = cls(rows, cols, padding_idx=padding_idx, _weight=embeddings)
        layer.weight.requires_grad = not freeze
        return layer

    def forward(self, input):
        return embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
