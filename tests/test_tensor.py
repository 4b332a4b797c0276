"""The Tensor: construction and dtypes, attributes, host transfer, in-place changes, indexing, gradients."""
import numpy as np
import pytest

import minigrad
from minigrad import Tensor


# ------------------------------------------------------------ construction
@pytest.mark.parametrize(
    "data, dtype",
    [
        (1.5, minigrad.float32),
        ([1.0, 2.0], minigrad.float32),
        ([[1, 2], [3, 4.5]], minigrad.float32),
        (3, minigrad.int64),
        ([1, 2, 3], minigrad.int64),
        (True, minigrad.bool),
        ([True, False], minigrad.bool),
    ],
)
def test_python_data_gets_pytorch_default_dtypes(data, dtype):
    assert minigrad.tensor(data).dtype == dtype


@pytest.mark.parametrize(
    "np_dtype, dtype",
    [
        (np.float64, minigrad.float64),
        (np.float32, minigrad.float32),
        (np.int64, minigrad.int64),
        (np.bool_, minigrad.bool),
        (np.int32, minigrad.int64),  # every integer width becomes int64
        (np.uint8, minigrad.int64),
        (np.float16, minigrad.float32),
    ],
)
def test_numpy_arrays_keep_their_dtype(np_dtype, dtype):
    array = np.arange(6).reshape(2, 3).astype(np_dtype)
    t = minigrad.tensor(array)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), array)


def test_an_explicit_dtype_wins():
    assert minigrad.tensor([1, 2], dtype=minigrad.float64).dtype == minigrad.float64
    assert minigrad.tensor(np.zeros(2), dtype=minigrad.float32).dtype == minigrad.float32


def test_tensor_copies_its_data():
    array = np.zeros(3)
    t = minigrad.tensor(array)
    array[0] = 5
    assert t.tolist() == [0.0, 0.0, 0.0]


def test_tensor_of_a_tensor_is_a_copy():
    a = minigrad.tensor([1.0, 2.0])
    b = minigrad.tensor(a)
    b[0] = 9.0
    assert a.tolist() == [1.0, 2.0]


def test_constructor_class_is_the_same_as_the_factory():
    assert Tensor([1.0, 2.0]).dtype == minigrad.float32
    assert isinstance(minigrad.tensor(1), Tensor)


@pytest.mark.parametrize("bad", [[[1, 2], [3]], np.array(["a"]), np.array([1 + 2j]), {"a": 1}])
def test_unusable_data_is_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="tensor|minigrad"):
        minigrad.tensor(bad)


def test_dtype_names_and_aliases():
    assert minigrad.float is minigrad.float32
    assert minigrad.double is minigrad.float64
    assert minigrad.long is minigrad.int64
    assert repr(minigrad.float32) == "minigrad.float32"
    assert minigrad.float32.is_floating_point and not minigrad.int64.is_floating_point
    assert minigrad.float64 == np.float64 and minigrad.float64 != minigrad.float32


# -------------------------------------------------------------- attributes
def test_attributes():
    t = minigrad.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4)
    assert t.ndim == 3 and t.dim() == 3
    assert t.size() == (2, 3, 4)
    assert t.size(1) == 3 and t.size(-1) == 4
    assert t.numel() == 24
    assert len(t) == 2
    assert t.dtype == minigrad.float32
    assert t.device == "cpu"
    assert t.requires_grad is False and t.grad is None and t.grad_fn is None and t.is_leaf


def test_size_of_a_missing_dimension_is_an_index_error():
    with pytest.raises(IndexError, match="size: dimension 3 is out of range"):
        minigrad.zeros(2, 3).size(3)


def test_T_reverses_the_dimensions():
    x = minigrad.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.T.numpy(), np.arange(6.0).reshape(2, 3).T)
    assert minigrad.zeros(2, 3, 4).T.shape == (4, 3, 2)
    assert minigrad.zeros(5, 2, 3).mT.shape == (5, 3, 2)


# -------------------------------------------------------------------- repr
def test_repr_shows_data_and_dtype():
    assert repr(minigrad.tensor([1.0, 2.5])) == "tensor([1. , 2.5], dtype=minigrad.float32)"
    assert repr(minigrad.tensor([1, 2])) == "tensor([1, 2], dtype=minigrad.int64)"


def test_repr_shows_the_creating_operation():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], dtype=minigrad.float32, requires_grad=True)"
    assert repr(x * 2).endswith("grad_fn=<MulBackward>)")
    assert "grad_fn=<SumBackward>" in repr(x.sum())
    assert "grad_fn=<TanhBackward>" in repr(x.tanh())


# ------------------------------------------------------------ host transfer
def test_item_numpy_tolist():
    t = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t[1, 0].item() == 3.0 and isinstance(t[1, 0].item(), float)
    assert minigrad.tensor(7).item() == 7 and isinstance(minigrad.tensor(7).item(), int)
    assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    array = t.numpy()
    assert isinstance(array, np.ndarray) and array.dtype == np.float32
    assert float(minigrad.tensor([2.5])) == 2.5 and int(minigrad.tensor(3)) == 3


def test_numpy_shares_memory_like_pytorch():
    t = minigrad.zeros(3)
    t.numpy()[0] = 1.0
    assert t.tolist() == [1.0, 0.0, 0.0]


def test_item_needs_one_element():
    with pytest.raises(ValueError, match=r"exactly one element.*\(2, 2\)"):
        minigrad.zeros(2, 2).item()


def test_numpy_of_a_tensor_that_requires_grad_says_detach():
    with pytest.raises(RuntimeError, match=r"detach\(\)\.numpy\(\)"):
        minigrad.zeros(2, requires_grad=True).numpy()
    assert minigrad.zeros(2, requires_grad=True).detach().numpy().shape == (2,)


def test_truth_value_of_many_elements_is_ambiguous():
    assert bool(minigrad.tensor([1.0]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(minigrad.tensor([1.0, 2.0]))


def test_iteration_gives_the_rows():
    rows = list(minigrad.tensor([[1, 2], [3, 4]]))
    assert [r.tolist() for r in rows] == [[1, 2], [3, 4]]


# ------------------------------------------------------- .data and in-place
def test_data_has_the_values_without_history_and_shares_memory():
    w = minigrad.zeros(3, requires_grad=True)
    d = w.data
    assert d.requires_grad is False and d.grad_fn is None
    d.fill_(2.0)
    assert w.tolist() == [2.0, 2.0, 2.0]


def test_initialising_a_parameter_through_data():
    w = minigrad.ones(2, 2, requires_grad=True)
    w.data.zero_()
    assert w.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    w.data.copy_(minigrad.tensor([1.0, 2.0]))  # broadcast to each row
    assert w.tolist() == [[1.0, 2.0], [1.0, 2.0]]
    assert w.requires_grad is True


def test_assigning_data_replaces_the_values():
    w = minigrad.zeros(2, requires_grad=True)
    w.data = minigrad.tensor([3.0, 4.0])
    assert w.tolist() == [3.0, 4.0] and w.requires_grad


def test_copy_into_an_incompatible_shape_is_an_error():
    with pytest.raises(ValueError, match=r"copy_.*\(3, 2\).*\(2, 3\)"):
        minigrad.zeros(2, 3).copy_(minigrad.zeros(3, 2))


def test_in_place_changes_of_a_parameter_need_data_or_no_grad():
    w = minigrad.ones(2, requires_grad=True)
    for change in (lambda: w.zero_(), lambda: w.fill_(1.0), lambda: w.add_(1.0), lambda: w.copy_(w.detach())):
        with pytest.raises(RuntimeError, match=r"requires grad.*\.data"):
            change()
    with minigrad.no_grad():
        w -= 0.5 * minigrad.ones(2)
        w.mul_(4)
    assert w.tolist() == [2.0, 2.0]


def test_in_place_arithmetic_keeps_the_shape():
    t = minigrad.zeros(2, 3)
    t += minigrad.tensor([1.0, 2.0, 3.0])
    assert t.tolist() == [[1.0, 2.0, 3.0]] * 2
    with pytest.raises(minigrad.ShapeError, match=r"add_.*\(2, 2, 3\).*\(2, 3\)"):
        t.add_(minigrad.zeros(2, 1, 3))


def test_setitem_on_a_tensor_without_grad():
    t = minigrad.zeros(3, 3)
    t[0] = 1.0
    t[1, [0, 2]] = minigrad.tensor([5.0, 6.0])
    t[t > 5.5] = -1.0
    assert t.tolist() == [[1.0, 1.0, 1.0], [5.0, 0.0, -1.0], [0.0, 0.0, 0.0]]


def test_setitem_on_a_tensor_that_requires_grad_is_refused():
    w = minigrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="__setitem__"):
        w[0] = 1.0
    y = w * 2
    with pytest.raises(RuntimeError, match="__setitem__"):
        y[0] = 1.0


# ------------------------------------------------------------ requires_grad
def test_requires_grad_can_be_set_on_leaves():
    w = minigrad.zeros(2)
    w.requires_grad = True
    assert w.requires_grad
    assert w.requires_grad_(False) is w and not w.requires_grad
    assert minigrad.tensor([1.0], requires_grad=True).requires_grad


@pytest.mark.parametrize("make", [lambda: minigrad.tensor([1, 2]), lambda: minigrad.tensor([True])])
def test_integer_and_bool_tensors_cannot_require_grad(make):
    with pytest.raises((TypeError, RuntimeError), match="floating-point"):
        make().requires_grad_()
    with pytest.raises((TypeError, RuntimeError), match="floating-point"):
        minigrad.tensor([1, 2], requires_grad=True)


def test_requires_grad_of_a_computed_tensor_cannot_be_switched_off():
    y = minigrad.ones(2, requires_grad=True) * 2
    y.requires_grad_(True)  # already true: allowed, as in PyTorch
    with pytest.raises(RuntimeError, match=r"leaf.*MulBackward.*detach"):
        y.requires_grad = False


def test_results_require_grad_when_an_input_does():
    a = minigrad.ones(2, requires_grad=True)
    b = minigrad.ones(2)
    assert (a + b).requires_grad and not (b + b).requires_grad
    assert not (a + b).is_leaf and (a + b).grad_fn is not None


def test_detach_gives_a_leaf_sharing_memory():
    a = minigrad.ones(2, requires_grad=True)
    y = a * 3
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.tolist() == [3.0, 3.0]


# -------------------------------------------------------------- conversions
def test_conversions():
    t = minigrad.tensor([1.7, -2.2])
    assert t.double().dtype == minigrad.float64
    assert t.long().dtype == minigrad.int64 and t.long().tolist() == [1, -2]
    assert t.long().float().dtype == minigrad.float32
    assert t.bool().tolist() == [True, True]
    assert t.to(minigrad.float64).dtype == minigrad.float64
    assert t.to("cpu") is t and t.float() is t


def test_gradients_flow_through_float_conversions_in_the_original_dtype():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == minigrad.float32 and x.grad.tolist() == [3.0, 3.0]


def test_converting_to_integers_cuts_the_graph():
    x = minigrad.tensor([1.5], requires_grad=True)
    assert not x.long().requires_grad


# ----------------------------------------------------------------- indexing
M = np.arange(12.0).reshape(3, 4)


@pytest.mark.parametrize(
    "index",
    [
        1,
        -1,
        (1, 2),
        slice(1, None),
        (slice(None), slice(None, None, 2)),
        [2, 0, 2],
        range(0, 3, 2),
        (Ellipsis, 1),
        (None, 0),
        np.array([1, 1, 0]),
        np.array([True, False, True]),
        M > 6,
        ([0, 2], [1, 3]),
        (slice(None), [3, 0]),
    ],
    ids=repr,
)
def test_indexing_matches_numpy(index):
    np.testing.assert_array_equal(minigrad.tensor(M)[index].numpy(), M[index])


def test_indexing_with_tensors():
    x = minigrad.tensor(M)
    np.testing.assert_array_equal(x[minigrad.tensor([2, 0])].numpy(), M[[2, 0]])
    np.testing.assert_array_equal(x[x > 6].numpy(), M[M > 6])
    np.testing.assert_array_equal(x[:, minigrad.tensor(1)].numpy(), M[:, 1])


def test_indexing_with_a_float_tensor_says_long():
    with pytest.raises(IndexError, match=r"\.long\(\)"):
        minigrad.tensor(M)[minigrad.tensor([0.0])]


@pytest.mark.parametrize("index", [5, (0, 7), [0, 3], (slice(None), [4])])
def test_index_out_of_range_names_the_shape(index):
    with pytest.raises(IndexError, match=r"shape \(3, 4\).*out of bounds"):
        minigrad.tensor(M)[index]


# ---------------------------------------------------------------- gradients
def test_grad_is_a_tensor_of_the_leaf_shape_and_dtype():
    x = minigrad.tensor([[1.0, 2.0]], requires_grad=True)
    (x * x).sum().backward()
    assert isinstance(x.grad, Tensor) and x.grad.shape == (1, 2) and x.grad.dtype == minigrad.float32
    assert x.grad.tolist() == [[2.0, 4.0]]


def test_grad_accumulates_across_backward_calls():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [3.0 + 2.0, 3.0 + 4.0]
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_grad_can_be_zeroed_in_place():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    x.grad.zero_()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_non_leaves_keep_no_grad_unless_asked():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 2
    kept = (x * 3).retain_grad()
    (hidden * kept).sum().backward()
    assert hidden.grad is None
    assert kept.grad.tolist() == [2.0, 4.0]  # d(sum(hidden * kept))/d kept = hidden
    assert x.grad.tolist() == [2 * 3 * 2 * 1.0, 2 * 3 * 2 * 2.0]


def test_is_leaf():
    a = minigrad.ones(2, requires_grad=True)
    assert a.is_leaf and minigrad.ones(2).is_leaf
    assert not (a * 2).is_leaf
    assert (a * 2).detach().is_leaf
    with minigrad.no_grad():
        assert (a * 2).is_leaf


def test_backward_with_an_explicit_gradient():
    x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(minigrad.tensor([1.0, 0.0, -1.0]))
    assert x.grad.tolist() == [2.0, 0.0, -6.0]
    with pytest.raises(RuntimeError, match=r"gradient has shape \(2,\).*\(3,\)"):
        (x * x).backward(minigrad.ones(2))
