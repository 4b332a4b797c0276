"""Exercise sgd_momentum: One step of SGD with momentum."""
import numpy as np

from .kit import Plan, check, expect_step

NAME = "sgd_momentum"
TITLE = "One step of SGD with momentum"
TOPIC = "Optimisation"
DIFFICULTY = "easy"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise sgd_momentum: one step of SGD with momentum (PyTorch's update rule).

Task
    Complete ``sgd_momentum_step``, which takes NumPy arrays and returns the
    new parameter and the new velocity.  It is the rule ``optim.SGD`` applies
    to each parameter, with dampening 0 and no Nesterov:

        g = grad + weight_decay * param           (L2 penalty, when weight_decay > 0)
        v = momentum * v + g                      (the velocity, or "momentum buffer")
        param = param - lr * v

    You may return new arrays or update the given ones in place and return
    them.

'''

DERIVATION = {
    "derive": r'''Derive
    Unroll the velocity over three steps: which past gradients does a step
    move along, and with which weights?  Note where lr sits: outside v
    (the grader compares the velocity too).

''',
    "guided": r'''Derive
    Unroll the velocity: v_t = g_t + m g_(t-1) + m^2 g_(t-2) + ...  Each
    step moves along a decaying sum of past gradients, which smooths out
    gradients that flip sign and speeds up those that agree.  Note where lr
    sits: *outside* v.  (Some books put it inside, v = m v + lr g; with a
    constant lr the parameter moves the same, but PyTorch keeps v free of
    lr, and so do we - the grader compares the velocity too.)

''',
}

GRADED = r'''Graded
    one step from a given velocity and several steps in a row against the
    published rule, with and without weight decay.

The library's version is ``minigrad/optim/sgd.py``: the same rule for
every parameter of a model, with dampening, Nesterov momentum and
maximize, the velocity kept in the optimizer's state.
'''

SKELETON = r'''import numpy as np


def sgd_momentum_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    """Return (new_param, new_velocity) after one SGD-with-momentum step."""
    raise NotImplementedError("sgd_momentum: write sgd_momentum_step")


def first_velocity(param):
    """The velocity before the first step: zeros shaped like the parameter."""
    return np.zeros_like(param)
'''

HINTS = [
    "Three lines, in the order of the rule: the gradient with weight decay, the velocity, the parameter.",
    "lr multiplies the velocity when the parameter moves; it is not inside the velocity.",
]

NAMES = ("param", "velocity")


def rule(param, grad, velocity, lr, momentum, weight_decay, lr_inside=False, dampening=False, sign=1):
    g = grad + weight_decay * param
    step = lr * g if lr_inside else (1 - momentum) * g if dampening else g
    velocity = momentum * velocity + step
    return param - sign * (1 if lr_inside else lr) * velocity, velocity


def variants(param, grad, velocity, lr, momentum, weight_decay):
    args = (param, grad, velocity, lr, momentum)
    return [
        (rule(*args, 0.0), "weight decay is missing: it is added to the gradient."),
        (rule(*args, weight_decay, lr_inside=True),
         "you keep lr inside the velocity; PyTorch's velocity is free of lr, which multiplies it in the step."),
        (rule(*args, weight_decay, dampening=True), "you damp the gradient by (1 - momentum); dampening is 0 here."),
        (rule(*args, weight_decay, sign=-1), "the sign is wrong: the parameter moves against the velocity."),
        (rule(param, grad, 0 * velocity, lr, momentum, weight_decay), "the velocity passed in is ignored."),
    ]


def _steps(rng, steps, weight_decay, from_zero):
    plan, lr, momentum = Plan(), 0.1, 0.9
    param = rng.standard_normal((3, 4))
    velocity = np.zeros_like(param) if from_zero else rng.standard_normal((3, 4))
    cases = []
    for step in range(steps):
        grad = rng.standard_normal((3, 4))
        k = plan.call("sgd_momentum_step", [param, grad, velocity],
                      dict(lr=lr, momentum=momentum, weight_decay=weight_decay))
        want = rule(param, grad, velocity, lr, momentum, weight_decay)
        cases.append((k, want, variants(param, grad, velocity, lr, momentum, weight_decay), f"step {step + 1}"))
        param, velocity = want
    plan.judge = lambda results: [expect_step(results[k], want, NAMES, wrong, what) for k, want, wrong, what in cases]
    return plan


@check("one_step", 4, "one step from a non-zero velocity matches the rule")
def one_step(rng, scale):
    return _steps(rng, 1, 0.0, from_zero=False)


@check("five_steps", 3, "five steps in a row from zero velocity")
def five_steps(rng, scale):
    return _steps(rng, 5, 0.0, from_zero=True)


@check("weight_decay", 3, "steps with weight decay")
def weight_decay(rng, scale):
    return _steps(rng, 3, 0.01, from_zero=True)


CHECKS = [one_step, five_steps, weight_decay]
