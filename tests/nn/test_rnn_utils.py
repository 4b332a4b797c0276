"""Padding and packing (nn/utils/rnn.py): PyTorch's shapes and values, gradients, and errors."""
import numpy as np
import pytest

import minigrad
from minigrad import gradcheck, nn
from minigrad.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
)


def seqs(*lengths, features=2):
    return [minigrad.tensor(np.arange(n * features, dtype=np.float64).reshape(n, features) + 1) for n in lengths]


def test_pad_sequence_stacks_along_time_or_batch_like_pytorch():
    a, b = seqs(3, 1)
    time_major = pad_sequence([a, b])
    assert time_major.shape == (3, 2, 2)
    # PyTorch 2.13: pad_sequence([arange(1, 7).view(3, 2), tensor([[1., 2.]])]).tolist()
    assert time_major.tolist() == [[[1, 2], [1, 2]], [[3, 4], [0, 0]], [[5, 6], [0, 0]]]
    batch_major = pad_sequence([a, b], batch_first=True, padding_value=-1.0)
    assert batch_major.tolist() == [[[1, 2], [3, 4], [5, 6]], [[1, 2], [-1, -1], [-1, -1]]]
    left = pad_sequence([a, b], batch_first=True, padding_side="left")
    assert left.tolist()[1] == [[0, 0], [0, 0], [1, 2]]


def test_pack_then_pad_gives_back_the_batch_with_padding_value_and_the_lengths():
    x = minigrad.tensor(np.arange(12, dtype=np.float64).reshape(2, 3, 2) + 1)  # (N, T, E), batch first
    packed = pack_padded_sequence(x, [3, 1], batch_first=True)
    assert isinstance(packed, PackedSequence) and packed.data.shape == (3, 2, 2)  # time-major inside
    assert packed.batch_sizes.tolist() == [2, 1, 1] and packed.sorted_indices is None
    padded, lengths = pad_packed_sequence(packed, batch_first=True, padding_value=9.0)
    assert lengths.tolist() == [3, 1]
    assert padded.tolist() == [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 9], [9, 9]]]
    longer, _ = pad_packed_sequence(packed, total_length=5)
    assert longer.shape == (5, 2, 2) and longer.tolist()[4] == [[0, 0], [0, 0]]


def test_steps_past_the_longest_length_are_dropped_as_in_pytorch():
    x = minigrad.zeros(6, 2, 3)
    packed = pack_padded_sequence(x, [4, 2])
    assert pad_packed_sequence(packed)[0].shape == (4, 2, 3)


def test_pack_sequence_and_unsorted_lengths():
    packed = pack_sequence(seqs(1, 3, 2), enforce_sorted=False)
    padded, lengths = pad_packed_sequence(packed, batch_first=True)
    assert lengths.tolist() == [1, 3, 2] and padded.shape == (3, 3, 2)
    assert padded.tolist()[0] == [[1, 2], [0, 0], [0, 0]]


def test_gradients_reach_the_real_steps_only():
    x = minigrad.tensor(np.random.default_rng(0).uniform(-1, 1, (3, 2, 2)), requires_grad=True)
    assert gradcheck(lambda t: pad_packed_sequence(pack_padded_sequence(t, [3, 2]), padding_value=0.5)[0], (x,))
    pad_packed_sequence(pack_padded_sequence(x, [3, 2]))[0].sum().backward()
    assert x.grad.numpy()[:, 1, 0].tolist() == [1.0, 1.0, 0.0]
    a, b = (minigrad.tensor(s.numpy(), requires_grad=True) for s in seqs(3, 1))
    assert gradcheck(lambda p, q: pad_sequence([p, q], batch_first=True, padding_value=2.0), (a, b))


def test_mistakes_get_errors_that_say_what_to_do():
    x = minigrad.zeros(4, 2, 3)
    with pytest.raises(RuntimeError, match=r"lengths \[2, 4\] are not sorted in decreasing order.*enforce_sorted=False"):
        pack_padded_sequence(x, [2, 4])
    with pytest.raises(ValueError, match=r"every length must be between 1 and the padded length 4, got \[5, 1\]"):
        pack_padded_sequence(x, [5, 1])
    with pytest.raises(ValueError, match=r"between 1 and .*, got \[3, 0\]"):
        pack_padded_sequence(x, [3, 0])
    with pytest.raises(ValueError, match=r"expected 2 lengths \(one per sequence of the batch\)"):
        pack_padded_sequence(x, [3, 2, 1])
    with pytest.raises(ValueError, match="total_length=2 is shorter than the longest sequence"):
        pad_packed_sequence(pack_padded_sequence(x, [4, 1]), total_length=2)
    with pytest.raises(ValueError, match="sequence 1 has shape"):
        pad_sequence([minigrad.zeros(2, 3), minigrad.zeros(2, 4)])


def test_the_old_import_paths_of_nn_utils_still_work():
    from minigrad.nn.utils import clip_grad_norm_, parameters_to_vector  # noqa: F401

    assert nn.utils.rnn.pad_sequence is pad_sequence and callable(nn.utils.clip_grad_value_)
