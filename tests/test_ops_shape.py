"""Shape and indexing: reshape, transpose, permute, squeeze, flatten, expand, indexing, gather, cat, stack."""
import numpy as np
import pytest

import minigrad
from minigrad import gradcheck

# ------------------------------------------------------------ reshaping
# op on a (2, 3, 4) tensor, and the NumPy equivalent
RESHAPES = [
    ("reshape", lambda t: t.reshape(6, 4), lambda v: v.reshape(6, 4)),
    ("reshape tuple -1", lambda t: t.reshape((4, -1)), lambda v: v.reshape(4, -1)),
    ("view", lambda t: t.view(-1), lambda v: v.reshape(-1)),
    ("view_as", lambda t: t.view_as(minigrad.zeros(4, 6)), lambda v: v.reshape(4, 6)),
    ("transpose", lambda t: t.transpose(0, 2), lambda v: v.swapaxes(0, 2)),
    ("transpose negative", lambda t: minigrad.transpose(t, -1, -2), lambda v: v.swapaxes(-1, -2)),
    ("permute", lambda t: t.permute(2, 0, 1), lambda v: v.transpose(2, 0, 1)),
    ("permute tuple", lambda t: minigrad.permute(t, (1, 2, 0)), lambda v: v.transpose(1, 2, 0)),
    ("T", lambda t: t.T, lambda v: v.T),
    ("mT", lambda t: t.mT, lambda v: v.swapaxes(-1, -2)),
    ("unsqueeze 0", lambda t: t.unsqueeze(0), lambda v: v[None]),
    ("unsqueeze end", lambda t: t.unsqueeze(-1), lambda v: v[..., None]),
    ("unsqueeze middle", lambda t: minigrad.unsqueeze(t, 2), lambda v: v[:, :, None]),
    ("squeeze", lambda t: t.unsqueeze(1).unsqueeze(0).squeeze(), lambda v: v),
    ("squeeze dim", lambda t: t.unsqueeze(1).squeeze(1), lambda v: v),
    ("squeeze not size 1", lambda t: t.squeeze(0), lambda v: v),
    ("flatten", lambda t: t.flatten(), lambda v: v.reshape(-1)),
    ("flatten from 1", lambda t: minigrad.flatten(t, 1), lambda v: v.reshape(2, 12)),
    ("flatten 0 to 1", lambda t: t.flatten(0, 1), lambda v: v.reshape(6, 4)),
    ("expand", lambda t: t[:, :1].expand(2, 5, 4), lambda v: np.broadcast_to(v[:, :1], (2, 5, 4))),
    ("expand -1, new dim", lambda t: t[:, :1].expand(3, -1, 2, -1), lambda v: np.broadcast_to(v[:, :1], (3, 2, 2, 4))),
    ("expand_as", lambda t: t[:1].expand_as(minigrad.zeros(2, 3, 4)), lambda v: np.broadcast_to(v[:1], (2, 3, 4))),
]


@pytest.mark.parametrize("name, op, np_op", RESHAPES, ids=[r[0] for r in RESHAPES])
def test_reshaping_values_and_gradients(name, op, np_op, leaf, device):
    x = leaf(2, 3, 4, device=device)
    np.testing.assert_array_equal(op(x).detach().numpy(), np_op(x.detach().numpy()))
    assert gradcheck(op, (x,))


def test_expand_sums_the_gradient_over_the_copies():
    b = minigrad.tensor([[1.0], [2.0]], requires_grad=True)
    b.expand(2, 3).sum().backward()
    assert b.grad.tolist() == [[3.0], [3.0]]


def test_reshape_of_a_0d_and_an_empty_tensor(leaf):
    assert gradcheck(lambda t: t.reshape(1, 1), (leaf(),))
    assert minigrad.zeros(0, 3).reshape(3, 0).shape == (3, 0)
    assert minigrad.tensor(5.0).flatten().shape == (1,)


@pytest.mark.parametrize("shape", [(4, 2), (7,), (-1, -1), (5, -1), (0, -1), (-2, -3)], ids=str)
def test_reshape_to_a_wrong_size_names_both_shapes(shape):
    with pytest.raises(minigrad.ShapeError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\).*6 values"):
        minigrad.zeros(2, 3).reshape(*shape)


@pytest.mark.parametrize(
    "op, error, message",
    [
        (lambda t: t.transpose(0, 2), IndexError, r"transpose: dimension 2 is out of range"),
        (lambda t: t.permute(0, 0), minigrad.ShapeError, r"permute: \(0, 0\) must name each of the 2 dimensions"),
        (lambda t: t.permute(0), minigrad.ShapeError, r"permute"),
        (lambda t: t.unsqueeze(3), IndexError, r"unsqueeze: dim 3 is out of range"),
        (lambda t: t.squeeze(2), IndexError, r"squeeze: dimension 2 is out of range"),
        (lambda t: t.flatten(0, 4), IndexError, r"flatten: dimension 4 is out of range"),
        (lambda t: t.expand(3, 3), minigrad.ShapeError, r"expand: cannot expand shape \(2, 3\) to \(3, 3\)"),
        (lambda t: t.expand(3), minigrad.ShapeError, r"expand: cannot expand shape \(2, 3\) to fewer"),
        (lambda t: t.reshape(2.0, 3), TypeError, r"reshape: sizes must be ints"),
    ],
)
def test_shape_errors_name_the_operation(op, error, message):
    with pytest.raises(error, match=message):
        op(minigrad.zeros(2, 3))


# ---------------------------------------------------------------- indexing
INDICES = [
    1,
    -1,
    (1, 2),
    (slice(None), 0),
    slice(1, None),
    (slice(None, None, 2), slice(1, 3)),
    (Ellipsis, 2),
    (None, 1),
    [2, 0],
    range(1, 3),
    np.array([0, 2]),
    (slice(None), [3, 0, 1]),
    ([0, 2], [1, 3]),
    np.array([True, False, True]),
]


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_indexing_values_and_gradients(index, leaf, device):
    x = leaf(3, 4, device=device)
    np.testing.assert_array_equal(x[index].detach().numpy(), x.detach().numpy()[index])
    assert gradcheck(lambda t: t[index], (x,))


def test_indexing_with_tensors_values_and_gradients(leaf):
    x = leaf(3, 4)
    rows = minigrad.tensor([2, 0, 2])
    mask = minigrad.tensor(x.detach().numpy() > 0)
    assert gradcheck(lambda t: t[rows], (x,))
    assert gradcheck(lambda t: t[mask], (x,))
    assert gradcheck(lambda t: t[:, minigrad.tensor([True, False, False, True])], (x,))
    np.testing.assert_array_equal(x[mask].detach().numpy(), x.detach().numpy()[mask.numpy()])


def test_repeated_indices_accumulate_their_gradients():
    x = minigrad.tensor([10.0, 20.0, 30.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_repeated_indices_with_a_weighted_gradient(leaf):
    x = leaf(4, 2)
    index = minigrad.tensor([1, 3, 1, 1])
    assert gradcheck(lambda t: t[index] * minigrad.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=minigrad.float64), (x,))
    (x[index] * minigrad.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=minigrad.float64)).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [8.0, 8.0], [0.0, 0.0], [2.0, 2.0]]


def test_repeated_pairs_of_indices_accumulate(leaf):
    x = leaf(3, 3)
    assert gradcheck(lambda t: t[[0, 1, 0], [2, 2, 2]], (x,))
    x[[0, 1, 0], [2, 2, 2]].sum().backward()
    assert x.grad.numpy()[0, 2] == 2.0 and x.grad.numpy()[1, 2] == 1.0 and x.grad.numpy().sum() == 3.0


def test_a_boolean_mask_sends_the_gradient_to_the_selected_entries():
    x = minigrad.tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    (x[x > 0] * minigrad.tensor([5.0, 7.0])).sum().backward()
    assert x.grad.tolist() == [[5.0, 0.0], [0.0, 7.0]]


def test_an_empty_index_list(leaf):
    x = leaf(3, 2)
    assert x[[]].shape == (0, 2)
    x[[]].sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0]] * 3


@pytest.mark.parametrize("index", [3, -4, (0, 5), [0, 9], (slice(None), [2])])
def test_index_out_of_range_names_the_shape(index):
    with pytest.raises(IndexError, match=r"indexing a tensor of shape \(3, 2\).*out of bounds"):
        minigrad.zeros(3, 2)[index]


# ------------------------------------------------------------------ gather
def test_gather_picks_one_entry_per_row(leaf):
    x = leaf(3, 4)
    index = minigrad.tensor([[1], [3], [0]])
    np.testing.assert_array_equal(
        x.gather(1, index).detach().numpy(), np.take_along_axis(x.detach().numpy(), index.numpy(), 1)
    )
    assert gradcheck(lambda t: minigrad.gather(t, 1, index), (x,))


def test_gather_with_repeated_indices_accumulates(leaf, device):
    x = leaf(2, 3, device=device)
    index = minigrad.tensor([[0, 0, 2, 0], [1, 1, 1, 1]], device=device)
    assert gradcheck(lambda t: t.gather(1, index), (x,))
    x.gather(1, index).sum().backward()
    assert x.grad.tolist() == [[3.0, 0.0, 1.0], [0.0, 4.0, 0.0]]


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_gather_along_any_dim_sends_each_gradient_to_its_own_row(dim, leaf, device):
    x = leaf(3, 4, 5, device=device)
    shape = [3, 4, 5]
    shape[dim] = 6  # longer than x along dim: positions repeat
    index = minigrad.tensor(np.random.default_rng(dim % 3).integers(0, x.shape[dim], shape), device=device)
    assert gradcheck(lambda t: t.gather(dim, index), (x,))


def test_scatter_add_along_axis_is_the_backward_of_take_along_axis():
    from minigrad.ops.shape import scatter_add_along_axis

    rng = np.random.default_rng(0)
    index = rng.integers(0, 4, (2, 3, 6))  # reads 6 positions of an axis of 4: repeats
    values = rng.standard_normal((2, 3, 6))
    expected = np.zeros((2, 3, 4))
    rows, cols = np.ogrid[:2, :3]
    for k in range(6):
        np.add.at(expected, (rows, cols, index[..., k]), values[..., k])
    np.testing.assert_allclose(scatter_add_along_axis(np, (2, 3, 4), index, values, axis=2), expected)
    # Extra trailing axes of index (several reads per output position, as a pooling window makes).
    windows = index.reshape(2, 3, 3, 2)
    got = scatter_add_along_axis(np, (2, 3, 4), windows, values.reshape(2, 3, 3, 2), axis=-1)
    np.testing.assert_allclose(got, expected)


def test_gather_errors():
    with pytest.raises(minigrad.ShapeError, match="gather: index has 1 dimension"):
        minigrad.zeros(2, 3).gather(1, minigrad.tensor([0, 1]))
    with pytest.raises(IndexError, match=r"gather along dim 1 of a tensor of shape \(2, 3\)"):
        minigrad.zeros(2, 3).gather(1, minigrad.tensor([[5], [0]]))


# ------------------------------------------------------------- cat, stack
@pytest.mark.parametrize(
    "shapes, dim",
    [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 2)], 1), ([(2, 3), (2, 3)], -1), ([(3,), (0,), (2,)], 0)],
    ids=str,
)
def test_cat_values_and_gradients(shapes, dim, leaf, device):
    tensors = [leaf(*s, device=device) for s in shapes]
    out = minigrad.cat(tensors, dim=dim)
    np.testing.assert_array_equal(out.detach().numpy(), np.concatenate([t.detach().numpy() for t in tensors], dim))
    assert gradcheck(lambda *ts: minigrad.cat(ts, dim), tuple(tensors))


def test_cat_gradient_goes_back_in_slices():
    a, b = minigrad.ones(2, requires_grad=True), minigrad.ones(3, requires_grad=True)
    (minigrad.concat([a, b]) * minigrad.arange(5)).sum().backward()
    assert a.grad.tolist() == [0.0, 1.0] and b.grad.tolist() == [2.0, 3.0, 4.0]


def test_cat_of_a_tensor_with_itself(leaf):
    x = leaf(2, 2)
    assert gradcheck(lambda t: minigrad.cat([t, t * 2], dim=1), (x,))


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_stack_values_and_gradients(dim, leaf, device):
    tensors = [leaf(2, 3, device=device) for _ in range(3)]
    out = minigrad.stack(tensors, dim=dim)
    np.testing.assert_array_equal(out.detach().numpy(), np.stack([t.detach().numpy() for t in tensors], dim))
    assert gradcheck(lambda *ts: minigrad.stack(ts, dim), tuple(tensors))


def test_stack_of_scalars(leaf):
    assert gradcheck(lambda a, b: minigrad.stack([a, b]), (leaf(), leaf()))


def test_cat_with_mismatched_shapes_names_them():
    with pytest.raises(minigrad.ShapeError, match=r"cat along dim 0: shapes \[\(2, 3\), \(2, 4\)\] differ"):
        minigrad.cat([minigrad.zeros(2, 3), minigrad.zeros(2, 4)])
    with pytest.raises(minigrad.ShapeError, match=r"cat along dim 0: shapes \[\(2, 3\), \(3,\)\]"):
        minigrad.cat([minigrad.zeros(2, 3), minigrad.zeros(3)])


def test_cat_and_stack_errors():
    with pytest.raises(minigrad.ShapeError, match="cat: 0-d tensors"):
        minigrad.cat([minigrad.tensor(1.0), minigrad.tensor(2.0)])
    with pytest.raises(IndexError, match="cat: dimension 2 is out of range"):
        minigrad.cat([minigrad.zeros(2, 3)], dim=2)
    with pytest.raises(minigrad.ShapeError, match=r"stack: every tensor must have the same shape.*\(2, 3\), \(3, 2\)"):
        minigrad.stack([minigrad.zeros(2, 3), minigrad.zeros(3, 2)])
    with pytest.raises(IndexError, match="stack: dim 3 is out of range"):
        minigrad.stack([minigrad.zeros(2, 3)], dim=3)
    with pytest.raises(ValueError, match="at least one tensor"):
        minigrad.cat([])
    with pytest.raises(TypeError, match=r"cat\(\[a, b\]"):
        minigrad.cat(minigrad.zeros(2, 3))  # a Tensor, not a sequence of them
