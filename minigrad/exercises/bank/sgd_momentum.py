"""Exercise sgd_momentum: One step of SGD with momentum."""
import numpy as np

from .kit import function_checks

NAME = "sgd_momentum"
TITLE = "One step of SGD with momentum"
TOPIC = "Optimisation"
DIFFICULTY = "easy"

GUIDED = r'''Exercise sgd_momentum: one step of SGD with momentum (PyTorch's update rule).

Task
    Complete ``sgd_momentum_step``, which takes NumPy arrays and returns the
    new parameter and the new velocity.  It is the rule ``optim.SGD`` applies
    to each parameter, with dampening 0 and no Nesterov:

        g = grad + weight_decay * param           (L2 penalty, when weight_decay > 0)
        v = momentum * v + g                      (the velocity, or "momentum buffer")
        param = param - lr * v

    You may return new arrays or update the given ones in place and return
    them.

Derive
    Unroll the velocity: v_t = g_t + m g_(t-1) + m^2 g_(t-2) + ...  Each
    step moves along a decaying sum of past gradients, which smooths out
    gradients that flip sign and speeds up those that agree.  Note where lr
    sits: *outside* v.  (Some books put it inside, v = m v + lr g; with a
    constant lr the parameter moves the same, but PyTorch keeps v free of
    lr, and so do we - the grader compares the velocity too.)

Graded
    one step and several steps in a row against the published rule, with
    and without weight decay.
'''

DERIVE = r'''TODO'''

SKELETON = r'''import numpy as np


def sgd_momentum_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    """Return (new_param, new_velocity) after one SGD-with-momentum step."""
    raise NotImplementedError("sgd_momentum: write sgd_momentum_step")


def first_velocity(param):
    """The velocity before the first step: zeros shaped like the parameter."""
    return np.zeros_like(param)
'''

HINTS = [
]
