"""Dataset, TensorDataset, Subset, random_split, DataLoader and default_collate."""
import collections

import numpy as np
import pytest

import minigrad
from minigrad.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


class Squares(Dataset):
    """A dataset written the way students write one: (x, x*x) for x in 0..n-1."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return float(i), i * i


def test_tensor_dataset_rows_and_length():
    X, y = minigrad.arange(12).reshape(6, 2), minigrad.arange(6)
    ds = TensorDataset(X, y)
    assert len(ds) == 6
    x3, y3 = ds[3]
    assert x3.tolist() == [6, 7] and y3.item() == 3


def test_tensor_dataset_rejects_unequal_first_dims():
    with pytest.raises(ValueError, match=r"same first dimension.*\(6, 2\), \(5,\)"):
        TensorDataset(minigrad.zeros(6, 2), minigrad.zeros(5))


def test_loader_batches_in_order_and_len():
    X, y = minigrad.arange(10).reshape(5, 2), minigrad.arange(5)
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    batches = list(loader)
    assert len(loader) == 3 == len(batches)
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert batches[0][0].shape == (2, 2)


def test_drop_last_skips_the_short_batch():
    loader = DataLoader(Squares(5), batch_size=2, drop_last=True)
    assert len(loader) == 2
    assert [b[1].tolist() for b in loader] == [[0, 1], [4, 9]]


def test_shuffle_visits_everything_and_is_repeatable_with_manual_seed():
    def epoch_orders():
        loader = DataLoader(Squares(20), batch_size=6, shuffle=True)
        return [sum((b[1].tolist() for b in loader), []) for _ in range(2)]

    minigrad.manual_seed(7)
    first = epoch_orders()
    minigrad.manual_seed(7)
    assert epoch_orders() == first
    assert sorted(first[0]) == [i * i for i in range(20)]
    assert first[0] != first[1], "each epoch should draw a new order"
    assert first[0] != [i * i for i in range(20)], "shuffle=True should not keep the original order"


def test_own_generator_is_independent_of_the_default_one():
    orders = []
    for default_seed in (1, 2):
        minigrad.manual_seed(default_seed)
        loader = DataLoader(Squares(10), batch_size=10, shuffle=True, generator=minigrad.Generator(3))
        orders.append(next(iter(loader))[1].tolist())
    assert orders[0] == orders[1]


def test_tensor_dataset_fast_path_matches_row_by_row_collate():
    X, y = minigrad.randn(7, 3), minigrad.arange(7)
    ds = TensorDataset(X, y)
    minigrad.manual_seed(0)
    fast = list(DataLoader(ds, batch_size=3, shuffle=True))
    minigrad.manual_seed(0)
    slow = list(DataLoader(ds, batch_size=3, shuffle=True, collate_fn=lambda b: default_collate(b)))
    for (fx, fy), (sx, sy) in zip(fast, slow):
        assert np.array_equal(fx.numpy(), sx.numpy()) and fy.tolist() == sy.tolist()


def test_default_collate_types():
    x, y = default_collate([(1.5, 2), (2.5, 3)])
    assert x.dtype == minigrad.float32 and y.dtype == minigrad.int64
    assert default_collate([True, False]).dtype == minigrad.bool
    arrays = default_collate([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    assert arrays.shape == (2, 2) and arrays.dtype == minigrad.float64  # NumPy arrays keep their dtype
    assert default_collate([np.int32(1), np.int32(2)]).dtype == minigrad.int64
    assert default_collate(["a", "b"]) == ["a", "b"]


def test_default_collate_nested_dicts_and_namedtuples():
    examples = [{"ids": minigrad.tensor([1, 2]), "label": 0}, {"ids": minigrad.tensor([3, 4]), "label": 1}]
    batch = default_collate(examples)
    assert batch["ids"].tolist() == [[1, 2], [3, 4]] and batch["label"].tolist() == [0, 1]
    Pair = collections.namedtuple("Pair", "x y")
    out = default_collate([Pair(1, 2.0), Pair(3, 4.0)])
    assert isinstance(out, Pair) and out.x.tolist() == [1, 3]


def test_default_collate_explains_ragged_examples():
    with pytest.raises(ValueError, match="PadCollate"):
        default_collate([[1, 2, 3], [4, 5]])


def test_random_split_with_counts_and_fractions():
    minigrad.manual_seed(0)
    a, b = random_split(Squares(10), [7, 3])
    assert (len(a), len(b)) == (7, 3) and isinstance(a, Subset)
    assert sorted(a.indices + b.indices) == list(range(10))
    assert a[0] == Squares(10)[a.indices[0]]
    parts = random_split(Squares(10), [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    parts = random_split(Squares(11), [0.5, 0.5])  # 5.5 + 5.5: the spare example goes to the first
    assert [len(p) for p in parts] == [6, 5]


def test_random_split_repeatable_with_generator():
    first = random_split(Squares(10), [5, 5], generator=minigrad.Generator(4))[0].indices
    again = random_split(Squares(10), [5, 5], generator=minigrad.Generator(4))[0].indices
    assert first == again


def test_random_split_rejects_wrong_total():
    with pytest.raises(ValueError, match="add up to 9, but the dataset has 10"):
        random_split(Squares(10), [5, 4])


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(Squares(3), batch_size=0)
