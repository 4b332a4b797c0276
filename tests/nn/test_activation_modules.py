"""Activation modules: each one is its function from minigrad.ops.activation, with PyTorch's repr."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad import gradcheck

# module, the function it must equal, PyTorch's repr of the module
MODULES = [
    (nn.ReLU(), minigrad.relu, "ReLU()"),
    (nn.LeakyReLU(), minigrad.leaky_relu, "LeakyReLU(negative_slope=0.01)"),
    (nn.LeakyReLU(0.2), lambda x: minigrad.leaky_relu(x, 0.2), "LeakyReLU(negative_slope=0.2)"),
    (nn.Tanh(), minigrad.tanh, "Tanh()"),
    (nn.Sigmoid(), minigrad.sigmoid, "Sigmoid()"),
    (nn.GELU(), minigrad.gelu, "GELU(approximate='none')"),
    (nn.GELU("tanh"), lambda x: minigrad.gelu(x, "tanh"), "GELU(approximate='tanh')"),
    (nn.ELU(), minigrad.elu, "ELU(alpha=1.0)"),
    (nn.ELU(0.5), lambda x: minigrad.elu(x, 0.5), "ELU(alpha=0.5)"),
    (nn.Softplus(), minigrad.softplus, "Softplus(beta=1.0, threshold=20.0)"),
    (nn.Softplus(2.0, 10.0), lambda x: minigrad.softplus(x, 2.0, 10.0), "Softplus(beta=2.0, threshold=10.0)"),
    (nn.Softmax(dim=1), lambda x: minigrad.softmax(x, 1), "Softmax(dim=1)"),
    (nn.LogSoftmax(dim=-1), lambda x: minigrad.log_softmax(x, -1), "LogSoftmax(dim=-1)"),
]
IDS = [m[2] for m in MODULES]


def away_from_zero(x):
    """Keep finite differences off the kinks at 0 of ReLU, LeakyReLU and ELU."""
    values = x.detach().numpy()
    return minigrad.tensor(np.where(np.abs(values) < 0.05, 0.1, values), requires_grad=True)


@pytest.mark.parametrize("module, function, text", MODULES, ids=IDS)
def test_module_equals_its_function(module, function, text, leaf):
    x = leaf(3, 4)
    np.testing.assert_array_equal(module(x).detach().numpy(), function(x).detach().numpy())


@pytest.mark.parametrize("module, function, text", MODULES, ids=IDS)
def test_gradcheck_through_the_module(module, function, text, leaf):
    assert gradcheck(module, (away_from_zero(leaf(3, 4)),))


@pytest.mark.parametrize("module, function, text", MODULES, ids=IDS)
def test_repr_like_pytorch(module, function, text):
    assert repr(module) == text


def test_modules_have_no_parameters():
    assert all(list(module.parameters()) == [] for module, _, _ in MODULES)


def test_softmax_module_normalises_along_its_dim(leaf):
    np.testing.assert_allclose(nn.Softmax(dim=0)(leaf(3, 4)).detach().numpy().sum(axis=0), 1.0)


def test_softmax_without_dim_asks_for_one(leaf):
    with pytest.raises(TypeError, match="dim"):
        nn.Softmax()(leaf(3, 4))


def test_gelu_refuses_unknown_approximation():
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        nn.GELU("fast")


def test_inside_sequential(leaf):
    model = nn.Sequential(nn.Tanh(), nn.ReLU())
    x = leaf(2, 3)
    np.testing.assert_array_equal(model(x).detach().numpy(), np.maximum(np.tanh(x.detach().numpy()), 0))
