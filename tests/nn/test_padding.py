"""F.pad: PyTorch's last-dimension-first convention, constant values, cropping, gradient and errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import gradcheck
from minigrad.errors import ShapeError


def test_a_pair_pads_the_last_dimension():
    x = minigrad.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(F.pad(x, (1, 2)).numpy(), np.pad(x.numpy(), ((0, 0), (1, 2))))


def test_two_pairs_pad_the_last_dimension_first_then_the_one_before():
    x = minigrad.tensor(np.arange(24.0).reshape(2, 3, 4))
    y = F.pad(x, (1, 0, 2, 3), value=-1)
    expected = np.pad(x.numpy(), ((0, 0), (2, 3), (1, 0)), constant_values=-1)
    assert y.shape == (2, 8, 5)
    np.testing.assert_array_equal(y.numpy(), expected)


def test_negative_amounts_crop():
    x = minigrad.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(F.pad(x, (1, -1, 0, 1), value=9).numpy(), [[9, 0, 1], [9, 3, 4], [9, 9, 9]])


def test_dtype_is_kept():
    assert F.pad(minigrad.randn(2, 3), (1, 1)).dtype == minigrad.float32


def test_gradient_is_g_without_the_border(leaf, rng):
    x = leaf(2, 3)
    y = F.pad(x, (1, 2, 1, 0))
    g = rng.standard_normal(y.shape)
    y.backward(minigrad.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), g[1:, 1:4])


@pytest.mark.parametrize("pad", [(1, 1), (0, 2, 1, 0), (2, -1), (-1, 1, 1, 1, 0, 1)], ids=str)
def test_gradcheck(pad, leaf):
    assert gradcheck(lambda x: F.pad(x, pad, value=0.5), leaf(2, 3, 4))


def test_errors_name_the_padding_and_the_shape():
    x = minigrad.randn(2, 3)
    with pytest.raises(ValueError, match="even length"):
        F.pad(x, (1,))
    with pytest.raises(ValueError, match=r"3 dimensions.*\(2, 3\)"):
        F.pad(x, (1, 1, 1, 1, 1, 1))
    with pytest.raises(NotImplementedError, match="'constant'"):
        F.pad(x, (1, 1), mode="reflect")
    with pytest.raises(ShapeError, match="crop more"):
        F.pad(x, (2, -4))
