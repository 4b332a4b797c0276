"""Adam and AdamW against their published update rules, computed by hand in float64."""
import math

import numpy as np
import pytest

import minigrad
from minigrad.nn.module import Parameter
from minigrad.optim import Adam, AdamW

W0 = np.array([0.5, -1.25, 2.0, 3.0])
# Large gradients first, then small ones, so AMSGrad's running max differs from v.
GRADS = [
    np.array([2.0, -3.0, 0.5, 1.0]),
    np.array([-1.5, 0.2, 0.4, -0.3]),
    np.array([0.01, 0.02, -0.03, 0.05]),
    np.array([0.002, -0.001, 0.004, 0.0]),
    np.array([0.3, 0.1, -0.2, 0.05]),
]


def run(cls, **options):
    p = Parameter(W0.copy())
    opt = cls([p], **options)
    for g in GRADS:
        p.grad = minigrad.tensor(g)
        opt.step()
    return p.detach().numpy(), opt


def by_hand(lr, betas, eps, weight_decay=0.0, amsgrad=False, maximize=False, decoupled=False):
    """Kingma & Ba's Adam as PyTorch documents it, element by element in Python floats."""
    b1, b2 = betas
    out = []
    for i, theta in enumerate(W0):
        m = v = v_max = 0.0
        for t, grad in enumerate(GRADS, start=1):
            g = -grad[i] if maximize else grad[i]
            if decoupled:
                theta = theta - lr * weight_decay * theta
            elif weight_decay:
                g = g + weight_decay * theta
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat = m / (1 - b1**t)
            if amsgrad:
                v_max = max(v_max, v)
                v_hat = v_max / (1 - b2**t)
            else:
                v_hat = v / (1 - b2**t)
            theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append(theta)
    return np.array(out)


CASES = [
    dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8),
    dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3),
    dict(lr=0.1, betas=(0.9, 0.5), eps=1e-8, amsgrad=True),
    dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),
    dict(lr=0.1, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.1, amsgrad=True, maximize=True),
]


@pytest.mark.parametrize("options", CASES, ids=["default", "other_betas", "amsgrad", "l2", "everything"])
def test_adam_matches_the_update_rule_by_hand(options):
    got, _ = run(Adam, **options)
    np.testing.assert_allclose(got, by_hand(**options), rtol=0, atol=1e-12)


@pytest.mark.parametrize("options", CASES, ids=["default", "other_betas", "amsgrad", "decay", "everything"])
def test_adamw_matches_the_update_rule_by_hand(options):
    options = {"weight_decay": 0.05, **options}
    got, _ = run(AdamW, **options)
    np.testing.assert_allclose(got, by_hand(decoupled=True, **options), rtol=0, atol=1e-12)


# PyTorch 2.13: torch.optim.<cls>([p], **options) on float32 p = W0, p.grad = each of GRADS, step() after each.
PYTORCH_FLOAT32 = [
    (Adam, dict(lr=0.1), [0.366522849, -0.970783472, 1.63500917, 2.76398301]),
    (AdamW, dict(lr=0.1, weight_decay=0.1), [0.346425235, -0.916632593, 1.54592741, 2.62317872]),
    (Adam, dict(lr=0.1, amsgrad=True, betas=(0.9, 0.5)), [0.370368451, -1.01400399, 1.65512288, 2.79343677]),
]


@pytest.mark.parametrize("cls, options, expected", PYTORCH_FLOAT32, ids=["adam", "adamw", "amsgrad"])
def test_float32_steps_match_pytorch(cls, options, expected):
    p = Parameter(W0.astype(np.float32))
    opt = cls([p], **options)
    for g in GRADS:
        p.grad = minigrad.tensor(g.astype(np.float32))
        opt.step()
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-6, atol=1e-6)


def test_amsgrad_really_changes_the_result():
    # beta2 = 0.5 forgets the large early gradients fast, so v falls well below its running max.
    plain, _ = run(Adam, lr=0.1, betas=(0.9, 0.5), eps=1e-8)
    ams, _ = run(Adam, lr=0.1, betas=(0.9, 0.5), eps=1e-8, amsgrad=True)
    assert np.abs(plain - ams).max() > 1e-3


def test_adam_and_adamw_weight_decay_differ():
    adam, _ = run(Adam, lr=0.1, weight_decay=0.1)
    adamw, _ = run(AdamW, lr=0.1, weight_decay=0.1)
    assert np.abs(adam - adamw).max() > 1e-3


def test_first_adam_step_moves_each_weight_by_about_lr():
    # With m_hat = g and v_hat = g^2 the first step is lr * g / (|g| + eps): the sign of g times lr.
    p = Parameter(np.array([1.0, 1.0]))
    p.grad = minigrad.tensor(np.array([1000.0, -0.001]))
    Adam([p], lr=0.01, eps=0.0).step()
    np.testing.assert_allclose(p.detach().numpy(), [0.99, 1.01], rtol=0, atol=1e-12)


def test_adam_state_holds_step_and_moments():
    _, opt = run(Adam, lr=0.1, amsgrad=True)
    (state,) = opt.state.values()
    assert state["step"] == len(GRADS)
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert state["exp_avg"].shape == W0.shape
    assert (state["max_exp_avg_sq"] >= state["exp_avg_sq"]).all()


def test_adamw_defaults_to_weight_decay_001():
    opt = AdamW([Parameter(np.zeros(1))])
    assert opt.param_groups[0]["weight_decay"] == 0.01
    assert opt.param_groups[0]["decoupled_weight_decay"] is True
    assert Adam([Parameter(np.zeros(1))]).param_groups[0]["weight_decay"] == 0


def test_float32_state_stays_float32():
    p = Parameter(np.array([1.0, 2.0], dtype=np.float32))
    p.grad = minigrad.tensor(np.array([0.5, -0.5], dtype=np.float32))
    opt = Adam([p], amsgrad=True)
    opt.step()
    assert p.dtype == minigrad.float32
    assert all(opt.state[p][k].dtype == np.float32 for k in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"))


@pytest.mark.parametrize("cls", [Adam, AdamW])
@pytest.mark.parametrize(
    "options, words",
    [
        (dict(lr=-1e-3), "learning rate"),
        (dict(betas=(1.0, 0.999)), "beta1"),
        (dict(betas=(0.9, -0.1)), "beta2"),
        (dict(betas=(0.9,)), "pair"),
        (dict(eps=-1e-8), "eps"),
        (dict(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_invalid_hyperparameters_are_refused(cls, options, words):
    with pytest.raises(ValueError, match=words):
        cls([Parameter(np.zeros(2))], **options)
