"""BatchNorm1d and LayerNorm: normalised values, the fused backward, running statistics, modes and errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import gradcheck


def normalise(x, axes, eps=1e-5):
    """(x - mean) / sqrt(biased var + eps) over ``axes``, by the definition."""
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def channel(v, ndim):
    """A per-channel vector (C,) shaped to broadcast over (N, C) or (N, C, L)."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def bn64(*args, **kwargs):
    return nn.BatchNorm1d(*args, dtype=minigrad.float64, **kwargs)


# --------------------------------------------------- BatchNorm1d, training
@pytest.mark.parametrize("shape, axes", [((6, 3), (0,)), ((4, 3, 5), (0, 2))], ids=["2-D", "3-D"])
def test_training_normalises_each_channel_with_batch_statistics(shape, axes, leaf, rng):
    x, w, b = leaf(*shape), leaf(3), leaf(3)
    y = F.batch_norm(x, None, None, w, b, training=True)
    expected = normalise(x.detach().numpy(), axes) * channel(w.detach().numpy(), len(shape))
    expected += channel(b.detach().numpy(), len(shape))
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-10)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)], ids=["2-D", "3-D"])
def test_gradcheck_training_mode(shape, leaf):
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (leaf(*shape), leaf(3), leaf(3)))
    assert gradcheck(lambda x: F.batch_norm(x, None, None, training=True), leaf(*shape))


def test_gradcheck_training_mode_through_the_module():
    layer = bn64(3)
    x = minigrad.randn(4, 3, 5, dtype=minigrad.float64).requires_grad_()
    assert gradcheck(lambda x, w, b: F.batch_norm(x, layer.running_mean, layer.running_var, w, b, True),
                     (x, layer.weight, layer.bias))


def test_gradient_of_a_training_batch_sums_to_zero_over_the_batch(leaf, rng):
    # The mean is subtracted, so shifting a channel's inputs together changes nothing: sum_n dL/dx = 0.
    x = leaf(8, 3)
    F.batch_norm(x, None, None, training=True).backward(minigrad.tensor(rng.standard_normal((8, 3))))
    np.testing.assert_allclose(x.grad.numpy().sum(axis=0), 0, atol=1e-12)


def test_running_statistics_follow_the_momentum_rule(rng):
    layer = bn64(3)
    x1, x2 = rng.normal(2.0, 3.0, (5, 3, 4)), rng.normal(-1.0, 0.5, (5, 3, 4))
    layer(minigrad.tensor(x1))
    layer(minigrad.tensor(x2))
    # By hand: start at mean 0, var 1; running = 0.9 * running + 0.1 * batch; the unbiased variance (n - 1).
    mean, var = np.zeros(3), np.ones(3)
    for x in (x1, x2):
        mean = 0.9 * mean + 0.1 * x.mean(axis=(0, 2))
        var = 0.9 * var + 0.1 * x.var(axis=(0, 2), ddof=1)
    np.testing.assert_allclose(layer.running_mean.numpy(), mean, rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.numpy(), var, rtol=1e-12)
    assert layer.num_batches_tracked.item() == 2 and layer.num_batches_tracked.dtype == minigrad.int64


def test_momentum_none_keeps_a_cumulative_average(rng):
    layer = bn64(2, momentum=None)
    batches = [rng.normal(i, 1.0 + i, (4, 2)) for i in range(3)]
    for x in batches:
        layer(minigrad.tensor(x))
    np.testing.assert_allclose(layer.running_mean.numpy(), np.mean([x.mean(axis=0) for x in batches], axis=0))
    np.testing.assert_allclose(layer.running_var.numpy(), np.mean([x.var(axis=0, ddof=1) for x in batches], axis=0))


def test_the_functional_form_updates_running_statistics_in_place(rng):
    mean, var = minigrad.zeros(3, dtype=minigrad.float64), minigrad.ones(3, dtype=minigrad.float64)
    x = rng.standard_normal((6, 3))
    F.batch_norm(minigrad.tensor(x), mean, var, training=True, momentum=0.5)
    np.testing.assert_allclose(mean.numpy(), 0.5 * x.mean(axis=0))
    np.testing.assert_allclose(var.numpy(), 0.5 + 0.5 * x.var(axis=0, ddof=1))


# ------------------------------------------------------ BatchNorm1d, eval
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)], ids=["2-D", "3-D"])
def test_eval_uses_the_running_statistics(shape, rng):
    layer = bn64(3)
    for _ in range(3):
        layer(minigrad.tensor(rng.normal(1.0, 2.0, shape)))
    layer.eval()
    before = layer.running_mean.numpy().copy()
    x = rng.standard_normal(shape)
    y = layer(minigrad.tensor(x)).detach().numpy()
    rm, rv = (channel(t.numpy(), len(shape)) for t in (layer.running_mean, layer.running_var))
    np.testing.assert_allclose(y, (x - rm) / np.sqrt(rv + 1e-5), rtol=1e-12)
    np.testing.assert_array_equal(layer.running_mean.numpy(), before)  # evaluation changes nothing
    assert layer.num_batches_tracked.item() == 3


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)], ids=["2-D", "3-D"])
def test_gradcheck_eval_mode(shape, leaf, rng):
    mean = minigrad.tensor(rng.standard_normal(3))
    var = minigrad.tensor(rng.uniform(0.5, 2.0, 3))
    assert gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b, training=False), (leaf(*shape), leaf(3), leaf(3)))


def test_without_running_statistics_batch_statistics_are_used_even_in_eval(rng):
    layer = bn64(3, track_running_stats=False, affine=False).eval()
    assert layer.running_mean is None and list(layer.state_dict()) == []
    x = rng.standard_normal((5, 3))
    np.testing.assert_allclose(layer(minigrad.tensor(x)).numpy(), normalise(x, (0,)), rtol=1e-12)


def test_parameters_buffers_and_repr():
    layer = nn.BatchNorm1d(4)
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    np.testing.assert_array_equal(layer.weight.detach().numpy(), 1)
    np.testing.assert_array_equal(layer.bias.detach().numpy(), 0)
    np.testing.assert_array_equal(layer.running_var.numpy(), 1)
    assert layer.running_mean.dtype == minigrad.float32 and not layer.running_mean.requires_grad
    assert nn.BatchNorm1d(4, affine=False).weight is None
    assert repr(layer) == "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"


# ---------------------------------------------------- BatchNorm1d, errors
@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1)], ids=str)
def test_training_on_a_single_value_per_channel_is_an_error(shape):
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*eval"):
        nn.BatchNorm1d(3)(minigrad.randn(*shape))
    nn.BatchNorm1d(3).eval()(minigrad.randn(*shape))  # fine with running statistics
    nn.BatchNorm1d(3)(minigrad.randn(1, 3, 2))  # and fine with 2 values per channel


def test_channel_mismatch_and_wrong_rank():
    with pytest.raises(ValueError, match=r"4 channels.*num_features=3"):
        nn.BatchNorm1d(3)(minigrad.randn(2, 4))
    with pytest.raises(ValueError, match=r"\(N, C\) or \(N, C, L\)"):
        nn.BatchNorm1d(3)(minigrad.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"running_mean has shape \(3,\).*\(4,\)"):
        F.batch_norm(minigrad.randn(2, 4), minigrad.zeros(3), minigrad.ones(3))


# ---------------------------------------------------------------- LayerNorm
@pytest.mark.parametrize("shape, normalized", [((4, 5), 5), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4))], ids=str)
def test_layer_norm_normalises_each_example_over_its_last_dimensions(shape, normalized, leaf):
    k = 1 if isinstance(normalized, int) else len(normalized)
    pshape = shape[len(shape) - k :]
    x, w, b = leaf(*shape), leaf(*pshape), leaf(*pshape)
    y = F.layer_norm(x, normalized, w, b)
    axes = tuple(range(len(shape) - k, len(shape)))
    expected = normalise(x.detach().numpy(), axes) * w.detach().numpy() + b.detach().numpy()
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-10)
    assert gradcheck(lambda x, w, b: F.layer_norm(x, normalized, w, b), (x, w, b))
    assert gradcheck(lambda x: F.layer_norm(x, normalized), x)


def test_layer_norm_module():
    layer = nn.LayerNorm(5)
    assert layer.weight.shape == (5,) and layer.bias.shape == (5,)
    x = minigrad.randn(3, 5)
    expected = F.layer_norm(x, (5,), layer.weight, layer.bias).detach().numpy()
    np.testing.assert_array_equal(layer(x).detach().numpy(), expected)
    assert repr(layer) == "LayerNorm((5,), eps=1e-05, elementwise_affine=True)"
    assert nn.LayerNorm((3, 4), elementwise_affine=False).weight is None
    assert layer(x).dtype == minigrad.float32


def test_layer_norm_shape_errors():
    with pytest.raises(ValueError, match=r"must end in normalized_shape \(5,\)"):
        F.layer_norm(minigrad.randn(3, 4), 5)
    with pytest.raises(ValueError, match="weight"):
        F.layer_norm(minigrad.randn(3, 4), 4, minigrad.ones(3))
