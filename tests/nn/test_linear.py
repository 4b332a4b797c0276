"""nn.Linear and F.linear: y = x W^T + b, its gradients, PyTorch's initialisation, and shape errors."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import gradcheck


# ------------------------------------------------------------------ forward
@pytest.mark.parametrize("shape", [(5,), (2, 5), (2, 3, 5)], ids=str)
def test_linear_computes_x_times_w_transposed_plus_b(shape, leaf, device):
    x, w, b = leaf(*shape, device=device), leaf(4, 5, device=device), leaf(4, device=device)
    y = F.linear(x, w, b)
    expected = x.detach().numpy() @ w.detach().numpy().T + b.detach().numpy()
    assert y.shape == shape[:-1] + (4,)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12)


def test_linear_without_bias_is_a_matrix_product(leaf):
    x, w = leaf(3, 5), leaf(4, 5)
    np.testing.assert_allclose(F.linear(x, w).detach().numpy(), x.detach().numpy() @ w.detach().numpy().T)


def test_module_forward_is_the_functional_form():
    layer = nn.Linear(5, 4)
    x = minigrad.randn(3, 5)
    np.testing.assert_array_equal(layer(x).detach().numpy(), F.linear(x, layer.weight, layer.bias).detach().numpy())


def test_float32_stays_float32():
    y = nn.Linear(5, 4)(minigrad.randn(3, 5))
    assert y.dtype == minigrad.float32


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("shape", [(5,), (3, 5), (2, 3, 5)], ids=str)
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
def test_gradcheck_over_input_weight_and_bias(shape, bias, leaf, device):
    x, w = leaf(*shape, device=device), leaf(4, 5, device=device)
    if bias:
        assert gradcheck(F.linear, (x, w, leaf(4, device=device)))
    else:
        assert gradcheck(F.linear, (x, w))


def test_gradcheck_when_only_the_parameters_require_grad(leaf):
    x = leaf(2, 3, 5).detach()
    assert gradcheck(lambda w, b: F.linear(x, w, b), (leaf(4, 5), leaf(4)))


def test_weight_gradient_sums_over_every_batch_dimension(leaf):
    layer = nn.Linear(5, 4, dtype=minigrad.float64)
    x = leaf(2, 3, 5)
    g = np.random.default_rng(1).standard_normal((2, 3, 4))
    layer(x).backward(minigrad.tensor(g))
    xs, gs = x.detach().numpy().reshape(-1, 5), g.reshape(-1, 4)
    np.testing.assert_allclose(layer.weight.grad.numpy(), gs.T @ xs, rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad.numpy(), gs.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), g @ layer.weight.detach().numpy(), rtol=1e-12)


# ----------------------------------------------------------- initialisation
def test_parameter_shapes_and_dtype():
    layer = nn.Linear(5, 4)
    assert layer.weight.shape == (4, 5) and layer.bias.shape == (4,)
    assert layer.weight.dtype == minigrad.float32 and layer.weight.requires_grad
    assert nn.Linear(5, 4, dtype=minigrad.float64).weight.dtype == minigrad.float64
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]


def test_no_bias_means_no_bias_parameter():
    layer = nn.Linear(5, 4, bias=False)
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]


def test_init_is_uniform_within_one_over_sqrt_fan_in():
    # PyTorch: kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(in), 1/sqrt(in)) for the weight; the bias has the same bound.
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        values = p.detach().numpy()
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.95 * bound
    std = layer.weight.detach().numpy().std()
    assert std == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_init_repeats_under_manual_seed():
    minigrad.manual_seed(7)
    a = nn.Linear(6, 3)
    minigrad.manual_seed(7)
    b = nn.Linear(6, 3)
    c = nn.Linear(6, 3)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    np.testing.assert_array_equal(a.bias.detach().numpy(), b.bias.detach().numpy())
    assert not np.array_equal(a.weight.detach().numpy(), c.weight.detach().numpy())


def test_repr_like_pytorch():
    assert repr(nn.Linear(5, 4)) == "Linear(in_features=5, out_features=4, bias=True)"
    assert repr(nn.Linear(5, 4, bias=False)) == "Linear(in_features=5, out_features=4, bias=False)"


# ------------------------------------------------------------------- errors
def test_in_features_mismatch_names_both_shapes():
    layer = nn.Linear(4, 3)
    with pytest.raises(minigrad.ShapeError) as err:
        layer(minigrad.randn(2, 5))
    message = str(err.value)
    assert "linear" in message and "(2, 5)" in message and "(3, 4)" in message and "in_features=4" in message


def test_bias_of_the_wrong_size_is_a_shape_error(leaf):
    with pytest.raises(minigrad.ShapeError, match=r"bias has shape \(3,\).*\(4,\)"):
        F.linear(leaf(2, 5), leaf(4, 5), leaf(3))


def test_weight_must_be_a_matrix(leaf):
    with pytest.raises(minigrad.ShapeError, match="2-D"):
        F.linear(leaf(2, 5), leaf(5))


def test_mixed_dtypes_are_refused_as_in_pytorch():
    layer = nn.Linear(5, 4)
    with pytest.raises(TypeError, match=r"float64.*float32.*\.float\(\)"):
        layer(minigrad.randn(2, 5, dtype=minigrad.float64))
