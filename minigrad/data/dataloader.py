"""``DataLoader``: a dataset in (shuffled) batches, and ``default_collate``, which makes the batches."""
import collections.abc
import math

import numpy

from .. import random as _random
from ..ops.shape import stack
from ..tensor import Tensor
from .dataset import TensorDataset


def default_collate(batch):
    """Turn a list of examples into one batch, the way PyTorch's ``default_collate`` does.

    - Tensors are stacked along a new first dimension;
    - NumPy arrays and NumPy scalars are stacked and keep their dtype;
    - Python floats become float32, ints int64 and bools bool (PyTorch's defaults);
    - strings stay a list of strings;
    - tuples and lists are collated position by position (a list comes back:
      ``[(x0, y0), (x1, y1)]`` becomes ``[stack(x), stack(y)]``), dicts key by key.
    """
    if not batch:
        raise ValueError("default_collate: the batch is empty")
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch))
    if isinstance(first, (numpy.ndarray, numpy.generic)):
        return Tensor(numpy.stack([numpy.asarray(x) for x in batch]))
    if isinstance(first, bool):  # before int: True is an int to Python
        return Tensor(numpy.array(batch, dtype=bool))
    if isinstance(first, int):
        return Tensor(numpy.array(batch, dtype=numpy.int64))
    if isinstance(first, float):
        return Tensor(numpy.array(batch, dtype=numpy.float32))
    if isinstance(first, str):
        return list(batch)
    if isinstance(first, collections.abc.Mapping):
        return {key: default_collate([example[key] for example in batch]) for key in first}
    if isinstance(first, collections.abc.Sequence):
        if any(len(example) != len(first) for example in batch):
            raise ValueError("default_collate: every example must have the same number of fields, got "
                             f"{sorted({len(example) for example in batch})}; if the fields are token lists "
                             "of different lengths, pad them with a collate_fn such as minigrad.text.PadCollate")
        columns = [default_collate(list(column)) for column in zip(*batch)]
        if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple keeps its type
            return type(first)(*columns)
        return columns
    raise TypeError(f"default_collate: don't know how to batch a {type(first).__name__}; "
                    "give the DataLoader a collate_fn that does")


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` examples.

    Each epoch (each ``for batch in loader``) visits every example once.
    With ``shuffle=True`` the order is a fresh random permutation each epoch,
    drawn from ``generator`` or the default generator, so
    ``minigrad.manual_seed`` makes it repeat.  ``drop_last=True`` skips a
    final batch that would be smaller than ``batch_size``.
    ``collate_fn`` turns a list of examples into a batch (default:
    ``default_collate``).

    ``device='cuda'`` moves every tensor of each batch (inside lists,
    tuples and dicts too) to that device, which saves writing
    ``x, y = x.to(device), y.to(device)`` in the loop (that line works
    just as well, as in PyTorch).  Without it, batches are made on the
    default device.

    ``len(loader)`` is the number of batches per epoch.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None, generator=None,
                 device=None):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self.generator = generator
        self.device = device

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self):
        n = len(self.dataset)
        if self.shuffle:
            return _random.rng(self.generator).permutation(n)
        return numpy.arange(n)

    def __iter__(self):
        order = self._order()
        for b in range(len(self)):
            indices = order[b * self.batch_size:(b + 1) * self.batch_size]
            if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
                # Same result as collating the rows one by one, in one indexing step per tensor.
                batch = [t[indices] for t in self.dataset.tensors]
            else:
                batch = self.collate_fn([self.dataset[int(i)] for i in indices])
            yield batch if self.device is None else _to_device(batch, self.device)


def _to_device(batch, device):
    """Every Tensor in ``batch`` (and in its lists, tuples and dicts) moved to ``device``."""
    if isinstance(batch, Tensor):
        return batch.to(device)
    if isinstance(batch, collections.abc.Mapping):
        return {key: _to_device(value, device) for key, value in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(_to_device(value, device) for value in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(_to_device(value, device) for value in batch)
    return batch
