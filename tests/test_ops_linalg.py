"""Matrix multiplication: vectors, matrices and batches, their gradients, and shape errors."""
import numpy as np
import pytest

import minigrad
from minigrad import gradcheck

MATMUL_SHAPES = [
    ((3,), (3,)),  # dot product -> 0-d
    ((3,), (3, 4)),  # row vector @ matrix
    ((2, 3), (3,)),  # matrix @ column vector
    ((2, 3), (3, 4)),
    ((3, 3), (3, 3)),
    ((1, 3), (3, 1)),
    ((5, 2, 3), (5, 3, 4)),  # a batch of matrix products
    ((5, 2, 3), (3, 4)),  # a batch times one matrix (the weight of a layer)
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((2, 1, 2, 3), (4, 3, 2)),  # batch dimensions broadcast
]


@pytest.mark.parametrize("shape_a, shape_b", MATMUL_SHAPES, ids=str)
def test_matmul_values_and_gradients(shape_a, shape_b, leaf, device):
    a, b = leaf(*shape_a, device=device), leaf(*shape_b, device=device)
    out = a @ b
    expected = np.matmul(a.detach().numpy(), b.detach().numpy())
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12)
    assert gradcheck(minigrad.matmul, (a, b))


def test_matmul_gradients_by_the_formula(leaf):
    a, b = leaf(2, 3), leaf(3, 4)
    g = np.arange(8.0).reshape(2, 4)
    (a @ b).backward(minigrad.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), g @ b.detach().numpy().T)  # dL/dA = g @ B^T
    np.testing.assert_allclose(b.grad.numpy(), a.detach().numpy().T @ g)  # dL/dB = A^T @ g


def test_only_one_side_requires_grad(leaf):
    x = minigrad.tensor(np.ones((4, 3)))
    w = leaf(3, 2)
    (x @ w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.full((3, 2), 4.0))
    assert x.grad is None


def test_method_function_and_operator_agree(leaf):
    a, b = leaf(2, 3), leaf(3, 2)
    np.testing.assert_array_equal((a @ b).detach().numpy(), a.matmul(b).detach().numpy())
    np.testing.assert_array_equal((a @ b).detach().numpy(), minigrad.matmul(a, b).detach().numpy())


def test_a_numpy_array_on_the_left(leaf):
    w = leaf(3, 2)
    out = np.ones((4, 3)) @ w
    assert isinstance(out, minigrad.Tensor) and out.shape == (4, 2) and out.requires_grad


def test_integer_and_float_matrices_promote_to_float32():
    out = minigrad.tensor([[1, 2]]) @ minigrad.tensor([[0.5], [0.25]])
    assert out.dtype == minigrad.float32 and out.tolist() == [[1.0]]
    assert (minigrad.tensor([[1, 2]]) @ minigrad.tensor([[3], [4]])).tolist() == [[11]]


def test_float32_weights_give_float32_gradients():
    x = minigrad.randn(4, 3)
    w = minigrad.randn(3, 2, requires_grad=True)
    (x @ w).sum().backward()
    assert w.grad.dtype == minigrad.float32


@pytest.mark.parametrize(
    "shape_a, shape_b, message",
    [
        ((2, 3), (4, 5), r"matmul: cannot multiply shapes \(2, 3\) and \(4, 5\): the last dimension of the first"),
        ((2, 3), (2, 3), r"cannot multiply shapes \(2, 3\) and \(2, 3\).*did you mean the transpose"),
        ((3,), (4,), r"cannot multiply shapes \(3,\) and \(4,\).*only dimension of the second"),
        ((2, 3), (4,), r"cannot multiply shapes \(2, 3\) and \(4,\)"),
        ((2, 3, 4), (5, 4, 2), r"batch dimensions of shapes \(2, 3, 4\) and \(5, 4, 2\)"),
    ],
)
def test_shape_mismatch_names_both_shapes(shape_a, shape_b, message):
    with pytest.raises(minigrad.ShapeError, match=message):
        minigrad.ones(*shape_a) @ minigrad.ones(*shape_b)


def test_a_scalar_operand_says_use_star():
    with pytest.raises(minigrad.ShapeError, match=r"use \*"):
        minigrad.tensor(2.0) @ minigrad.ones(3)
