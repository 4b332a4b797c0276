"""Max and average pooling over time: values against plain loops, where the gradient goes (ties!), errors."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import gradcheck
from minigrad.errors import ShapeError


# --------------------------------------------------- plain-loop references
def naive_pool(x, kernel, stride, padding, reduce, count_include_pad=True):
    """Every window of the last axis, one at a time; padding positions are None."""
    length = x.shape[-1]
    l_out = (length + 2 * padding - kernel) // stride + 1
    y = np.zeros(x.shape[:-1] + (l_out,))
    for row in np.ndindex(x.shape[:-1]):
        for t in range(l_out):
            steps = [t * stride - padding + k for k in range(kernel)]
            values = [x[row][s] for s in steps if 0 <= s < length]
            if reduce == "max":
                y[row][t] = max(values)
            else:
                y[row][t] = sum(values) / (kernel if count_include_pad else len(values))
    return y


def naive_adaptive(x, out, reduce):
    length = x.shape[-1]
    y = np.zeros(x.shape[:-1] + (out,))
    for row in np.ndindex(x.shape[:-1]):
        for i in range(out):
            values = x[row][math.floor(i * length / out) : math.ceil((i + 1) * length / out)]
            y[row][i] = values.max() if reduce == "max" else values.mean()
    return y


def distinct(rng, *shape):
    """Values at least 0.1 apart: no ties, so finite differences never cross a change of maximum."""
    return minigrad.tensor(rng.permutation(np.prod(shape)).reshape(shape) * 0.1, requires_grad=True)


SLIDING = [(2, None, 0), (3, 1, 0), (3, 1, 1), (3, 2, 1), (4, 3, 2), (1, 1, 0), (5, 2, 2)]
SLIDING_IDS = [f"k{k}-s{s}-p{p}" for k, s, p in SLIDING]


# ------------------------------------------------------------- max pooling
@pytest.mark.parametrize("kernel, stride, padding", SLIDING, ids=SLIDING_IDS)
def test_max_pool_matches_a_plain_loop(kernel, stride, padding, leaf):
    x = leaf(2, 3, 9)
    y = F.max_pool1d(x, kernel, stride, padding)
    expected = naive_pool(x.detach().numpy(), kernel, stride or kernel, padding, "max")
    np.testing.assert_array_equal(y.detach().numpy(), expected)


def test_padding_is_never_the_maximum():
    # All values negative: a zero pad would win; PyTorch pads max pooling with -inf.
    x = minigrad.tensor([[[-3.0, -1.0, -2.0, -5.0]]])
    np.testing.assert_array_equal(F.max_pool1d(x, 2, 1, padding=1).numpy(), [[[-3, -1, -1, -2, -5]]])


@pytest.mark.parametrize("kernel, stride, padding", SLIDING, ids=SLIDING_IDS)
def test_gradcheck_max_pool_without_ties(kernel, stride, padding, rng):
    assert gradcheck(lambda x: F.max_pool1d(x, kernel, stride, padding), distinct(rng, 2, 3, 9))


def test_each_window_sends_its_gradient_to_its_first_maximum():
    x = minigrad.tensor([[[3.0, 3.0, 3.0, 1.0]]], requires_grad=True)
    F.max_pool1d(x, 2, 1).backward(minigrad.tensor([[[1.0, 10.0, 100.0]]]))
    # windows [3, 3], [3, 3], [3, 1]: each picks its first 3, never both.
    np.testing.assert_array_equal(x.grad.numpy(), [[[1, 10, 100, 0]]])


def test_overlapping_windows_add_up_at_a_shared_maximum():
    x = minigrad.tensor([[[1.0, 5.0, 2.0, 5.0, 3.0]]], requires_grad=True)
    F.max_pool1d(x, 3, 1).backward(minigrad.tensor([[[1.0, 10.0, 100.0]]]))
    # windows [1 5 2] -> step 1, [5 2 5] -> step 1 (first of the tie), [2 5 3] -> step 3.
    np.testing.assert_array_equal(x.grad.numpy(), [[[0, 11, 0, 100, 0]]])


def test_ties_in_non_overlapping_windows_and_rows():
    x = minigrad.tensor(np.array([[[2.0, 2.0, 0.0, 0.0]], [[1.0, 7.0, 7.0, 7.0]]]), requires_grad=True)
    F.max_pool1d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[1, 0, 1, 0]], [[0, 1, 1, 0]]])


# ---------------------------------------------------------- max over time
def test_max_over_time_is_adaptive_max_pool_with_one_bin(leaf):
    x = leaf(4, 5, 11)
    y = F.adaptive_max_pool1d(x, 1)
    assert y.shape == (4, 5, 1)
    np.testing.assert_array_equal(y.detach().numpy()[..., 0], x.detach().numpy().max(axis=2))
    values, _ = x.max(dim=2)
    np.testing.assert_array_equal(y.detach().numpy()[..., 0], values.detach().numpy())


def test_max_over_time_gradient_goes_to_the_first_maximum_only():
    x = minigrad.tensor([[[4.0, 1.0, 4.0, 4.0], [0.0, 0.0, 0.0, 0.0]]], requires_grad=True)
    F.adaptive_max_pool1d(x, 1).backward(minigrad.tensor([[[2.0], [3.0]]]))
    np.testing.assert_array_equal(x.grad.numpy(), [[[2, 0, 0, 0], [3, 0, 0, 0]]])


def test_max_over_time_gradient_on_every_device(device):
    x = minigrad.tensor([[[4.0, 1.0, 4.0, 4.0], [0.0, 5.0, 0.0, 0.0]]], requires_grad=True, device=device)
    F.adaptive_max_pool1d(x, 1).backward(minigrad.tensor([[[2.0], [3.0]]], device=device))
    np.testing.assert_array_equal(x.grad.cpu().numpy(), [[[2, 0, 0, 0], [0, 3, 0, 0]]])


# ------------------------------------------------------------ avg pooling
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("kernel, stride, padding", SLIDING, ids=SLIDING_IDS)
def test_avg_pool_matches_a_plain_loop(kernel, stride, padding, count_include_pad, leaf):
    x = leaf(2, 3, 9)
    y = F.avg_pool1d(x, kernel, stride, padding, count_include_pad)
    expected = naive_pool(x.detach().numpy(), kernel, stride or kernel, padding, "avg", count_include_pad)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12)


def test_count_include_pad_decides_whether_padded_zeros_are_averaged():
    x = minigrad.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]])
    np.testing.assert_allclose(F.avg_pool1d(x, 3, 2, 1).numpy(), [[[1, 3, 3]]])  # (0+1+2)/3, (2+3+4)/3, (4+5+0)/3
    np.testing.assert_allclose(F.avg_pool1d(x, 3, 2, 1, count_include_pad=False).numpy(), [[[1.5, 3, 4.5]]])


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("kernel, stride, padding", SLIDING, ids=SLIDING_IDS)
def test_gradcheck_avg_pool(kernel, stride, padding, count_include_pad, leaf):
    assert gradcheck(lambda x: F.avg_pool1d(x, kernel, stride, padding, count_include_pad), leaf(2, 3, 9))


# ------------------------------------------------------- adaptive pooling
@pytest.mark.parametrize("length, out", [(10, 1), (10, 3), (5, 3), (7, 7), (4, 6), (9, 4)], ids=str)
@pytest.mark.parametrize("reduce", ["max", "avg"])
def test_adaptive_pooling_uses_pytorchs_bins(length, out, reduce, leaf):
    # Bin i covers floor(i L / out) .. ceil((i + 1) L / out) - 1; bins may overlap (L=5, out=3).
    x = leaf(2, 3, length)
    fn = F.adaptive_max_pool1d if reduce == "max" else F.adaptive_avg_pool1d
    np.testing.assert_allclose(fn(x, out).detach().numpy(), naive_adaptive(x.detach().numpy(), out, reduce), rtol=1e-12)


@pytest.mark.parametrize("length, out", [(10, 3), (5, 3), (4, 6), (9, 4), (12, 4), (7, 1)], ids=str)
def test_gradcheck_adaptive_pooling(length, out, rng, leaf):
    assert gradcheck(lambda x: F.adaptive_max_pool1d(x, out), distinct(rng, 2, 2, length))
    assert gradcheck(lambda x: F.adaptive_avg_pool1d(x, out), leaf(2, 2, length))


def test_overlapping_adaptive_bins_share_the_gradient():
    # L=5, 3 bins: [0, 2), [1, 4), [3, 5): steps 1 and 3 are in two bins each.
    x = minigrad.tensor([[[0.0, 9.0, 0.0, 8.0, 0.0]]], requires_grad=True)
    F.adaptive_max_pool1d(x, 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[0, 2, 0, 1, 0]]])
    x.grad = None
    F.adaptive_avg_pool1d(x, 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[[1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2]]])


# ---------------------------------------------------------------- modules
def test_modules_call_their_functional_forms_and_stride_defaults_to_the_kernel(leaf):
    x = leaf(2, 3, 12)
    pairs = [
        (nn.MaxPool1d(3), F.max_pool1d(x, 3, 3)),
        (nn.MaxPool1d(3, 1, 1), F.max_pool1d(x, 3, 1, 1)),
        (nn.AvgPool1d(4, 2, 2, count_include_pad=False), F.avg_pool1d(x, 4, 2, 2, False)),
        (nn.AdaptiveMaxPool1d(1), F.adaptive_max_pool1d(x, 1)),
        (nn.AdaptiveAvgPool1d(5), F.adaptive_avg_pool1d(x, 5)),
    ]
    for layer, expected in pairs:
        np.testing.assert_array_equal(layer(x).detach().numpy(), expected.detach().numpy())
    assert nn.MaxPool1d(3)(x).shape == (2, 3, 4)


def test_unbatched_input_and_float32():
    y = F.max_pool1d(minigrad.randn(3, 8), 2)
    assert y.shape == (3, 4) and y.dtype == minigrad.float32
    assert F.avg_pool1d(minigrad.randn(2, 3, 8), 2).dtype == minigrad.float32
    assert F.adaptive_avg_pool1d(minigrad.randn(2, 3, 8), 3).dtype == minigrad.float32


def test_reprs():
    assert repr(nn.MaxPool1d(3, 2, 1)) == "MaxPool1d(kernel_size=3, stride=2, padding=1)"
    assert repr(nn.AvgPool1d(3)) == "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"
    assert repr(nn.AdaptiveMaxPool1d(1)) == "AdaptiveMaxPool1d(output_size=1)"
    assert repr(nn.AdaptiveAvgPool1d(2)) == "AdaptiveAvgPool1d(output_size=2)"


# ----------------------------------------------------------------- errors
def test_padding_beyond_half_the_kernel_is_refused():
    with pytest.raises(ValueError, match=r"padding=2.*half the kernel"):
        F.max_pool1d(minigrad.randn(1, 1, 8), 2, padding=2)
    with pytest.raises(ValueError, match="half the kernel"):
        F.avg_pool1d(minigrad.randn(1, 1, 8), 3, padding=2)


def test_a_sequence_shorter_than_the_window_names_the_lengths():
    with pytest.raises(ShapeError, match=r"length 2.*kernel_size=3"):
        F.max_pool1d(minigrad.randn(1, 1, 2), 3)


def test_wrong_number_of_dimensions():
    with pytest.raises(ShapeError, match=r"\(N, C, L\)"):
        F.max_pool1d(minigrad.randn(1, 2, 3, 8), 2)
    with pytest.raises(ShapeError, match="output_size"):
        F.adaptive_avg_pool1d(minigrad.randn(1, 2, 8), 0)
