"""nn.Flatten, nn.Unflatten and nn.Identity: shape-only layers."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad import gradcheck


def test_flatten_keeps_the_batch_dimension_by_default(leaf):
    x = leaf(2, 3, 4)
    y = nn.Flatten()(x)
    assert y.shape == (2, 12)
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy().reshape(2, 12))


@pytest.mark.parametrize("start, end, shape", [(0, -1, (24,)), (1, 2, (2, 12)), (0, 1, (6, 4)), (-2, -1, (2, 12))])
def test_flatten_a_range_of_dimensions(start, end, shape, leaf):
    assert nn.Flatten(start, end)(leaf(2, 3, 4)).shape == shape


def test_flatten_gradcheck(leaf):
    assert gradcheck(nn.Flatten(), (leaf(2, 3, 2),))


def test_flatten_start_after_end_is_an_error(leaf):
    with pytest.raises(ValueError, match="start_dim=2 comes after end_dim=1"):
        nn.Flatten(2, 1)(leaf(2, 3, 4))


def test_unflatten_splits_one_dimension(leaf):
    x = leaf(2, 12)
    y = nn.Unflatten(1, (3, 4))(x)
    assert y.shape == (2, 3, 4)
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy().reshape(2, 3, 4))
    assert nn.Unflatten(-1, (-1, 2))(x).shape == (2, 6, 2)
    assert gradcheck(nn.Unflatten(1, (3, 4)), (x,))


def test_unflatten_sizes_must_multiply_to_the_dimension(leaf):
    with pytest.raises(minigrad.ShapeError, match=r"dimension 1 \(size 12\).*\(5, 2\)"):
        nn.Unflatten(1, (5, 2))(leaf(2, 12))


def test_flatten_then_unflatten_round_trips(leaf):
    x = leaf(2, 3, 4)
    model = nn.Sequential(nn.Flatten(), nn.Unflatten(1, (3, 4)))
    np.testing.assert_array_equal(model(x).detach().numpy(), x.detach().numpy())


def test_identity_returns_its_input_and_ignores_arguments(leaf):
    x = leaf(3)
    assert nn.Identity(54, unused="argument")(x) is x


def test_reprs_like_pytorch():
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Unflatten(1, (2, 5))) == "Unflatten(dim=1, unflattened_size=(2, 5))"
    assert repr(nn.Identity()) == "Identity()"
