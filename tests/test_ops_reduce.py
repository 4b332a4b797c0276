"""Reductions: sum, mean, var, std, max/min (three forms), argmax/argmin, topk, logsumexp."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad import gradcheck

# shape, dim, keepdim: all dims, one dim, negative dims, tuples, size-1 dims, a 0-d tensor
REDUCTIONS = [
    ((3, 4), None, False),
    ((3, 4), 0, False),
    ((3, 4), 1, True),
    ((3, 4), -1, False),
    ((2, 3, 4), (0, 2), False),
    ((2, 3, 4), (0, 2), True),
    ((2, 1, 4), 1, False),
    ((1, 5), 0, True),
    ((5,), 0, False),
    ((), None, False),
]


def np_dim(dim):
    return dim if dim is None or isinstance(dim, int) else tuple(dim)


@pytest.mark.parametrize("shape, dim, keepdim", REDUCTIONS, ids=str)
@pytest.mark.parametrize("name", ["sum", "mean"])
def test_sum_and_mean(name, shape, dim, keepdim, leaf, device):
    x = leaf(*shape, device=device)
    out = getattr(minigrad, name)(x, dim=dim, keepdim=keepdim)
    expected = getattr(np, name)(x.detach().numpy(), axis=np_dim(dim), keepdims=keepdim)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12)
    assert gradcheck(lambda t: getattr(t, name)(dim, keepdim=keepdim), (x,))


@pytest.mark.parametrize("shape, dim, keepdim", [r for r in REDUCTIONS if r[0] != ()], ids=str)
@pytest.mark.parametrize("correction", [0, 1])
def test_var_and_std(shape, dim, keepdim, correction, leaf):
    x = leaf(*shape)
    v = x.detach().numpy()
    var = minigrad.var(x, dim, keepdim=keepdim, correction=correction)
    if v.size // max(var.numel(), 1) <= correction:
        pytest.skip("a single value has no sample variance")
    np.testing.assert_allclose(var.detach().numpy(), np.var(v, axis=np_dim(dim), ddof=correction, keepdims=keepdim))
    std = x.std(dim, keepdim=keepdim, correction=correction)
    np.testing.assert_allclose(std.detach().numpy(), np.std(v, axis=np_dim(dim), ddof=correction, keepdims=keepdim))
    assert gradcheck(lambda t: t.var(dim, keepdim=keepdim, correction=correction), (x,))
    if v.size // max(var.numel(), 1) > 1:  # the std of one value is 0, where sqrt has no derivative
        assert gradcheck(lambda t: t.std(dim, keepdim=keepdim, correction=correction), (x,))


def test_var_defaults_to_the_unbiased_estimate_and_accepts_unbiased():
    x = minigrad.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.var().item() == pytest.approx(np.var([1, 2, 3, 4], ddof=1))
    assert x.var(unbiased=False).item() == pytest.approx(np.var([1, 2, 3, 4]))
    assert x.var(0, True).item() == pytest.approx(np.var([1, 2, 3, 4], ddof=1))


def test_sum_of_integers_stays_integer_and_mean_needs_floats():
    x = minigrad.tensor([[1, 2], [3, 4]])
    assert x.sum().dtype == minigrad.int64 and x.sum().item() == 10
    assert minigrad.tensor([True, True, False]).sum().item() == 2
    with pytest.raises(TypeError, match=r"mean.*\.float\(\)"):
        x.mean()


# ------------------------------------------------------------- empty input
def test_sum_over_an_empty_dimension_is_zero_with_an_empty_gradient(leaf):
    x = leaf(0, 3)
    assert x.sum(0).tolist() == [0.0, 0.0, 0.0] and x.sum().item() == 0.0
    assert x.sum(1).shape == (0,)
    assert gradcheck(lambda t: t.sum(0), (x,))
    assert gradcheck(lambda t: t.sum(1), (x,))
    x.sum().backward()
    assert x.grad.shape == (0, 3)


def test_mean_of_an_empty_dimension_is_nan_like_pytorch(leaf):
    x = leaf(0, 3)
    assert np.isnan(x.mean(0).detach().numpy()).all()
    assert x.mean(1).shape == (0,)
    assert gradcheck(lambda t: t.mean(1), (x,))


@pytest.mark.parametrize("op", ["max", "min", "amax", "argmax", "logsumexp"])
def test_extremes_of_an_empty_dimension_are_a_clear_error(op):
    with pytest.raises(minigrad.ShapeError, match=rf"{op}.*empty"):
        getattr(minigrad, op)(minigrad.zeros(0, 3), 0)


# ----------------------------------------------------------------- max/min
@pytest.mark.parametrize("op, np_op", [("max", np.max), ("min", np.min), ("amax", np.max), ("amin", np.min)])
def test_full_reduction_values_and_gradients(op, np_op, leaf, device):
    x = leaf(3, 4, device=device)
    out = getattr(x, op)()
    assert out.shape == () and out.item() == np_op(x.detach().numpy())
    assert gradcheck(lambda t: getattr(t, op)(), (x,))


@pytest.mark.parametrize("op, np_op, np_arg", [("max", np.max, np.argmax), ("min", np.min, np.argmin)])
@pytest.mark.parametrize("dim, keepdim", [(0, False), (1, False), (-1, True), (2, False)])
def test_max_and_min_along_a_dim_return_values_and_indices(op, np_op, np_arg, dim, keepdim, leaf, device):
    x = leaf(2, 3, 4, device=device)
    v = x.detach().numpy()
    values, indices = getattr(x, op)(dim=dim, keepdim=keepdim)
    np.testing.assert_array_equal(values.detach().numpy(), np_op(v, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(indices.numpy(), np_arg(v, axis=dim, keepdims=keepdim))
    assert indices.dtype == minigrad.int64 and not indices.requires_grad
    assert gradcheck(lambda t: getattr(t, op)(dim, keepdim=keepdim).values, (x,))


def test_max_with_a_positional_dim_and_named_fields():
    x = minigrad.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    values, indices = x.max(1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    result = minigrad.max(x, dim=0)
    assert result.values.tolist() == [7.0, 5.0, 3.0] and result.indices.tolist() == [1, 0, 1]
    assert minigrad.min(x, 1).indices.tolist() == [0, 1]


def test_max_of_two_tensors_is_maximum():
    a, b = minigrad.tensor([1.0, 5.0]), minigrad.tensor([3.0, 2.0])
    assert minigrad.max(a, b).tolist() == [3.0, 5.0]
    assert minigrad.min(a, b).tolist() == [1.0, 2.0]


def test_full_max_shares_the_gradient_equally_among_ties():
    x = minigrad.tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5, 0.0]


def test_full_min_shares_the_gradient_equally_among_ties():
    x = minigrad.tensor([[0.0, 4.0], [0.0, 0.0]], requires_grad=True)
    x.min().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1 / 3, 0.0], [1 / 3, 1 / 3]])


def test_amax_along_a_dim_shares_ties_in_each_row():
    x = minigrad.tensor([[2.0, 2.0, 1.0], [0.0, 1.0, 0.0]], requires_grad=True)
    x.amax(dim=1).sum().backward()
    assert x.grad.tolist() == [[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]]


def test_max_along_a_dim_sends_the_gradient_to_the_returned_index_only():
    x = minigrad.tensor([[3.0, 3.0, 1.0], [0.0, 2.0, 2.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert indices.tolist() == [0, 1]  # the first of the tied entries, as in PyTorch
    values.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]


def test_min_along_a_dim_with_ties():
    x = minigrad.tensor([[1.0, 1.0]], requires_grad=True)
    x.min(dim=1).values.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0]]


def test_argmax_and_argmin():
    x = minigrad.tensor([[1.0, 9.0, 3.0], [8.0, 2.0, 8.0]])
    assert x.argmax().item() == 1 and x.argmin().item() == 0
    assert x.argmax(dim=1).tolist() == [1, 0]
    assert x.argmin(dim=0).tolist() == [0, 1, 0]
    assert x.argmax(dim=1, keepdim=True).shape == (2, 1)
    assert minigrad.argmax(x, 0).dtype == minigrad.int64


@pytest.mark.parametrize("op", ["sum", "mean", "var", "max", "argmax", "amax", "logsumexp"])
def test_dim_out_of_range_names_the_operation(op):
    with pytest.raises(IndexError, match=rf"{op}: dimension 2 is out of range.*2 dimension"):
        getattr(minigrad, op)(minigrad.ones(2, 3), 2)


# -------------------------------------------------------------------- topk
@pytest.mark.parametrize("k, dim, largest", [(2, -1, True), (1, 0, True), (3, 1, False), (4, -1, True)])
def test_topk_values_indices_and_gradient(k, dim, largest, leaf, device):
    x = leaf(3, 4, device=device)
    v = x.detach().numpy()
    values, indices = x.topk(k, dim=dim, largest=largest)
    order = np.argsort(-v if largest else v, axis=dim, kind="stable")
    expected_indices = np.take(order, np.arange(k), axis=dim)
    np.testing.assert_array_equal(indices.numpy(), expected_indices)
    np.testing.assert_array_equal(values.detach().numpy(), np.take_along_axis(v, expected_indices, axis=dim))
    assert gradcheck(lambda t: minigrad.topk(t, k, dim=dim, largest=largest).values, (x,))


def test_topk_gradient_reaches_the_chosen_entries():
    x = minigrad.tensor([[1.0, 5.0, 3.0, 5.0]], requires_grad=True)
    values, indices = x.topk(2)
    assert values.tolist() == [[5.0, 5.0]] and indices.tolist() == [[1, 3]]  # ties: the lower index first
    (values * minigrad.tensor([[10.0, 1.0]])).sum().backward()
    assert x.grad.tolist() == [[0.0, 10.0, 0.0, 1.0]]


def test_topk_with_k_too_large():
    with pytest.raises(ValueError, match=r"topk: k=5.*size 4"):
        minigrad.ones(2, 4).topk(5)


# --------------------------------------------------------------- logsumexp
@pytest.mark.parametrize("shape, dim, keepdim", [((3, 4), 1, False), ((3, 4), 0, True), ((2, 3, 4), (0, 2), False)])
def test_logsumexp_values_and_gradients(shape, dim, keepdim, leaf, device):
    x = leaf(*shape, device=device)
    expected = np.log(np.exp(x.detach().numpy()).sum(axis=np_dim(dim), keepdims=keepdim))
    np.testing.assert_allclose(x.logsumexp(dim, keepdim=keepdim).detach().numpy(), expected, rtol=1e-12)
    assert gradcheck(lambda t: minigrad.logsumexp(t, dim, keepdim=keepdim), (x,))


def test_logsumexp_is_stable_for_large_values(rng):
    x = minigrad.tensor(1e4 + rng.uniform(-2, 2, (2, 3)), requires_grad=True)
    v = x.detach().numpy()
    expected = 1e4 + np.log(np.exp(v - 1e4).sum(axis=1))
    np.testing.assert_allclose(x.logsumexp(1).detach().numpy(), expected, rtol=1e-12)
    assert gradcheck(lambda t: t.logsumexp(1), (x,))


def test_logsumexp_of_a_fully_masked_row_is_minus_infinity():
    x = minigrad.tensor([[-np.inf, -np.inf], [0.0, -np.inf]])
    assert x.logsumexp(1).tolist() == [-np.inf, 0.0]


# --------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)), st.data())
def test_property_sum_and_mean_over_any_dims_match_numpy_with_exact_gradients(array, data):
    array = np.nan_to_num(array, nan=0.0, posinf=1.0, neginf=-1.0) % 10
    dims = tuple(sorted(data.draw(st.sets(st.integers(0, array.ndim - 1), min_size=1))))
    keepdim = data.draw(st.booleans())
    x = minigrad.tensor(array, requires_grad=True)
    total = x.sum(dims, keepdim=keepdim)
    np.testing.assert_allclose(total.detach().numpy(), array.sum(axis=dims, keepdims=keepdim))
    average = x.mean(dims, keepdim=keepdim)
    np.testing.assert_allclose(average.detach().numpy(), array.mean(axis=dims, keepdims=keepdim))
    (total.sum() + average.sum()).backward()
    count = int(np.prod([array.shape[d] for d in dims]))
    np.testing.assert_allclose(x.grad.numpy(), np.full(array.shape, 1 + 1 / count))


def test_topk_of_a_single_value_explains_what_it_needs():
    with pytest.raises(minigrad.ShapeError, match="topk: needs a tensor with at least one dimension"):
        minigrad.tensor(2.0).topk(1)


@pytest.mark.parametrize("dim", [0, -1, (0,)])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "logsumexp", "norm"])
def test_a_single_number_reduced_along_dim_0_is_itself_as_in_pytorch(name, dim, keepdim, leaf, device):
    # PyTorch 2.13: torch.sum(torch.tensor(5.), dim=0) is tensor(5.), shape () even with keepdim=True.
    x = leaf(device=device)
    out = getattr(minigrad, name)(x, dim=dim, keepdim=keepdim)
    assert out.shape == () and out.item() == pytest.approx(abs(x.item()) if name == "norm" else x.item())
    assert gradcheck(lambda t: getattr(minigrad, name)(t, dim=dim, keepdim=keepdim), (x,))


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_of_a_single_number_along_dim_0_is_itself_at_index_0(op, leaf, device):
    x = leaf(device=device)
    values, indices = getattr(minigrad, op)(x, dim=0)  # PyTorch 2.13: values=tensor(x), indices=tensor(0)
    assert values.shape == indices.shape == () and values.item() == x.item() and indices.item() == 0
    assert getattr(minigrad, "arg" + op)(x, dim=-1, keepdim=True).item() == 0
    assert gradcheck(lambda t: getattr(minigrad, op)(t, dim=0).values, (x,))
    assert minigrad.any(x > 0, dim=0).item() == (x.item() > 0) and minigrad.all(x > 0, dim=0).shape == ()
    with pytest.raises(IndexError, match=r"dimension 1 is out of range for a tensor with 0 dimension"):
        minigrad.sum(x, dim=1)
