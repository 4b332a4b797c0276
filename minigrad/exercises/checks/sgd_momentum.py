"""Grading exercise sgd_momentum: v = m v + (grad + wd p); p = p - lr v."""
import numpy as np

from ..checking import graded
from ._optimizer import call_step, expect_step

NAMES = ("param", "velocity")


def _rule(param, grad, velocity, lr, momentum, weight_decay, lr_inside=False, dampening=False, sign=1):
    g = grad + weight_decay * param
    step = lr * g if lr_inside else (1 - momentum) * g if dampening else g
    velocity = momentum * velocity + step
    return param - sign * (1 if lr_inside else lr) * velocity, velocity


def _variants(param, grad, velocity, lr, momentum, weight_decay):
    args = (param, grad, velocity, lr, momentum)
    return [
        (_rule(*args, 0.0), "weight decay is missing: the gradient is grad + weight_decay * param."),
        (_rule(*args, weight_decay, lr_inside=True),
         "you keep lr inside the velocity (v = m v + lr g); PyTorch's rule is v = m v + g and p = p - lr v."),
        (_rule(*args, weight_decay, dampening=True),
         "you damp the gradient (v = m v + (1 - m) g); with dampening 0 the rule is v = m v + g."),
        (_rule(*args, weight_decay, sign=-1), "the sign is wrong: the parameter moves against the velocity, p - lr v."),
        (_rule(param, grad, 0 * velocity, lr, momentum, weight_decay),
         "the old velocity is ignored: v = momentum * v + g uses the velocity passed in."),
    ]


def _check(student, rng, steps, weight_decay):
    param = rng.standard_normal((3, 4))
    velocity = np.zeros_like(param) if steps > 1 else rng.standard_normal((3, 4))
    lr, momentum = 0.1, 0.9
    mine = (param, velocity)
    right = (param, velocity)
    for step in range(steps):
        grad = rng.standard_normal((3, 4))
        options = dict(lr=lr, momentum=momentum, weight_decay=weight_decay)
        new_right = _rule(right[0], grad, right[1], lr, momentum, weight_decay)
        got = call_step(student.sgd_momentum_step, NAMES, (mine[0], grad, mine[1]), **options)
        expect_step(got, new_right, NAMES, _variants(right[0], grad, right[1], lr, momentum, weight_decay),
                    f"step {step + 1}")
        mine, right = got, new_right


@graded(4, "one step from a non-zero velocity matches the rule")
def one_step(student, reference, rng):
    _check(student, rng, steps=1, weight_decay=0.0)


@graded(3, "five steps in a row from zero velocity")
def five_steps(student, reference, rng):
    _check(student, rng, steps=5, weight_decay=0.0)


@graded(3, "steps with weight decay")
def weight_decay(student, reference, rng):
    _check(student, rng, steps=3, weight_decay=0.01)


CHECKS = [one_step, five_steps, weight_decay]
