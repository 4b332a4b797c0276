"""nn.Embedding and F.embedding: lookup, accumulated gradients for repeated words, padding, errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import gradcheck


def ids(*values):
    return minigrad.tensor(values)


# ------------------------------------------------------------------- lookup
def test_lookup_returns_rows_of_the_weight(leaf, device):
    weight = leaf(6, 3, device=device)
    indices = minigrad.tensor([[1, 5, 1], [0, 2, 3]], device=device)
    out = F.embedding(indices, weight)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.detach().numpy(), weight.detach().numpy()[indices.numpy()])


def test_module_lookup_and_shapes():
    layer = nn.Embedding(10, 4)
    assert layer.weight.shape == (10, 4) and layer.weight.dtype == minigrad.float32
    assert layer(ids(3)).shape == (1, 4)
    assert layer(minigrad.tensor(3)).shape == (4,)
    assert layer(minigrad.tensor([[1, 2], [3, 4], [5, 6]])).shape == (3, 2, 4)


# ---------------------------------------------------------------- gradients
def test_gradcheck_with_repeated_indices(leaf, device):
    indices = minigrad.tensor([[1, 3, 1], [1, 0, 3]], device=device)
    assert gradcheck(lambda w: F.embedding(indices, w), (leaf(5, 2, device=device),))


def test_gradcheck_with_padding_idx(leaf, device):
    # The padding row gets no gradient by design, so only the other rows are checked; row 0 is held fixed.
    indices = minigrad.tensor([[0, 2, 0], [4, 0, 2]], device=device)
    pad_row = minigrad.ones(1, 2, dtype=minigrad.float64, device=device)

    def fn(rest):
        return F.embedding(indices, minigrad.cat([pad_row, rest]), padding_idx=0)

    assert gradcheck(fn, (leaf(4, 2, device=device),))


def test_repeated_indices_accumulate_their_gradients():
    weight = minigrad.zeros(4, 2, dtype=minigrad.float64, requires_grad=True)
    F.embedding(ids(1, 1, 3, 1), weight).sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy(), [[0, 0], [3, 3], [0, 0], [1, 1]])


def test_padding_row_never_receives_gradient():
    layer = nn.Embedding(4, 2, padding_idx=2)
    layer(minigrad.tensor([[2, 1, 2], [2, 2, 3]])).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy(), [[0, 0], [1, 1], [0, 0], [1, 1]])


# ----------------------------------------------------------- initialisation
def test_gradient_with_repeats_and_padding_matches_pytorch():
    weight = minigrad.arange(12, dtype=minigrad.float64).reshape(6, 2).requires_grad_()
    indices = minigrad.tensor([[4, 2, 4, 0], [0, 4, 5, 2]])
    g = minigrad.tensor(np.linspace(-1, 1, 16).reshape(2, 4, 2))
    F.embedding(indices, weight, padding_idx=0).backward(g)
    # PyTorch 2.13: F.embedding(ids, w, padding_idx=0).backward(torch.linspace(-1, 1, 16).reshape(2, 4, 2))
    expected = [[0.0, 0.0], [0.0, 0.0], [0.1333333333333333, 0.4], [0.0, 0.0],
                [-1.1333333333333333, -0.7333333333333335], [0.6, 0.7333333333333334]]
    np.testing.assert_allclose(weight.grad.numpy(), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("padding_idx", [None, 0, 3])
def test_sorted_segment_sum_gradient_equals_add_at(padding_idx):
    # Many repeats of a few words (and of the padding word), in no order: the case the segment sum is for.
    rng = np.random.default_rng(0)
    indices = rng.integers(0, 7, size=(5, 9))
    indices[:, 6:] = 0
    g = rng.standard_normal((5, 9, 3))
    weight = minigrad.zeros(9, 3, dtype=minigrad.float64, requires_grad=True)
    F.embedding(minigrad.tensor(indices), weight, padding_idx=padding_idx).backward(minigrad.tensor(g))
    expected = np.zeros((9, 3))
    np.add.at(expected, indices.reshape(-1), g.reshape(-1, 3))
    if padding_idx is not None:
        expected[padding_idx] = 0
    np.testing.assert_allclose(weight.grad.numpy(), expected, rtol=1e-13, atol=1e-13)


def test_add_rows_accumulates_every_occurrence_in_order():
    from minigrad import backend

    target = np.ones((5, 2))
    index = np.array([4, 2, 4, 4, 0])
    rows = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, 10.0]])
    backend.add_rows(target, index, rows)
    np.testing.assert_array_equal(target, [[10, 11], [1, 1], [4, 5], [1, 1], [14, 17]])
    backend.add_rows(target, np.array([], dtype=np.int64), np.zeros((0, 2)))  # nothing to add: unchanged
    assert target[4, 0] == 14


def test_init_is_standard_normal():
    values = nn.Embedding(1000, 100).weight.detach().numpy()
    assert abs(values.mean()) < 0.01
    assert values.std() == pytest.approx(1.0, abs=0.01)


def test_padding_row_starts_at_zero_and_negative_padding_idx_counts_from_the_end():
    layer = nn.Embedding(5, 3, padding_idx=-1)
    assert layer.padding_idx == 4
    np.testing.assert_array_equal(layer.weight.detach().numpy()[4], 0)
    assert np.all(layer.weight.detach().numpy()[:4] != 0)


def test_init_repeats_under_manual_seed():
    minigrad.manual_seed(3)
    a = nn.Embedding(7, 3).weight.detach().numpy()
    minigrad.manual_seed(3)
    np.testing.assert_array_equal(a, nn.Embedding(7, 3).weight.detach().numpy())


def test_dtype_option():
    assert nn.Embedding(5, 3, dtype=minigrad.float64).weight.dtype == minigrad.float64


def test_repr_like_pytorch():
    assert repr(nn.Embedding(10, 3)) == "Embedding(10, 3)"
    assert repr(nn.Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"


# ---------------------------------------------------------- from_pretrained
def test_from_pretrained_copies_the_vectors_and_freezes_them():
    vectors = minigrad.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    layer = nn.Embedding.from_pretrained(vectors)
    assert (layer.num_embeddings, layer.embedding_dim) == (3, 2)
    assert not layer.weight.requires_grad
    np.testing.assert_array_equal(layer(ids(2, 0)).numpy(), [[5, 6], [1, 2]])
    vectors[0, 0] = 100.0
    assert layer.weight.detach().numpy()[0, 0] == 1.0


def test_from_pretrained_unfrozen_trains_and_keeps_the_padding_row():
    vectors = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=minigrad.float64)
    layer = nn.Embedding.from_pretrained(vectors, freeze=False, padding_idx=0)
    assert layer.weight.requires_grad and layer.weight.dtype == minigrad.float64
    np.testing.assert_array_equal(layer.weight.detach().numpy()[0], [1.0, 2.0])
    layer(ids(0, 1)).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy(), [[0, 0], [1, 1]])


def test_from_pretrained_needs_a_matrix():
    with pytest.raises(ValueError, match="2-D"):
        nn.Embedding.from_pretrained(minigrad.zeros(5))


# ------------------------------------------------------------------- errors
@pytest.mark.parametrize("bad", [10, 12, -1])
def test_out_of_range_index_names_the_index_and_the_vocabulary_size(bad):
    layer = nn.Embedding(10, 3)
    with pytest.raises(IndexError) as err:
        layer(ids(1, bad, 2))
    assert f"index {bad} " in str(err.value) and "10" in str(err.value)


def test_float_indices_are_refused_with_the_fix():
    with pytest.raises(TypeError, match=r"integer.*long\(\)"):
        nn.Embedding(10, 3)(minigrad.tensor([1.0, 2.0]))


def test_indices_must_be_a_tensor():
    with pytest.raises(TypeError, match="minigrad.tensor"):
        nn.Embedding(10, 3)([1, 2])


@pytest.mark.parametrize("padding_idx", [5, -6])
def test_padding_idx_outside_the_vocabulary(padding_idx):
    with pytest.raises(ValueError, match=f"padding_idx={padding_idx}.*5 rows"):
        nn.Embedding(5, 3, padding_idx=padding_idx)
