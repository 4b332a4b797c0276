"""The Optimizer base: param groups, zero_grad, step, and state_dict save/resume."""
import re
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad import serialization
from minigrad.nn.module import Module, Parameter
from minigrad.optim import SGD, Adam, AdamW, Optimizer, lr_scheduler

OPTIM_DIR = Path(__file__).resolve().parents[2] / "minigrad" / "optim"


class TwoLayer(Module):
    def __init__(self, seed=0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.w1 = Parameter(rng.standard_normal((3, 4)))
        self.b1 = Parameter(np.zeros(4))
        self.w2 = Parameter(rng.standard_normal((4, 1)))

    def forward(self, x):
        return ((x @ self.w1 + self.b1).tanh() @ self.w2).sum()


def train(model, opt, steps, sched=None, start=0):
    """A few deterministic steps; the input depends on the step number only."""
    for t in range(start, start + steps):
        x = minigrad.tensor(np.sin(np.arange(6.0).reshape(2, 3) + t))
        opt.zero_grad()
        model(x).backward()
        opt.step()
        if sched is not None:
            sched.step()


# ------------------------------------------------------------- param groups
def test_params_may_be_a_generator_or_dicts_and_defaults_fill_in():
    model = TwoLayer()
    opt = SGD(model.parameters(), lr=0.1)
    assert len(opt.param_groups) == 1 and len(opt.param_groups[0]["params"]) == 3
    opt = SGD([{"params": [model.w1, model.b1], "lr": 0.5}, {"params": model.w2}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    assert opt.param_groups[1]["params"] == [model.w2] or opt.param_groups[1]["params"][0] is model.w2


def test_add_param_group_for_fine_tuning():
    model = TwoLayer()
    opt = Adam([model.w1], lr=1e-3)
    opt.add_param_group({"params": [model.w2, model.b1], "lr": 1e-4})
    assert opt.param_groups[1]["lr"] == 1e-4 and opt.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [model.w1]})


@pytest.mark.parametrize(
    "params, error, words",
    [
        ([], ValueError, "empty parameter list"),
        (Parameter(np.zeros(2)), TypeError, "wrap it in a list"),
        ([np.zeros(2)], TypeError, "only optimize Tensors"),
        ({Parameter(np.zeros(2))}, TypeError, "not a set"),
        ([{"lr": 0.1}], ValueError, "'params' entry"),
    ],
)
def test_bad_params_are_refused(params, error, words):
    with pytest.raises(error, match=words):
        SGD(params, lr=0.1)


def test_a_set_of_params_is_refused_with_the_reason():
    with pytest.raises(TypeError, match="not a set"):
        SGD([{"params": {Parameter(np.zeros(2))}}], lr=0.1)


def test_a_non_leaf_or_repeated_parameter_is_refused():
    p = Parameter(np.ones(2))
    with pytest.raises(ValueError, match="not a leaf"):
        SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match="twice"):
        SGD([p, p], lr=0.1)


def test_an_exhausted_generator_gets_a_helpful_message():
    model = TwoLayer()
    params = model.parameters()
    SGD(params, lr=0.1)
    with pytest.raises(ValueError, match="only be used once"):
        SGD(params, lr=0.1)


# --------------------------------------------------------- zero_grad / step
def test_zero_grad_sets_to_none_or_zeros():
    model = TwoLayer()
    opt = SGD(model.parameters(), lr=0.1)
    train(model, opt, 1)
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
    opt.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_step_with_closure_returns_the_loss():
    p = Parameter(np.array([3.0]))
    opt = SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with minigrad.no_grad():  # step() re-enables grad for the closure
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert p.item() == 3.0 - 0.25 * 6.0


def test_step_bumps_the_version_so_stale_graphs_fail():
    p = Parameter(np.array([1.0, 2.0]))
    opt = SGD([p], lr=0.1)
    loss = (p * p).sum()
    p.grad = minigrad.tensor(np.array([1.0, 1.0]))
    version = p._version[0]
    opt.step()
    assert p._version[0] == version + 1
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_a_grad_of_the_wrong_shape_is_reported():
    p = Parameter(np.zeros((2, 3)))
    p.grad = minigrad.tensor(np.ones(3))
    with pytest.raises(RuntimeError, match="shape"):
        SGD([p], lr=0.1).step()


def test_state_arrays_live_on_the_parameters_array_module():
    model = TwoLayer()
    opt = Adam(model.parameters(), amsgrad=True)
    train(model, opt, 1)
    for p, state in opt.state.items():
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            assert type(state[key]) is type(p._data) and state[key].shape == p.shape


def test_optim_files_never_import_numpy():
    # Optimizers reach arrays only through p.xp / minigrad.backend, so a GPU backend needs no change here.
    for path in OPTIM_DIR.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import numpy|from numpy)", source, re.MULTILINE), path.name


# --------------------------------------------------------------- state dict
def test_state_dict_has_pytorchs_layout():
    model = TwoLayer()
    opt = SGD([{"params": [model.w1]}, {"params": [model.b1, model.w2], "lr": 0.5}], lr=0.1, momentum=0.9)
    train(model, opt, 1)
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1, 2]]
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][0]["momentum"] == 0.9
    assert sorted(sd["state"]) == [0, 1, 2]
    assert isinstance(sd["state"][2]["momentum_buffer"], minigrad.Tensor)
    assert sd["state"][2]["momentum_buffer"].shape == (4, 1)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
        lambda ps: Adam(ps, lr=0.01, amsgrad=True),
        lambda ps: AdamW(ps, lr=0.01),
    ],
    ids=["sgd", "adam", "adamw"],
)
def test_save_load_resume_continues_identically(make, tmp_path):
    """Train 6 steps straight, or 3 + save + load into fresh objects + 3: the weights must agree exactly."""
    straight = TwoLayer()
    opt = make(straight.parameters())
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=1e-3)
    train(straight, opt, 6, sched)

    first = TwoLayer()
    opt = make(first.parameters())
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=1e-3)
    train(first, opt, 3, sched)
    path = tmp_path / "ckpt.npz"
    serialization.save(
        {"model": first.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, path
    )

    ckpt = serialization.load(path)
    resumed = TwoLayer(seed=1)
    # By hand rather than Module.load_state_dict, to test only the optimizer and serialization here.
    for name, p in resumed.named_parameters():
        p.data = ckpt["model"][name]
    opt = make(resumed.parameters())
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=1e-3)
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    train(resumed, opt, 3, sched, start=3)

    for (name, a), (_, b) in zip(straight.named_parameters(), resumed.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=name)
    assert sched.last_epoch == 6


def test_reduce_on_plateau_state_survives_save_and_load(tmp_path):
    opt = SGD([Parameter(np.zeros(1))], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1)
    serialization.save(sched.state_dict(), tmp_path / "s.npz")  # best is still +inf
    sched.step(5.0)
    sched.step(6.0)
    serialization.save(sched.state_dict(), tmp_path / "s.npz")
    fresh = lr_scheduler.ReduceLROnPlateau(opt, patience=1)
    fresh.load_state_dict(serialization.load(tmp_path / "s.npz"))
    assert (fresh.best, fresh.num_bad_epochs, fresh.last_epoch) == (5.0, 1, 2)
    fresh.step(7.0)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)


def test_loading_copies_the_state_and_casts_to_the_parameter_dtype():
    source = Parameter(np.ones(3))
    opt = Adam([source])
    source.grad = minigrad.tensor(np.ones(3))
    opt.step()
    sd = opt.state_dict()
    target = Parameter(np.ones(3, dtype=np.float32))
    other = Adam([target])
    other.load_state_dict(sd)
    loaded = other.state[target]
    assert loaded["step"] == 1 and loaded["exp_avg"].dtype == np.float32
    same_dtype = Adam([Parameter(np.ones(3))])
    same_dtype.load_state_dict(sd)
    sd["state"][0]["exp_avg"].data.fill_(123.0)  # the source keeps training...
    (copied,) = same_dtype.state.values()
    assert copied["exp_avg"][0] != 123.0  # ...without reaching into the loaded optimizer


def test_loading_keeps_the_hyperparameters_of_the_checkpoint():
    p = Parameter(np.ones(2))
    sd = SGD([p], lr=0.3, momentum=0.5).state_dict()
    opt = SGD([p], lr=0.1)
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == 0.3 and opt.param_groups[0]["params"][0] is p


def test_loading_checks_group_count_param_count_and_shapes():
    a, b = Parameter(np.ones(2)), Parameter(np.ones((2, 2)))
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = minigrad.tensor(np.ones(2)), minigrad.tensor(np.ones((2, 2)))
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="parameter group"):
        SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="has 2 parameters in the saved state but 1 here"):
        SGD([a], lr=0.1).load_state_dict(sd)
    swapped = SGD([b, a], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"shape \(2,\) but its parameter has shape \(2, 2\)"):
        swapped.load_state_dict(sd)
    assert swapped.state == {}  # nothing half-loaded
    with pytest.raises(ValueError, match="not an optimizer state dict"):
        SGD([a], lr=0.1).load_state_dict({"w": np.ones(2)})


def test_a_custom_optimizer_only_writes_its_rule():
    class SignSGD(Optimizer):
        def __init__(self, params, lr=0.01):
            super().__init__(params, dict(lr=lr))

        def _update(self, p, grad, state, group):
            p._data -= group["lr"] * p.xp.sign(grad)

    p = Parameter(np.array([1.0, 1.0]))
    p.grad = minigrad.tensor(np.array([-3.0, 0.5]))
    SignSGD([p], lr=0.5).step()
    assert p.detach().tolist() == [1.5, 0.5]
