"""Learning-rate schedules: each sequence written out by hand from its formula."""
import math

import numpy as np
import pytest

import minigrad
from minigrad.nn.module import Parameter
from minigrad.optim import SGD, lr_scheduler


def make_optimizer(lr=1.0, groups=1):
    return SGD([{"params": [Parameter(np.zeros(2))]} for _ in range(groups)], lr=lr)


def lrs(scheduler, epochs, group=0):
    """The lr right after building, then after each of ``epochs`` steps."""
    seen = [scheduler.get_last_lr()[group]]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr()[group])
    return seen


def test_step_lr():
    sched = lr_scheduler.StepLR(make_optimizer(1.0), step_size=3, gamma=0.5)
    assert lrs(sched, 9) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]
    assert sched.optimizer.param_groups[0]["lr"] == 0.125
    assert sched.last_epoch == 9


def test_multistep_lr_counts_repeated_milestones():
    sched = lr_scheduler.MultiStepLR(make_optimizer(1.0), milestones=[5, 2, 5], gamma=0.1)
    expected = [1.0, 1.0, 0.1, 0.1, 0.1, 0.1 * 0.1 * 0.1, 0.1 * 0.1 * 0.1]
    np.testing.assert_allclose(lrs(sched, 6), expected, rtol=0, atol=1e-15)


def test_exponential_lr():
    sched = lr_scheduler.ExponentialLR(make_optimizer(0.5), gamma=0.9)
    np.testing.assert_allclose(lrs(sched, 6), [0.5 * 0.9**e for e in range(7)], rtol=0, atol=1e-15)


def test_lambda_lr_per_group():
    opt = make_optimizer(2.0, groups=2)
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.5**e])
    assert lrs(sched, 4, group=0) == [2.0 / (e + 1) for e in range(5)]
    assert opt.param_groups[1]["lr"] == 2.0 * 0.5**4


def test_cosine_annealing_follows_the_closed_form_and_keeps_going_after_t_max():
    T, low, base = 4, 0.1, 1.0
    sched = lr_scheduler.CosineAnnealingLR(make_optimizer(base), T_max=T, eta_min=low)
    expected = [low + (base - low) * (1 + math.cos(math.pi * t / T)) / 2 for t in range(13)]
    got = lrs(sched, 12)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert got[4] == pytest.approx(low, abs=1e-15) and got[8] == pytest.approx(base, abs=1e-12)


def test_cosine_annealing_is_recursive_so_a_manual_change_carries_on():
    T, low = 6, 0.0
    opt = make_optimizer(1.0)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=T, eta_min=low)
    lrs(sched, 2)
    opt.param_groups[0]["lr"] /= 2  # e.g. halved by hand (or by a second scheduler)
    lr, expected = opt.param_groups[0]["lr"], []
    got = lrs(sched, 3)
    for t in (3, 4, 5):
        lr = low + (lr - low) * (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        expected.append(lr)
    np.testing.assert_allclose(got[1:], expected, rtol=0, atol=1e-12)
    # The halving persists: half of the closed form.
    assert got[-1] == pytest.approx(0.5 * (1 + math.cos(math.pi * 5 / T)) / 2, abs=1e-12)


def test_linear_warmup_decay():
    sched = lr_scheduler.LinearWarmupDecay(make_optimizer(0.3), warmup_steps=3, total_steps=7)
    factors = [0, 1 / 3, 2 / 3, 1, 3 / 4, 2 / 4, 1 / 4, 0, 0]
    np.testing.assert_allclose(lrs(sched, 8), [0.3 * f for f in factors], rtol=0, atol=1e-15)


def test_linear_warmup_decay_to_an_end_factor():
    sched = lr_scheduler.LinearWarmupDecay(make_optimizer(1.0), warmup_steps=2, total_steps=6, end_factor=0.2)
    factors = [0, 0.5, 1, 0.2 + 0.8 * 3 / 4, 0.2 + 0.8 * 2 / 4, 0.2 + 0.8 / 4, 0.2, 0.2]
    np.testing.assert_allclose(lrs(sched, 7), factors, rtol=0, atol=1e-15)


def test_reduce_on_plateau_with_threshold_patience_cooldown_and_min_lr():
    opt = make_optimizer(1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2, threshold=0.1, cooldown=1, min_lr=0.2)
    # 9.5 improves on 10 but not by the 10% threshold, so it counts as a bad epoch.
    metrics = [10, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 8, 8, 8, 8, 8, 8, 8, 8]
    expected = [
        1.0, 1.0, 1.0,  # best=10, then bad epochs 1 and 2 (patience 2 allows them)
        0.5,            # 3rd bad epoch: halve; cooldown of 1 epoch starts
        0.5,            # bad, but in cooldown: not counted
        0.5, 0.5,       # bad 1, 2
        0.25,           # bad 3: halve again
        0.25,           # 8 < 10 * 0.9: a new best (cooldown ends too)
        0.25, 0.25,     # bad 1, 2
        0.2,            # bad 3: 0.125 would go below min_lr
        0.2, 0.2, 0.2, 0.2,  # cooldown, then bad 1, 2, 3: already at min_lr, nothing changes
    ]
    got = []
    for m in metrics:
        sched.step(m)
        got.append(opt.param_groups[0]["lr"])
    assert got == expected
    assert sched.get_last_lr() == [0.2]
    assert sched.best == 8


def test_reduce_on_plateau_max_mode_abs_threshold_and_tensor_metric():
    opt = make_optimizer(1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, mode="max", threshold_mode="abs", threshold=0.05, patience=0)
    got = []
    for accuracy in [0.5, 0.56, 0.6, 0.7, 0.74]:
        sched.step(minigrad.tensor(accuracy))
        got.append(opt.param_groups[0]["lr"])
    # 0.5 best; 0.56 > 0.55 best; 0.6 is not > 0.61: cut; 0.7 best; 0.74 not > 0.75: cut.
    np.testing.assert_allclose(got, [1.0, 1.0, 0.1, 0.1, 0.01], rtol=0, atol=1e-15)


def test_reduce_on_plateau_ignores_changes_smaller_than_eps():
    opt = make_optimizer(1e-8)
    sched = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)
    sched.step(1.0)
    sched.step(2.0)
    assert opt.param_groups[0]["lr"] == 1e-8


def test_initial_lr_is_recorded_and_base_lrs_come_from_it():
    opt = make_optimizer(0.7)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    assert opt.param_groups[0]["initial_lr"] == 0.7
    assert sched.base_lrs == [0.7]


def test_a_second_scheduler_starts_from_the_same_initial_lr():
    opt = make_optimizer(1.0)
    first = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.step()
    first.step()
    second = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    assert opt.param_groups[0]["lr"] == 0.5 and second.base_lrs == [1.0]


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer(), step_size=2, last_epoch=4)


@pytest.mark.parametrize(
    "build, words",
    [
        (lambda opt: lr_scheduler.StepLR(opt, step_size=0), "step_size"),
        (lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=0), "T_max"),
        (lambda opt: lr_scheduler.LinearWarmupDecay(opt, warmup_steps=10, total_steps=5), "warmup_steps"),
        (lambda opt: lr_scheduler.ReduceLROnPlateau(opt, mode="lowest"), "mode"),
        (lambda opt: lr_scheduler.ReduceLROnPlateau(opt, factor=1.5), "factor"),
        (lambda opt: lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="pct"), "threshold_mode"),
        (lambda opt: lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0, 0]), "min_lr"),
        (lambda opt: lr_scheduler.LambdaLR(opt, [lambda e: 1, lambda e: 1]), "lr_lambdas"),
    ],
)
def test_bad_arguments_are_refused(build, words):
    with pytest.raises(ValueError, match=words):
        build(make_optimizer())


def test_a_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="Optimizer"):
        lr_scheduler.StepLR([Parameter(np.zeros(1))], step_size=1)
