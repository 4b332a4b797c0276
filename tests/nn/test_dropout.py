"""nn.Dropout and F.dropout: inverted dropout in training, the identity in evaluation, seeded masks."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import gradcheck


def seeded_dropout(p):
    """Dropout whose mask is the same on every call, so finite differences see one function."""

    def fn(x):
        minigrad.manual_seed(0)
        return F.dropout(x, p)

    return fn


# ---------------------------------------------------------------- training
def test_kept_values_are_scaled_by_one_over_keep_probability():
    x = minigrad.ones(1000, 100)
    y = F.dropout(x, 0.25).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert (y == 0).mean() == pytest.approx(0.25, abs=0.01)
    assert y.mean() == pytest.approx(1.0, abs=0.02)  # the expected value is the input


def test_p_zero_keeps_everything_and_p_one_drops_everything(leaf):
    x = leaf(4, 5)
    np.testing.assert_array_equal(F.dropout(x, 0.0).detach().numpy(), x.detach().numpy())
    y = F.dropout(x, 1.0)
    np.testing.assert_array_equal(y.detach().numpy(), 0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0)


@pytest.mark.parametrize("device", ["cpu", "stand-in"])
def test_p_zero_returns_its_input_and_draws_nothing_as_pytorch_does(device, request):
    # So dropout turned off moves no random stream: the next draws (a DataLoader's shuffle, say) stay the same.
    if device == "stand-in":
        request.getfixturevalue("fake_cuda")
    x = minigrad.ones(3, 4, device="cpu" if device == "cpu" else "cuda", requires_grad=True)
    minigrad.manual_seed(5)
    untouched = minigrad.rand(3).numpy()
    minigrad.manual_seed(5)
    assert F.dropout(x, 0.0) is x and nn.Dropout(0.0).train()(x) is x
    np.testing.assert_array_equal(minigrad.rand(3).numpy(), untouched)


def test_gradient_flows_only_through_kept_elements(leaf):
    x = leaf(50, 20, low=1.0, high=2.0)
    y = F.dropout(x, 0.4)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy() / x.detach().numpy())


@pytest.mark.parametrize("p", [0.0, 0.3, 0.7, 1.0])
def test_gradcheck_under_a_fixed_seed(p, leaf):
    assert gradcheck(seeded_dropout(p), (leaf(3, 4),))


def test_float32_stays_float32():
    assert F.dropout(minigrad.ones(3, 3), 0.5).dtype == minigrad.float32


# ------------------------------------------------------------- determinism
def test_manual_seed_repeats_the_mask():
    x = minigrad.ones(20, 20)
    a = seeded_dropout(0.5)(x).numpy()
    b = seeded_dropout(0.5)(x).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, F.dropout(x, 0.5).numpy())  # no reseed: a fresh mask


def test_own_generator_leaves_the_global_one_alone():
    x = minigrad.ones(20, 20)
    a = F.dropout(x, 0.5, generator=minigrad.Generator(1)).numpy()
    b = F.dropout(x, 0.5, generator=minigrad.Generator(1)).numpy()
    np.testing.assert_array_equal(a, b)


# -------------------------------------------------------------- evaluation
def test_identity_when_not_training(leaf):
    x = leaf(3, 4)
    assert F.dropout(x, 0.5, training=False) is x


def test_module_follows_train_and_eval():
    model = nn.Sequential(nn.Dropout(0.5))
    x = minigrad.ones(10, 10)
    assert (model(x).numpy() == 0).any()
    model.eval()
    assert model(x) is x
    model.train()
    assert (model(x).numpy() == 0).any()


def test_repr_like_pytorch():
    assert repr(nn.Dropout()) == "Dropout(p=0.5, inplace=False)"


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True])
def test_bad_p_is_a_value_error_naming_it(p):
    with pytest.raises(ValueError, match=r"between 0 and 1, but got " + repr(p).replace(".", r"\.")):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="dropout: dropout probability"):
        F.dropout(minigrad.ones(2), p)
