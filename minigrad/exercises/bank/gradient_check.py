"""Exercise gradient_check: a central-difference checker, and a bug hunt with it."""
import numpy as np

from ..compare import Failed, returned
from .kit import Plan, check, helper

NAME = "gradient_check"
TITLE = "Write a central-difference checker; find the broken backward"
TOPIC = "Gradient checking"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r"""Exercise gradient_check: write a finite-difference checker and catch a broken backward with it.

Task
    1. ``numerical_gradient(f, x, eps)``: the gradient of a scalar function
       f at the float64 array x, by central differences, one entry at a time.
       Return an array of x's shape, and leave x as you found it.
    2. ``find_bug(candidates, x)``: ``candidates`` maps a name to a pair
       (forward, backward) of elementwise functions on arrays:
       forward(x) -> y and backward(x, g) -> dL/dx given g = dL/dy.  Return
       the sorted list of the names whose backward is wrong at x (an empty
       list when all are right).  Use your numerical_gradient.
    3. ``fixed_backward(x, g)``: one of the ``CANDIDATES`` at the bottom of
       this file has a deliberately broken backward.  Find it with
       ``find_bug(CANDIDATES, x)``, work out the right derivative of its
       forward, and write that backward here.

"""

DERIVATION = {
    "derive": r"""Derive
    Expand f(x + eps) and f(x - eps) in Taylor series: which difference
    quotient cancels the error term of order eps?  And how do you turn an
    elementwise backward into something a scalar checker can test?

""",
    "guided": r"""Derive
    Taylor: f(x + eps) = f(x) + eps f'(x) + eps^2 f''(x) / 2 + eps^3 f'''(x) / 6 + ...
    Subtracting f(x - eps) cancels the even terms:

        (f(x + eps) - f(x - eps)) / (2 eps) = f'(x) + eps^2 f'''(x) / 6 + ...

    an error of order eps^2, where the one-sided (f(x + eps) - f(x)) / eps
    has an error of order eps.  For an array x, nudge one entry x[i] at a
    time (``np.ndindex(x.shape)`` visits every index) and put the difference
    quotient into grad[i].  Restore x[i] afterwards!

    To test a backward of an elementwise function, turn it into a scalar:
    L(x) = sum(w * forward(x)) for a random w has dL/dx = backward(x, w).
    Compare with ``np.allclose(analytical, numerical, rtol=1e-4, atol=1e-6)``.

""",
}

GRADED = r"""Graded
    numerical_gradient on several functions and shapes (an accuracy that
    only central differences reach, x left as it was); find_bug on fresh
    sets of candidates, some broken and some not; fixed_backward against
    the true derivative of the broken candidate.

The library's version is ``minigrad/gradcheck.py`` (``minigrad.gradcheck``):
full Jacobians in float64 for every input of a Function, and a report
that names the pattern of a mistake.
"""

SKELETON = r'''import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f at the float64 array x."""
    raise NotImplementedError("gradient_check: write numerical_gradient")


def find_bug(candidates, x):
    """The sorted names of the candidates whose backward disagrees with finite differences at x."""
    raise NotImplementedError("gradient_check: write find_bug")


def fixed_backward(x, grad_output):
    """The correct backward of the one broken candidate in CANDIDATES: dL/dx = g * f'(x)."""
    raise NotImplementedError("gradient_check: write fixed_backward")


# ----------------------------------------------------------------------------------------------
# The candidates: elementwise functions with hand-written backward passes.  One is broken.
def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))  # = 1 / (1 + e^-x), without overflow


def softplus(x):
    """softplus(x) = log(1 + e^x)"""
    return np.logaddexp(0, x)


def softplus_backward(x, grad_output):
    return grad_output * sigmoid(x)


def swish(x):
    """swish(x) = x * sigmoid(x)   (also called SiLU)"""
    return x * sigmoid(x)


def swish_backward(x, grad_output):
    s = sigmoid(x)
    return grad_output * (s + s * (1 - s))


def log_cosh(x):
    """log(cosh(x)), computed without overflow"""
    return np.logaddexp(x, -x) - np.log(2)


def log_cosh_backward(x, grad_output):
    return grad_output * np.tanh(x)


def elu(x):
    """elu(x) = x for x > 0, e^x - 1 otherwise"""
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def elu_backward(x, grad_output):
    return grad_output * np.where(x > 0, 1.0, np.exp(np.minimum(x, 0)))


CANDIDATES = {
    "softplus": (softplus, softplus_backward),
    "swish": (swish, swish_backward),
    "log_cosh": (log_cosh, log_cosh_backward),
    "elu": (elu, elu_backward),
}


if __name__ == "__main__":
    probe = np.linspace(-2.0, 2.0, 7)
    print("broken:", find_bug(CANDIDATES, probe))
'''

HINTS = [
    "(f(x + eps) - f(x - eps)) / (2 eps) has an error of order eps^2; the one-sided quotient, of order eps.",
    "Nudge one entry at a time (np.ndindex(x.shape) visits them all) and put it back before the next.",
    "To test an elementwise backward, take L(x) = sum(w * forward(x)) for a random w: its gradient is "
    "backward(x, w).",
]

EPS = 1e-3  # large enough that a one-sided difference is visibly worse than a central one


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def _functions(seed):
    """(f, exact gradient, shape) triples: scalar functions with a known gradient."""
    rng = np.random.default_rng(seed)
    w, a = rng.standard_normal(12), rng.standard_normal((3, 4))
    return [
        (lambda x: float((np.sin(3 * x) * w[: x.size].reshape(x.shape)).sum()),
         lambda x: 3 * np.cos(3 * x) * w[: x.size].reshape(x.shape), (7,)),
        (lambda x: float((a * x * x * x).sum()), lambda x: 3 * a * x * x, (3, 4)),
        (lambda x: float(np.exp(x).sum()), lambda x: np.exp(x), (2, 3, 2)),
    ]


def test_function(index, seed):
    """The child's copy of function ``index``: what numerical_gradient is called with."""
    return _functions(seed)[index][0]


def candidates(broken):
    """The four candidates, with those named in ``broken`` given a wrong backward."""
    def softplus_b(x, g):
        return g * (_sigmoid(-x) if "softplus" in broken else _sigmoid(x))

    def swish_b(x, g):
        s = _sigmoid(x)
        return g * (s + s * (1 - s)) if "swish" in broken else g * (s + x * s * (1 - s))

    def log_cosh_b(x, g):
        return -g * np.tanh(x) if "log_cosh" in broken else g * np.tanh(x)

    def elu_b(x, g):
        # The broken one uses e^x on the positive side too: wrong only where x > 0.
        return g * np.where((x > 0) & ("elu" not in broken), 1.0, np.exp(np.minimum(x, 1.0)))

    return {
        "softplus": (lambda x: np.logaddexp(0, x), softplus_b),
        "swish": (lambda x: x * _sigmoid(x), swish_b),
        "log_cosh": (lambda x: np.logaddexp(x, -x) - np.log(2), log_cosh_b),
        "elu": (lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))), elu_b),
    }


@check("accuracy", 4, "numerical_gradient is as accurate as central differences, for any shape")
def accuracy(rng, scale):
    plan, seed, cases = Plan(), int(rng.integers(2**31)), []
    for index, (f, exact, shape) in enumerate(_functions(seed)):
        x = rng.uniform(-1, 1, shape)
        cases.append((plan.call("numerical_gradient", [helper("test_function", index, seed), x, EPS]), f, exact, x))

    def judge(results):
        for k, f, exact, x in cases:
            got = returned(results[k], "r", 0, "numerical_gradient's result")
            if got.shape != x.shape:
                raise Failed(f"numerical_gradient returned shape {got.shape} for x of shape {x.shape}.",
                             hint="the gradient has one entry per entry of x.")
            want = exact(x)
            if np.allclose(got, want, rtol=1e-4, atol=1e-4):
                continue
            one_sided = np.zeros(x.shape)
            for index in np.ndindex(x.shape):
                nudged = x.copy()
                nudged[index] += EPS
                one_sided[index] = (f(nudged) - f(x)) / EPS
            if np.allclose(got, one_sided, rtol=1e-6, atol=1e-9):
                hint = "this is the one-sided difference, whose error is of order eps; use the central one."
            elif np.allclose(got, 2 * want, rtol=1e-4, atol=1e-4):
                hint = "the result is twice the derivative: the two nudges are 2 eps apart."
            else:
                hint = "nudge one entry at a time, evaluate f on both sides, and restore the entry before the next."
            raise Failed(f"for x of shape {x.shape}, numerical_gradient is not as accurate as central differences "
                         f"with eps = {EPS}.", hint=hint)

    plan.judge = judge
    return plan


@check("restores_x", 1, "numerical_gradient leaves x as it found it")
def restores_x(rng, scale):
    plan, seed = Plan(), int(rng.integers(2**31))
    x = rng.uniform(-1, 1, (3, 4))
    k = plan.call("numerical_gradient", [helper("test_function", 1, seed), x, EPS])

    def judge(results):
        returned(results[k], "r", 0, "numerical_gradient's result")
        if not np.array_equal(results[k]["arg1"], x):
            raise Failed("x changed during numerical_gradient.",
                         hint="put each entry back to its original value after nudging it.")

    plan.judge = judge
    return plan


@check("finds_bugs", 3, "find_bug names exactly the broken backward passes, on fresh candidate sets")
def finds_bugs(rng, scale):
    plan, cases = Plan(), []
    names = ["softplus", "swish", "log_cosh", "elu"]
    for broken in ([], [names[int(rng.integers(4))]], sorted(rng.choice(names, 2, replace=False).tolist())):
        x = rng.uniform(-2, 2, 9)
        x[0], x[1] = 0.7, -0.7  # both signs present
        cases.append((plan.call("find_bug", [helper("candidates", broken), x]), broken))

    def judge(results):
        for k, broken in cases:
            found = returned(results[k], "r", 0, "find_bug's result")
            if found.dtype.kind != "U" and found.size:
                raise Failed("find_bug must return a list of names (strings).")
            if sorted(map(str, found.tolist())) != sorted(broken):
                raise Failed(f"with {len(broken)} broken candidate(s), find_bug returned {sorted(found.tolist())!r}.",
                             hint="compare each backward with numerical_gradient of sum(w * forward) for a random "
                             "w, with np.allclose(rtol=1e-4, atol=1e-6); return the sorted names that disagree.")

    plan.judge = judge
    return plan


@check("fixed_backward", 2, "fixed_backward is the true backward of the broken candidate")
def fixed_backward(rng, scale):
    plan = Plan()
    x = rng.uniform(-4, 4, (3, 5 * scale))
    g = rng.standard_normal(x.shape)
    k = plan.call("fixed_backward", [x, g])
    s = _sigmoid(x)

    def judge(results):
        got = returned(results[k], "r", 0, "fixed_backward's result")
        if got.shape == x.shape and np.allclose(got, g * (s + x * s * (1 - s)), rtol=1e-6, atol=1e-9):
            return
        hint = "which candidate does find_bug(CANDIDATES, x) report? Check your derivative with numerical_gradient."
        if got.shape == x.shape and np.allclose(got, g * (s + s * (1 - s))):
            hint = "this is the broken version itself: differentiate its forward again, term by term."
        raise Failed("fixed_backward is not the backward of the broken candidate.", hint=hint)

    plan.judge = judge
    return plan


CHECKS = [accuracy, restores_x, finds_bugs, fixed_backward]
