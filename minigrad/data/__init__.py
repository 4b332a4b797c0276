"""Feeding data to a model: ``Dataset``, ``DataLoader`` and friends, with PyTorch's names.

A *dataset* answers two questions - how many examples? (``len``) and what
is example ``i``? (``dataset[i]``).  A ``DataLoader`` walks a dataset in
(optionally shuffled) batches and ``collate``s each batch's examples into
Tensors.
"""
from .dataloader import DataLoader, default_collate
from .dataset import Dataset, Subset, TensorDataset, random_split

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]
