"""Comparisons and logic return bool tensors that carry no gradient."""
import numpy as np
import pytest

import minigrad

A = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
B = np.array([2.0, 2.0, 2.0])

COMPARISONS = [
    ("eq", lambda a, b: a == b, np.equal),
    ("ne", lambda a, b: a != b, np.not_equal),
    ("lt", lambda a, b: a < b, np.less),
    ("le", lambda a, b: a <= b, np.less_equal),
    ("gt", lambda a, b: a > b, np.greater),
    ("ge", lambda a, b: a >= b, np.greater_equal),
]


@pytest.mark.parametrize("name, operator, np_op", COMPARISONS, ids=[c[0] for c in COMPARISONS])
def test_comparisons_broadcast_and_return_bool(name, operator, np_op):
    a, b = minigrad.tensor(A, requires_grad=True), minigrad.tensor(B)
    for result in (getattr(minigrad, name)(a, b), getattr(a, name)(b), operator(a, b)):
        assert result.dtype == minigrad.bool
        np.testing.assert_array_equal(result.numpy(), np_op(A, B))
        assert not result.requires_grad and result.grad_fn is None


@pytest.mark.parametrize("name, operator, np_op", COMPARISONS, ids=[c[0] for c in COMPARISONS])
def test_comparisons_with_numbers(name, operator, np_op):
    np.testing.assert_array_equal(operator(minigrad.tensor(A), 2).numpy(), np_op(A, 2))
    np.testing.assert_array_equal(operator(2.0, minigrad.tensor(A)).numpy(), np_op(2.0, A))


def test_integer_and_float_tensors_compare_by_value():
    assert (minigrad.tensor([1, 2]) == minigrad.tensor([1.0, 2.5])).tolist() == [True, False]
    assert (minigrad.tensor([1, 2]) < 1.5).tolist() == [True, False]


def test_comparison_shape_mismatch_names_the_operation():
    with pytest.raises(minigrad.ShapeError, match=r"lt: shapes \(2,\) and \(3,\) cannot be broadcast"):
        minigrad.ones(2) < minigrad.ones(3)


def test_logic():
    p, q = minigrad.tensor([True, True, False]), minigrad.tensor([True, False, False])
    assert (p & q).tolist() == [True, False, False]
    assert (p | q).tolist() == [True, True, False]
    assert (~p).tolist() == [False, False, True]
    assert minigrad.logical_and(p, q).tolist() == [True, False, False]
    assert minigrad.logical_or(p, q).tolist() == [True, True, False]
    assert minigrad.logical_not(q).tolist() == [False, True, True]


def test_any_and_all():
    x = minigrad.tensor([[True, False], [True, True]])
    assert x.any().item() is True and x.all().item() is False
    assert x.all(dim=1).tolist() == [False, True]
    assert minigrad.any(x, dim=0, keepdim=True).tolist() == [[True, True]]
    assert (minigrad.tensor([0.0, 2.0]) > 1).any().item() is True


def test_isclose_allclose_and_equal():
    a = minigrad.tensor([1.0, 2.0])
    b = minigrad.tensor([1.0, 2.0 + 1e-6])
    assert minigrad.allclose(a, b) is True and a.allclose(b)
    assert not minigrad.allclose(a, minigrad.tensor([1.0, 2.1]))
    assert minigrad.allclose(a, minigrad.tensor([1.0, 2.1]), atol=0.2)
    assert minigrad.isclose(a, minigrad.tensor([1.0, 3.0])).tolist() == [True, False]
    assert minigrad.equal(a, minigrad.tensor([1.0, 2.0])) is True
    assert not a.equal(b)
    assert not minigrad.equal(a, minigrad.tensor([[1.0, 2.0]]))  # same values, different shape


def test_comparisons_cut_the_graph_so_a_mask_can_be_used_freely():
    x = minigrad.tensor([-1.0, 2.0], requires_grad=True)
    mask = x > 0
    (x * mask).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0]
