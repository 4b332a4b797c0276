"""nn.Conv1d and F.conv1d: values against a plain loop, gradients, PyTorch's 'same' padding, init and errors."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import gradcheck
from minigrad.errors import ShapeError


def naive_conv1d(x, w, b, stride, left, right, dilation):
    """y[n, o, t] = b[o] + sum_c sum_k w[o, c, k] * xpad[n, c, t*stride + k*dilation], one number at a time."""
    n, c_in, length = x.shape
    c_out, _, width = w.shape
    xpad = np.concatenate([np.zeros((n, c_in, left)), x, np.zeros((n, c_in, right))], axis=2)
    l_out = (xpad.shape[2] - dilation * (width - 1) - 1) // stride + 1
    y = np.zeros((n, c_out, l_out))
    for i in range(n):
        for o in range(c_out):
            for t in range(l_out):
                total = 0.0 if b is None else b[o]
                for c in range(c_in):
                    for k in range(width):
                        total += w[o, c, k] * xpad[i, c, t * stride + k * dilation]
                y[i, o, t] = total
    return y


# (kernel, stride, padding, dilation, left and right zeros that padding means)
OPTIONS = [
    (3, 1, 0, 1, 0, 0),
    (1, 1, 0, 1, 0, 0),
    (3, 2, 0, 1, 0, 0),
    (3, 1, 2, 1, 2, 2),
    (2, 3, 1, 1, 1, 1),  # stride beyond the kernel: some steps are read by no window
    (3, 2, 1, 2, 1, 1),
    (3, 1, "same", 1, 1, 1),
    (4, 1, "same", 1, 1, 2),  # even kernel: the extra zero goes on the right, as in PyTorch
    (2, 1, "same", 3, 1, 2),  # receptive field 4, also even
    (3, 1, "same", 2, 2, 2),
    (4, 1, "valid", 1, 0, 0),
]
IDS = [f"k{k}-s{s}-p{p}-d{d}" for k, s, p, d, _, _ in OPTIONS]


# ------------------------------------------------------------------ forward
@pytest.mark.parametrize("width, stride, padding, dilation, left, right", OPTIONS, ids=IDS)
def test_forward_matches_a_plain_loop(width, stride, padding, dilation, left, right, leaf):
    x, w, b = leaf(2, 3, 9), leaf(4, 3, width), leaf(4)
    y = F.conv1d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    expected = naive_conv1d(x.detach().numpy(), w.detach().numpy(), b.detach().numpy(), stride, left, right, dilation)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12, atol=1e-12)


def test_same_padding_keeps_the_length_and_puts_the_extra_zero_on_the_right():
    # A filter whose only non-zero tap is the first one copies x shifted by the left padding.
    x = minigrad.tensor(np.arange(1.0, 9.0).reshape(1, 1, 8))
    w = minigrad.tensor(np.array([[[1.0, 0.0, 0.0, 0.0]]]))
    y = F.conv1d(x, w, padding="same")
    assert y.shape == (1, 1, 8)
    # 3 zeros in all: 1 on the left, 2 on the right, so y[t] = x[t - 1].
    np.testing.assert_array_equal(y.numpy()[0, 0], [0, 1, 2, 3, 4, 5, 6, 7])


def test_no_bias_is_the_same_as_a_zero_bias(leaf):
    x, w = leaf(2, 3, 7), leaf(4, 3, 3)
    zero = minigrad.zeros(4, dtype=minigrad.float64)
    np.testing.assert_array_equal(F.conv1d(x, w).detach().numpy(), F.conv1d(x, w, zero).detach().numpy())


def test_an_input_permuted_from_batch_time_channels_gives_the_same_result(leaf):
    # The TextCNN path: embeddings (N, L, E) permuted to (N, E, L) are a non-contiguous view.
    emb, w, b = leaf(2, 7, 3), leaf(4, 3, 3), leaf(4)
    permuted = F.conv1d(emb.permute(0, 2, 1), w, b).detach().numpy()
    copied = F.conv1d(minigrad.tensor(np.ascontiguousarray(emb.detach().numpy().transpose(0, 2, 1))), w, b)
    np.testing.assert_allclose(permuted, copied.detach().numpy(), rtol=1e-12)


def test_an_unbatched_input_gives_an_unbatched_output(leaf):
    x, w, b = leaf(3, 9), leaf(4, 3, 2), leaf(4)
    y = F.conv1d(x, w, b)
    assert y.shape == (4, 8)
    np.testing.assert_allclose(y.detach().numpy(), F.conv1d(x.unsqueeze(0), w, b).detach().numpy()[0])


def test_float32_stays_float32():
    y = nn.Conv1d(3, 4, 2)(minigrad.randn(2, 3, 6))
    assert y.dtype == minigrad.float32 and y.shape == (2, 4, 5)


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("width, stride, padding, dilation, left, right", OPTIONS, ids=IDS)
def test_gradcheck_input_weight_and_bias(width, stride, padding, dilation, left, right, leaf):
    x, w, b = leaf(2, 3, 9), leaf(2, 3, width), leaf(2)
    assert gradcheck(lambda x, w, b: F.conv1d(x, w, b, stride, padding, dilation), (x, w, b))


def test_gradcheck_without_bias_and_for_weights_only(leaf):
    assert gradcheck(lambda x, w: F.conv1d(x, w, padding=1), (leaf(2, 3, 6), leaf(2, 3, 3)))
    x = leaf(2, 3, 6).detach()
    assert gradcheck(lambda w, b: F.conv1d(x, w, b, stride=2), (leaf(2, 3, 3), leaf(2)))


def test_gradcheck_through_a_permuted_input(leaf):
    assert gradcheck(lambda e, w: F.conv1d(e.permute(0, 2, 1), w, padding="same"), (leaf(2, 6, 3), leaf(2, 3, 4)))


def test_gradients_match_the_written_out_formulas(leaf, rng):
    x, w, b = leaf(2, 3, 7), leaf(4, 3, 3), leaf(4)
    y = F.conv1d(x, w, b)
    g = rng.standard_normal(y.shape)
    y.backward(minigrad.tensor(g))
    xs, ws = x.detach().numpy(), w.detach().numpy()
    grad_x, grad_w = np.zeros_like(xs), np.zeros_like(ws)
    for k in range(3):
        # dL/dx[n, c, t + k] += sum_o g[n, o, t] w[o, c, k];  dL/dw[o, c, k] = sum_{n, t} g[n, o, t] x[n, c, t + k]
        grad_x[:, :, k : k + 5] += np.einsum("not,oc->nct", g, ws[:, :, k])
        grad_w[:, :, k] = np.einsum("not,nct->oc", g, xs[:, :, k : k + 5])
    np.testing.assert_allclose(x.grad.numpy(), grad_x, rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), grad_w, rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), g.sum(axis=(0, 2)), rtol=1e-12)


# ------------------------------------------------------------------- module
def test_parameters_have_pytorchs_shapes_and_names():
    conv = nn.Conv1d(5, 7, 3)
    assert conv.weight.shape == (7, 5, 3) and conv.bias.shape == (7,)
    assert conv.weight.dtype == minigrad.float32
    assert [name for name, _ in conv.named_parameters()] == ["weight", "bias"]
    assert nn.Conv1d(5, 7, 3, bias=False).bias is None
    assert nn.Conv1d(5, 7, 3, dtype=minigrad.float64).weight.dtype == minigrad.float64


def test_initialisation_is_uniform_within_one_over_sqrt_fan_in():
    minigrad.manual_seed(0)
    conv = nn.Conv1d(20, 50, 5)
    bound = 1 / math.sqrt(20 * 5)
    for p in (conv.weight.detach().numpy(), conv.bias.detach().numpy()):
        assert np.abs(p).max() <= bound
    w = conv.weight.detach().numpy()
    assert np.abs(w).max() > 0.95 * bound  # the whole range is used ...
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # ... uniformly (std of U(-a, a) is a / sqrt(3))


def test_module_forward_is_the_functional_form():
    conv = nn.Conv1d(3, 4, 4, stride=1, padding="same", dilation=2)
    x = minigrad.randn(2, 3, 10)
    expected = F.conv1d(x, conv.weight, conv.bias, padding="same", dilation=2)
    np.testing.assert_array_equal(conv(x).detach().numpy(), expected.detach().numpy())


@pytest.mark.parametrize(
    "layer, text",
    [
        (nn.Conv1d(4, 6, 3), "Conv1d(4, 6, kernel_size=(3,), stride=(1,))"),
        (nn.Conv1d(4, 6, 4, padding="same", bias=False),
         "Conv1d(4, 6, kernel_size=(4,), stride=(1,), padding=same, bias=False)"),
        (nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2),
         "Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,))"),
        (nn.Conv1d(4, 6, 3, padding="valid"), "Conv1d(4, 6, kernel_size=(3,), stride=(1,), padding=valid)"),
    ],
)
def test_repr_matches_pytorch(layer, text):
    assert repr(layer) == text


# ------------------------------------------------------------------- errors
def test_a_sequence_shorter_than_the_kernel_names_both_lengths_and_suggests_padding():
    with pytest.raises(ShapeError, match=r"length 2.*5 steps.*[Pp]ad"):
        F.conv1d(minigrad.randn(3, 4, 2), minigrad.randn(6, 4, 5))


def test_dilation_counts_in_the_receptive_field():
    with pytest.raises(ShapeError, match="5 steps"):
        F.conv1d(minigrad.randn(1, 1, 4), minigrad.randn(1, 1, 3), dilation=2)
    assert F.conv1d(minigrad.randn(1, 1, 4), minigrad.randn(1, 1, 3), padding=1, dilation=2).shape == (1, 1, 2)


def test_a_channel_mismatch_names_both_channel_counts():
    with pytest.raises(ShapeError, match=r"5 channels.*4 input channels"):
        F.conv1d(minigrad.randn(2, 5, 8), minigrad.randn(6, 4, 3))


def test_an_unpermuted_text_batch_is_caught_with_a_hint():
    with pytest.raises(ShapeError, match=r"permute\(0, 2, 1\)"):
        nn.Conv1d(16, 8, 3)(minigrad.randn(2, 10, 16))


def test_same_padding_with_stride_is_refused_like_pytorch():
    with pytest.raises(ValueError, match="strided"):
        nn.Conv1d(4, 6, 3, stride=2, padding="same")


def test_bad_arguments_are_refused():
    x, w = minigrad.randn(1, 2, 6), minigrad.randn(3, 2, 2)
    with pytest.raises(ValueError, match="'full'"):
        F.conv1d(x, w, padding="full")
    with pytest.raises(ValueError, match="padding must be >= 0"):
        F.conv1d(x, w, padding=-1)
    with pytest.raises(ShapeError, match="bias"):
        F.conv1d(x, w, minigrad.randn(4))
    with pytest.raises(TypeError, match="float64.*float32|float32.*float64"):
        F.conv1d(x.double(), w)
    with pytest.raises(ShapeError, match=r"\(N, C_in, L\)"):
        F.conv1d(minigrad.randn(6), w)
