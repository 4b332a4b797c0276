"""Activations and softmax: values against NumPy formulas, gradients, kinks, and numerical stability."""
import math

import numpy as np
import pytest

import minigrad
from minigrad import gradcheck

erf = np.vectorize(math.erf)


def np_sigmoid(v):
    return 1 / (1 + np.exp(-v))


def np_softmax(v, axis):
    e = np.exp(v - v.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# name, op, NumPy formula, kinks to keep finite differences away from
ACTIVATIONS = [
    ("tanh", minigrad.tanh, np.tanh, []),
    ("sigmoid", minigrad.sigmoid, np_sigmoid, []),
    ("relu", minigrad.relu, lambda v: np.maximum(v, 0), [0.0]),
    ("leaky_relu", minigrad.leaky_relu, lambda v: np.where(v > 0, v, 0.01 * v), [0.0]),
    ("leaky_relu 0.2", lambda x: minigrad.leaky_relu(x, 0.2), lambda v: np.where(v > 0, v, 0.2 * v), [0.0]),
    ("gelu", minigrad.gelu, lambda v: 0.5 * v * (1 + erf(v / np.sqrt(2))), []),
    (
        "gelu tanh",
        lambda x: minigrad.gelu(x, approximate="tanh"),
        lambda v: 0.5 * v * (1 + np.tanh(np.sqrt(2 / np.pi) * (v + 0.044715 * v**3))),
        [],
    ),
    ("elu", minigrad.elu, lambda v: np.where(v > 0, v, np.exp(v) - 1), [0.0]),
    ("elu 0.5", lambda x: minigrad.elu(x, alpha=0.5), lambda v: np.where(v > 0, v, 0.5 * (np.exp(v) - 1)), [0.0]),
    ("softplus", minigrad.softplus, lambda v: np.log1p(np.exp(v)), []),
    ("softplus beta 2", lambda x: minigrad.softplus(x, beta=2.0), lambda v: np.log1p(np.exp(2 * v)) / 2, []),
]


def away_from_kinks(x, kinks):
    values = x.detach().numpy()
    for kink in kinks:
        values = np.where(np.abs(values - kink) < 0.05, kink + 0.1, values)
    return minigrad.tensor(values, requires_grad=True, device=x.device)


@pytest.mark.parametrize("name, op, formula, kinks", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@pytest.mark.parametrize("shape", [(), (7,), (2, 1, 3)], ids=str)
def test_values_and_gradients(name, op, formula, kinks, shape, leaf, device):
    x = away_from_kinks(leaf(*shape, low=-3.0, high=3.0, device=device), kinks)
    np.testing.assert_allclose(op(x).detach().numpy(), formula(x.detach().numpy()), rtol=1e-10, atol=1e-12)
    assert gradcheck(op, (x,))


@pytest.mark.parametrize("name, op, formula, kinks", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_float32_in_float32_out(name, op, formula, kinks):
    x = minigrad.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = op(x)
    assert y.dtype == minigrad.float32
    y.sum().backward()
    assert x.grad.dtype == minigrad.float32


def test_tensor_methods():
    x = minigrad.tensor([-1.0, 2.0])
    assert x.relu().tolist() == [0.0, 2.0]
    np.testing.assert_allclose(x.tanh().numpy(), np.tanh([-1.0, 2.0]), rtol=1e-6)
    np.testing.assert_allclose(x.sigmoid().numpy(), np_sigmoid(np.array([-1.0, 2.0])), rtol=1e-6)


# ------------------------------------------------------------------ kinks
def grad_at(op, values):
    x = minigrad.tensor(values, dtype=minigrad.float64, requires_grad=True)
    op(x).sum().backward()
    return x.grad.tolist()


def test_relu_gradient_at_zero_is_zero():
    assert grad_at(minigrad.relu, [-1.0, 0.0, 2.0]) == [0.0, 0.0, 1.0]


def test_leaky_relu_gradient_at_zero_is_the_slope():
    assert grad_at(lambda x: minigrad.leaky_relu(x, 0.1), [-1.0, 0.0, 2.0]) == [0.1, 0.1, 1.0]


def test_elu_gradient_at_zero_is_alpha():
    assert grad_at(lambda x: minigrad.elu(x, alpha=0.5), [0.0]) == [0.5]


def test_step_is_the_perceptron_threshold_with_zero_gradient():
    x = minigrad.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    y = minigrad.step(x)
    assert y.tolist() == [0.0, 1.0, 1.0] and y.dtype == minigrad.float32
    (y * 5).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


# --------------------------------------------------------------- stability
def test_sigmoid_and_tanh_of_huge_inputs_are_finite_without_warnings():
    x = minigrad.tensor([-1000.0, 1000.0], dtype=minigrad.float64, requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert minigrad.sigmoid(x).tolist() == [0.0, 1.0]
        assert minigrad.tanh(x).tolist() == [-1.0, 1.0]
        minigrad.sigmoid(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_softplus_is_linear_above_the_threshold():
    x = minigrad.tensor([25.0, 1000.0], dtype=minigrad.float64, requires_grad=True)
    y = minigrad.softplus(x)  # beta * x > threshold = 20
    assert y.tolist() == [25.0, 1000.0]
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_softplus_threshold_and_beta_are_applied_together():
    x = minigrad.tensor([4.0, 6.0], dtype=minigrad.float64, requires_grad=True)
    y = minigrad.softplus(x, beta=2.0, threshold=10.0)  # 2 * 4 = 8 is below the threshold, 2 * 6 = 12 above
    np.testing.assert_allclose(y.detach().numpy(), [np.log1p(np.exp(8.0)) / 2, 6.0])
    assert gradcheck(lambda t: minigrad.softplus(t, beta=2.0, threshold=10.0), (x,))


def test_softplus_of_large_negative_inputs_is_tiny_and_finite():
    y = minigrad.softplus(minigrad.tensor([-1000.0, -30.0], dtype=minigrad.float64))
    np.testing.assert_allclose(y.numpy(), [0.0, np.exp(-30.0)], rtol=1e-10)


# ---------------------------------------------------------------- softmax
@pytest.mark.parametrize("shape, dim", [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1)], ids=str)
def test_softmax_and_log_softmax_values_and_gradients(shape, dim, leaf, device):
    x = leaf(*shape, device=device)
    v = x.detach().numpy()
    np.testing.assert_allclose(minigrad.softmax(x, dim=dim).detach().numpy(), np_softmax(v, dim), rtol=1e-12)
    np.testing.assert_allclose(
        minigrad.log_softmax(x, dim=dim).detach().numpy(), np.log(np_softmax(v, dim)), rtol=1e-12
    )
    np.testing.assert_allclose(x.softmax(dim).detach().numpy().sum(axis=dim), 1.0)
    assert gradcheck(lambda t: minigrad.softmax(t, dim=dim), (x,))
    assert gradcheck(lambda t: t.log_softmax(dim), (x,))


@pytest.mark.parametrize("op", [minigrad.softmax, minigrad.log_softmax])
def test_softmax_is_stable_for_logits_of_magnitude_1e4(op, rng):
    logits = rng.uniform(-1, 1, (3, 4)) * 1e4
    logits[0, 1] = logits[0, 2] = 1e4  # a tie at the top of one row
    x = minigrad.tensor(logits, requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y = op(x, dim=1)
    assert np.isfinite(y.detach().numpy()).all()
    (y * minigrad.tensor(rng.normal(size=(3, 4)))).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_softmax_gradcheck_at_large_logits(rng):
    # Logits near 1e4 that differ by a few units: the shift by the maximum must keep every digit.
    x = minigrad.tensor(1e4 + rng.uniform(-2, 2, (2, 5)), requires_grad=True)
    assert gradcheck(lambda t: t.softmax(dim=1), (x,))
    assert gradcheck(lambda t: t.log_softmax(dim=1), (x,))
    np.testing.assert_allclose(x.log_softmax(1).detach().numpy(), np.log(np_softmax(x.detach().numpy(), 1)))


def test_log_softmax_of_a_dominated_entry_is_large_and_finite():
    y = minigrad.log_softmax(minigrad.tensor([0.0, 1e4], dtype=minigrad.float64), dim=0)
    assert y.tolist() == [-1e4, 0.0]


def test_softmax_requires_a_dim():
    with pytest.raises(TypeError, match=r"dim=1"):
        minigrad.softmax(minigrad.ones(2, 3))


def test_softmax_dim_out_of_range():
    with pytest.raises(IndexError, match=r"softmax: dimension 2 is out of range"):
        minigrad.softmax(minigrad.ones(2, 3), dim=2)


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="approximate"):
        minigrad.gelu(minigrad.ones(2), approximate="fast")


def test_softmax_of_a_single_value_explains_what_it_needs():
    with pytest.raises(minigrad.ShapeError, match="softmax: needs a tensor with at least one dimension"):
        minigrad.tensor(2.0).softmax(dim=0)
