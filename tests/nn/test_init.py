"""nn.init: PyTorch's gains, fans and formulas; statistics of the draws; in place, no graph, seeded."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.nn import init


def big(*shape):
    return minigrad.zeros(*shape)


def values(t):
    return t.detach().numpy()


# ------------------------------------------------------------ gain and fans
@pytest.mark.parametrize(
    "nonlinearity, param, gain",
    [
        ("linear", None, 1.0),
        ("conv1d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / (1 + 0.2**2))),
        ("leaky_relu", math.sqrt(5), math.sqrt(1 / 3)),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain_matches_pytorch(nonlinearity, param, gain):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-15)


def test_calculate_gain_refuses_what_it_does_not_know():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "0.1")


@pytest.mark.parametrize("shape, fans", [((3, 4), (4, 3)), ((8, 4, 5), (20, 40)), ((2, 3, 4, 5), (60, 40))])
def test_fans_multiply_channels_by_the_kernel_size(shape, fans):
    assert init._calculate_fan_in_and_fan_out(big(*shape)) == fans


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match=r"at least 2 dimensions.*\(5,\)"):
        init.xavier_uniform_(big(5))


def test_unknown_mode():
    with pytest.raises(ValueError, match="'fan_in' or 'fan_out'"):
        init.kaiming_uniform_(big(3, 4), mode="fan_avg")


# ------------------------------------------------------------- statistics
def test_uniform_and_normal():
    u = values(init.uniform_(big(300, 300), -2.0, 3.0))
    assert u.min() >= -2.0 and u.max() < 3.0 and u.mean() == pytest.approx(0.5, abs=0.02)
    n = values(init.normal_(big(300, 300), 1.0, 0.5))
    assert n.mean() == pytest.approx(1.0, abs=0.01) and n.std() == pytest.approx(0.5, rel=0.02)


def test_default_uniform_is_zero_to_one():
    u = values(init.uniform_(big(100, 100)))
    assert u.min() >= 0 and u.max() < 1


def test_constants():
    t = big(3, 4)
    np.testing.assert_array_equal(values(init.constant_(t, 0.25)), 0.25)
    np.testing.assert_array_equal(values(init.ones_(t)), 1)
    np.testing.assert_array_equal(values(init.zeros_(t)), 0)


def check_uniform(t, bound):
    v = values(t)
    assert np.abs(v).max() <= bound and np.abs(v).max() > 0.99 * bound
    assert v.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_xavier_uniform_bound_is_gain_sqrt_6_over_fan_in_plus_fan_out():
    check_uniform(init.xavier_uniform_(big(200, 400)), math.sqrt(6 / 600))
    check_uniform(init.xavier_uniform_(big(200, 400), gain=2.0), 2 * math.sqrt(6 / 600))


def test_xavier_normal_std_is_gain_sqrt_2_over_fan_in_plus_fan_out():
    v = values(init.xavier_normal_(big(200, 400), gain=5 / 3))
    assert v.mean() == pytest.approx(0, abs=0.003)
    assert v.std() == pytest.approx(5 / 3 * math.sqrt(2 / 600), rel=0.02)


def test_kaiming_uniform_bound_is_gain_sqrt_3_over_fan():
    # default a=0 with leaky_relu: gain sqrt(2), so bound = sqrt(6 / fan_in)
    check_uniform(init.kaiming_uniform_(big(200, 400)), math.sqrt(6 / 400))
    check_uniform(init.kaiming_uniform_(big(200, 400), mode="fan_out"), math.sqrt(6 / 200))
    check_uniform(init.kaiming_uniform_(big(200, 400), a=math.sqrt(5)), 1 / math.sqrt(400))
    check_uniform(init.kaiming_uniform_(big(50, 20, 3), nonlinearity="tanh"), 5 / 3 * math.sqrt(3 / 60))


def test_kaiming_normal_std_is_gain_over_sqrt_fan():
    v = values(init.kaiming_normal_(big(200, 400), nonlinearity="relu"))
    assert v.mean() == pytest.approx(0, abs=0.003)
    assert v.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    v = values(init.kaiming_normal_(big(200, 400), mode="fan_out", nonlinearity="relu"))
    assert v.std() == pytest.approx(math.sqrt(2 / 200), rel=0.02)


# -------------------------------------------- in place, no graph, seeded
def test_in_place_on_a_parameter_without_recording_a_graph():
    layer = nn.Linear(4, 3)
    weight = layer.weight
    returned = init.xavier_uniform_(layer.weight)
    assert returned is weight and layer.weight is weight
    assert weight.grad_fn is None and weight.requires_grad
    assert weight.dtype == minigrad.float32


def test_changing_a_weight_already_used_in_a_graph_is_detected():
    layer = nn.Linear(4, 3)
    loss = layer(minigrad.ones(2, 4)).sum()
    init.zeros_(layer.weight)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_manual_seed_repeats_every_draw():
    for fill in (init.uniform_, init.normal_, init.xavier_uniform_, init.xavier_normal_,
                 init.kaiming_uniform_, init.kaiming_normal_):
        minigrad.manual_seed(11)
        a = values(fill(big(5, 4)))
        minigrad.manual_seed(11)
        np.testing.assert_array_equal(a, values(fill(big(5, 4))), err_msg=fill.__name__)


def test_own_generator():
    a = values(init.normal_(big(5, 4), generator=minigrad.Generator(2)))
    minigrad.manual_seed(2)
    np.testing.assert_array_equal(a, values(init.normal_(big(5, 4))))
    np.testing.assert_array_equal(a, values(init.normal_(big(5, 4), generator=minigrad.Generator(2))))


def test_zero_element_tensor_is_a_warned_no_op():
    with pytest.warns(UserWarning, match="no-op"):
        init.kaiming_uniform_(big(0, 3))
