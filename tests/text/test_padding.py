"""pad_sequences and PadCollate."""
import numpy as np
import pytest

import minigrad
from minigrad.data import DataLoader
from minigrad.text import PadCollate, pad_sequences


def test_pads_to_longest_with_int64():
    out = pad_sequences([[5, 6, 7], [8], []])
    assert out.dtype == minigrad.int64
    assert out.tolist() == [[5, 6, 7], [8, 0, 0], [0, 0, 0]]


def test_truncate_post_and_pre():
    seqs = [[1, 2, 3, 4], [5]]
    assert pad_sequences(seqs, max_len=2).tolist() == [[1, 2], [5, 0]]
    assert pad_sequences(seqs, max_len=2, truncate="pre").tolist() == [[3, 4], [5, 0]]
    assert pad_sequences(seqs, max_len=3, pad_value=-1).tolist() == [[1, 2, 3], [5, -1, -1]]


def test_accepts_arrays_and_tensors_and_rejects_strings():
    out = pad_sequences([np.array([1, 2]), minigrad.tensor([3])])
    assert out.tolist() == [[1, 2], [3, 0]]
    with pytest.raises(TypeError, match="vocab.encode"):
        pad_sequences(["a raw sentence"])
    with pytest.raises(ValueError, match="truncate"):
        pad_sequences([[1]], truncate="middle")


def test_pad_collate_pads_each_batch_to_its_own_longest():
    collate = PadCollate(min_len=1)
    ids, labels = collate([([1, 2, 3], 1), ([4], 0)])
    assert ids.tolist() == [[1, 2, 3], [4, 0, 0]] and labels.tolist() == [1, 0]


def test_pad_collate_never_shorter_than_min_len():
    collate = PadCollate(min_len=5)
    assert collate([[1, 2], [3]]).shape == (2, 5)
    assert collate([[1] * 7]).shape == (1, 7)


def test_pad_collate_max_len_cuts():
    assert PadCollate(min_len=2, max_len=3)([[1, 2, 3, 4, 5]]).tolist() == [[1, 2, 3]]
    with pytest.raises(ValueError, match="at least min_len"):
        PadCollate(min_len=5, max_len=3)


def test_pad_collate_in_a_dataloader():
    data = [([1, 2, 3, 4], 0), ([5], 1), ([6, 7], 1)]
    widths = [b[0].shape[1] for b in DataLoader(data, batch_size=2, collate_fn=PadCollate(min_len=3))]
    assert widths == [4, 3]
