"""Grading exercise adam: Adam's step with bias corrections, eps outside the square root."""
import numpy as np

from ..checking import graded
from ._optimizer import call_step, expect_step

NAMES = ("param", "m", "v")


def _rule(param, grad, m, v, t, lr, beta1, beta2, eps, weight_decay, correct=True, eps_inside=False, shift=0):
    g = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** (t + shift)) if correct else m
    v_hat = v / (1 - beta2 ** (t + shift)) if correct else v
    denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return param - lr * m_hat / denominator, m, v


def _variants(*args):
    with np.errstate(all="ignore"):
        return _wrong_rules(args)


def _wrong_rules(args):
    head = args[:-1]
    return [
        (_rule(*head, 0.0), "weight decay is missing: the gradient is grad + weight_decay * param."),
        (_rule(*args, correct=False),
         "the bias corrections are missing: divide m by (1 - beta1^t) and v by (1 - beta2^t) before the step."),
        (_rule(*args, eps_inside=True), "eps is inside the square root; Adam adds it outside: sqrt(v_hat) + eps."),
        (_rule(*args, shift=1), "the bias corrections use t + 1: t counts the steps from 1, use beta^t."),
        (_rule(*args, shift=-1), "the bias corrections use t - 1: t counts the steps from 1, use beta^t."),
    ]


def _check(student, rng, steps, weight_decay=0.0, eps=1e-8, start=None):
    param = rng.standard_normal((2, 5))
    lr, beta1, beta2 = 0.01, 0.9, 0.999
    if start is None:
        m, v, t0 = np.zeros_like(param), np.zeros_like(param), 1
    else:
        m, v, t0 = rng.standard_normal(param.shape) * 0.1, rng.uniform(0, 0.1, param.shape), start
    mine = right = (param, m, v)
    for t in range(t0, t0 + steps):
        grad = rng.standard_normal(param.shape) * 0.1
        options = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
        rule_args = (right[0], grad, right[1], right[2], t, lr, beta1, beta2, eps, weight_decay)
        new_right = _rule(*rule_args)
        got = call_step(student.adam_step, NAMES, (mine[0], grad, mine[1], mine[2]), t=t, **options)
        expect_step(got, new_right, NAMES, _variants(*rule_args), f"step t = {t}")
        mine, right = got, new_right


@graded(4, "the first step (t = 1, from zero moments) matches the rule")
def first_step(student, reference, rng):
    _check(student, rng, steps=1)


@graded(3, "five steps in a row, then steps t = 10, 11 from given moments")
def several_steps(student, reference, rng):
    _check(student, rng, steps=5)
    _check(student, rng, steps=2, start=10)


@graded(3, "steps with weight decay and with a large eps (1e-2)")
def decay_and_eps(student, reference, rng):
    _check(student, rng, steps=3, weight_decay=0.01)
    _check(student, rng, steps=2, eps=1e-2, start=3)


CHECKS = [first_step, several_steps, decay_and_eps]
