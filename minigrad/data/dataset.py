"""``Dataset``, ``TensorDataset``, ``Subset`` and ``random_split``."""
import math

from .. import random as _random
from ..tensor import Tensor


class Dataset:
    """A collection of examples: subclass it and write ``__getitem__`` and ``__len__``.

    ``dataset[i]`` returns example ``i`` in whatever form suits the model,
    usually a tuple such as ``(token_ids, label)``.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(self, index)")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__(self)")


class TensorDataset(Dataset):
    """Examples cut from tensors along their first dimension.

    ``TensorDataset(X, y)[i]`` is ``(X[i], y[i])``; every tensor must hold
    the same number of rows.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor, e.g. TensorDataset(X, y)")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: argument {i} is a {type(t).__name__}, not a Tensor; "
                                "wrap it with minigrad.tensor(...)")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {i} is a 0-d tensor; it has no rows to index")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) > 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError(f"TensorDataset: every tensor must have the same first dimension (one row per "
                             f"example), got shapes {shapes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order (what ``random_split`` returns)."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def _lengths_from_fractions(fractions, n):
    """PyTorch's rule: floor(n * fraction) each, then hand out the remainder one by one."""
    lengths = [math.floor(n * f) for f in fractions]
    for i in range(n - sum(lengths)):
        lengths[i % len(lengths)] += 1
    return lengths


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` at random into ``Subset``s of the given ``lengths``.

    ``lengths`` are either counts that add up to ``len(dataset)``, e.g.
    ``[8000, 2000]``, or fractions that add up to 1, e.g. ``[0.8, 0.2]``.
    The shuffle comes from ``generator`` (or the default generator), so
    ``minigrad.manual_seed`` makes the split repeatable.
    """
    n = len(dataset)
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: give at least one length")
    is_fractions = all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0, abs_tol=1e-6)
    if is_fractions:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must lie between 0 and 1, got {lengths}")
        lengths = _lengths_from_fractions(lengths, n)
    elif any(not isinstance(x, int) or isinstance(x, bool) or x < 0 for x in lengths):
        raise ValueError(f"random_split: lengths must be non-negative ints or fractions adding up to 1, "
                         f"got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"random_split: the lengths add up to {sum(lengths)}, but the dataset has {n} examples")
    order = _random.rng(generator).permutation(n).tolist()
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[start:start + length]))
        start += length
    return subsets
