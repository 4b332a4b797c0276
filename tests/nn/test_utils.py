"""nn.utils: gradient clipping by norm and by value, and parameters as one vector."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)


def with_grads(*grads):
    """Parameters whose .grad is set to ``grads`` (float64)."""
    params = []
    for g in grads:
        p = nn.Parameter(minigrad.zeros(len(g), dtype=minigrad.float64))
        p.grad = minigrad.tensor(np.array(g, dtype=np.float64))
        params.append(p)
    return params


def grads_of(params):
    return [p.grad.numpy() for p in params]


# --------------------------------------------------------- clip_grad_norm_
def test_norm_is_taken_over_all_gradients_together_and_they_are_scaled_together():
    params = with_grads([3.0], [4.0, 0.0])  # joint 2-norm 5
    total = clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, minigrad.Tensor) and total.item() == pytest.approx(5.0)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(np.concatenate(grads_of(params)), [3 * scale, 4 * scale, 0], rtol=1e-12)


def test_gradients_below_max_norm_are_unchanged():
    params = with_grads([0.3, -0.4])
    assert clip_grad_norm_(params, max_norm=1.0).item() == pytest.approx(0.5)
    np.testing.assert_array_equal(grads_of(params)[0], [0.3, -0.4])


@pytest.mark.parametrize(
    "norm_type, total", [(1, 9.0), (2.0, math.sqrt(29)), (3, 99 ** (1 / 3)), (float("inf"), 4.0), ("inf", 4.0)]
)
def test_norm_types(norm_type, total):
    params = with_grads([2.0, -3.0], [-4.0])
    assert clip_grad_norm_(params, 1.0, norm_type=norm_type).item() == pytest.approx(total, rel=1e-12)
    joined = np.concatenate(grads_of(params))
    np.testing.assert_allclose(joined, np.array([2.0, -3.0, -4.0]) / (total + 1e-6), rtol=1e-12)


def test_parameters_without_grad_are_skipped_and_a_single_tensor_is_accepted():
    p = with_grads([6.0, 8.0])[0]
    frozen = nn.Parameter(minigrad.zeros(2))
    assert clip_grad_norm_([p, frozen], 5.0).item() == pytest.approx(10.0)
    assert frozen.grad is None
    assert clip_grad_norm_(p, 100.0).item() == pytest.approx(5.0, rel=1e-6)


def test_no_gradients_at_all_gives_zero():
    assert clip_grad_norm_([nn.Parameter(minigrad.zeros(2))], 1.0).item() == 0.0


def test_float32_gradients_give_a_float32_norm():
    p = nn.Parameter(minigrad.zeros(2))
    p.grad = minigrad.tensor([3.0, 4.0])
    assert clip_grad_norm_([p], 1.0).dtype == minigrad.float32


def test_nonfinite_norm_raises_only_when_asked():
    params = with_grads([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="nan.*detect_anomaly"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert math.isnan(clip_grad_norm_(params, 1.0).item())


def test_clipping_a_real_model_after_backward():
    minigrad.manual_seed(0)
    model = nn.Linear(10, 5)
    (model(minigrad.randn(8, 10)) * 100).sum().backward()
    before = clip_grad_norm_(model.parameters(), 0.5)
    assert before.item() > 0.5
    after = clip_grad_norm_(model.parameters(), 1e9)
    assert after.item() == pytest.approx(0.5, rel=1e-4)


# -------------------------------------------------------- clip_grad_value_
def test_clip_grad_value_clamps_every_entry():
    params = with_grads([-3.0, 0.5, 2.0], [10.0])
    assert clip_grad_value_(params, 1.0) is None
    np.testing.assert_array_equal(np.concatenate(grads_of(params)), [-1.0, 0.5, 1.0, 1.0])


# -------------------------------------------- parameters as a flat vector
def test_parameters_to_vector_and_back():
    model = nn.Linear(3, 2)
    vec = parameters_to_vector(model.parameters())
    assert vec.shape == (8,)
    np.testing.assert_array_equal(vec.detach().numpy()[:6], model.weight.detach().numpy().reshape(-1))
    vector_to_parameters(minigrad.arange(8).double(), model.parameters())
    np.testing.assert_array_equal(model.weight.detach().numpy(), [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(model.bias.detach().numpy(), [6, 7])
    assert model.weight.dtype == minigrad.float32


def test_parameters_to_vector_is_differentiable():
    model = nn.Linear(3, 2)
    (parameters_to_vector(model.parameters()) * 2).sum().backward()
    np.testing.assert_array_equal(model.weight.grad.numpy(), 2)


def test_vector_of_the_wrong_length():
    with pytest.raises(ValueError, match="7 values but the parameters hold 8"):
        vector_to_parameters(minigrad.zeros(7), nn.Linear(3, 2).parameters())
