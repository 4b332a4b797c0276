"""Exercise adam: One step of Adam."""
import numpy as np

from .kit import Plan, check, expect_step

NAME = "adam"
TITLE = "One step of Adam"
TOPIC = "Optimisation"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise adam: one step of Adam (Kingma and Ba, 2015; PyTorch's update rule).

Task
    Complete ``adam_step``, which takes NumPy arrays and returns the new
    parameter and the two new moment estimates.  ``t`` counts the steps
    from 1 (the first call has t = 1).  The rule ``optim.Adam`` applies:

        g     = grad + weight_decay * param        (L2 penalty, when weight_decay > 0)
        m     = beta1 * m + (1 - beta1) * g        (first moment: running mean of g)
        v     = beta2 * v + (1 - beta2) * g^2      (second moment: running mean of g^2)
        m_hat = m / (1 - beta1^t)                  (bias corrections)
        v_hat = v / (1 - beta2^t)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)

'''

DERIVATION = {
    "derive": r'''Derive
    Why the bias corrections?  Compute m after one step from m = 0 and
    compare it with g; then E[m_t] for a stationary g.  Note that eps is
    added outside the square root.

''',
    "guided": r'''Derive
    Why the bias corrections?  m and v start at 0, so early on they are
    pulled towards 0: after one step m = (1 - beta1) g.  Dividing by
    (1 - beta1^t) undoes exactly that shrinkage (E[m_t] = (1 - beta1^t) E[g]
    when g is stationary).  Without it the first steps are far too small.
    Note that eps is added *outside* the square root.

''',
}

GRADED = r'''Graded
    one step and several steps in a row against the published rule, with
    and without weight decay, and with an eps large enough to matter.

The library's version is ``minigrad/optim/adam.py``: the same six lines
for every parameter of a model, with amsgrad and maximize, the moments
and the step count kept in the optimizer's state.
'''

SKELETON = r'''import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    """Return (new_param, new_m, new_v) after Adam's step number t (t = 1, 2, ...)."""
    raise NotImplementedError("adam: write adam_step")


def first_moments(param):
    """m and v before the first step: zeros shaped like the parameter."""
    return np.zeros_like(param), np.zeros_like(param)
'''

HINTS = [
    "Follow the six lines of the rule in order; t starts at 1.",
    "The corrections divide by (1 - beta^t) with the step's own t, and eps is added after the square root.",
]

NAMES = ("param", "m", "v")


def rule(param, grad, m, v, t, lr, beta1, beta2, eps, weight_decay, correct=True, eps_inside=False, shift=0):
    g = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** (t + shift)) if correct else m
    v_hat = v / (1 - beta2 ** (t + shift)) if correct else v
    denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return param - lr * m_hat / denominator, m, v


def variants(*args):
    with np.errstate(all="ignore"):
        return [
            (rule(*args[:-1], 0.0), "weight decay is missing: it is added to the gradient."),
            (rule(*args, correct=False), "the bias corrections are missing."),
            (rule(*args, eps_inside=True), "eps is inside the square root; Adam adds it outside."),
            (rule(*args, shift=1), "the bias corrections use t + 1: t counts the steps from 1."),
            (rule(*args, shift=-1), "the bias corrections use t - 1: t counts the steps from 1."),
        ]


def _steps(rng, steps, weight_decay=0.0, eps=1e-8, start=None, plan=None, cases=None):
    plan = plan or Plan()
    cases = [] if cases is None else cases
    param = rng.standard_normal((2, 5))
    lr, beta1, beta2 = 0.01, 0.9, 0.999
    if start is None:
        m, v, t0 = np.zeros_like(param), np.zeros_like(param), 1
    else:
        m, v, t0 = rng.standard_normal(param.shape) * 0.1, rng.uniform(0, 0.1, param.shape), start
    for t in range(t0, t0 + steps):
        grad = rng.standard_normal(param.shape) * 0.1
        k = plan.call("adam_step", [param, grad, m, v],
                      dict(t=t, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay))
        args = (param, grad, m, v, t, lr, beta1, beta2, eps, weight_decay)
        want = rule(*args)
        cases.append((k, want, variants(*args), f"step t = {t}"))
        param, m, v = want
    plan.judge = lambda results: [expect_step(results[k], want, NAMES, wrong, what) for k, want, wrong, what in cases]
    return plan, cases


@check("first_step", 4, "the first step (t = 1, from zero moments) matches the rule")
def first_step(rng, scale):
    return _steps(rng, 1)[0]


@check("several_steps", 3, "five steps in a row, then steps t = 10, 11 from given moments")
def several_steps(rng, scale):
    plan, cases = _steps(rng, 5)
    return _steps(rng, 2, start=10, plan=plan, cases=cases)[0]


@check("decay_and_eps", 3, "steps with weight decay and with a large eps (1e-2)")
def decay_and_eps(rng, scale):
    plan, cases = _steps(rng, 3, weight_decay=0.01)
    return _steps(rng, 2, eps=1e-2, start=3, plan=plan, cases=cases)[0]


CHECKS = [first_step, several_steps, decay_and_eps]
