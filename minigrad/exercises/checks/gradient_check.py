"""Grading exercise gradient_check: the student's central-difference checker, and a bug hunt with it."""
import numpy as np

from ..checking import CheckFailed, as_array, graded

EPS = 1e-3  # large enough that a one-sided difference is visibly worse than a central one


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def _functions(rng):
    """(f, exact gradient, shape) triples: scalar functions with a known gradient."""
    w = rng.standard_normal(12)
    a = rng.standard_normal((3, 4))
    return [
        (lambda x: float((np.sin(3 * x) * w[: x.size].reshape(x.shape)).sum()),
         lambda x: 3 * np.cos(3 * x) * w[: x.size].reshape(x.shape), (7,)),
        (lambda x: float((a * x * x * x).sum()), lambda x: 3 * a * x * x, (3, 4)),
        (lambda x: float(np.exp(x).sum()), lambda x: np.exp(x), (2, 3, 2)),
    ]


def _call(student, f, x, eps):
    return as_array(student.numerical_gradient(f, x, eps), "numerical_gradient's result")


@graded(4, "numerical_gradient is as accurate as central differences, for any shape")
def accuracy(student, reference, rng):
    for f, exact, shape in _functions(rng):
        x = rng.uniform(-1, 1, shape)
        got = _call(student, f, x.copy(), EPS)
        want = exact(x)
        if got.shape != x.shape:
            raise CheckFailed(f"numerical_gradient returned shape {got.shape} for x of shape {x.shape}.",
                              hint="the gradient has x's shape: np.zeros(x.shape), one entry per entry of x.")
        if np.allclose(got, want, rtol=1e-4, atol=1e-4):
            continue
        one_sided = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            nudged = x.copy()
            nudged[index] += EPS
            one_sided[index] = (f(nudged) - f(x)) / EPS
        worst = np.unravel_index(np.argmax(np.abs(got - want)), x.shape)
        message = (f"for x of shape {x.shape}, at {tuple(int(i) for i in worst)} numerical_gradient gives "
                   f"{got[worst]:.6g}; the exact derivative is {want[worst]:.6g} (eps = {EPS}).")
        if np.allclose(got, one_sided, rtol=1e-6, atol=1e-9):
            hint = ("this is the one-sided difference (f(x + eps) - f(x)) / eps, whose error is of order eps; "
                    "the central one, (f(x + eps) - f(x - eps)) / (2 eps), is accurate to eps^2.")
        elif np.allclose(got, 2 * want, rtol=1e-4, atol=1e-4):
            hint = "the result is twice the derivative: divide f(x + eps) - f(x - eps) by 2 eps, not eps."
        else:
            hint = ("nudge one entry at a time, call f at x + eps and at x - eps, and restore the entry before "
                    "moving to the next.")
        raise CheckFailed(message, hint=hint)


@graded(1, "numerical_gradient leaves x as it found it")
def restores_x(student, reference, rng):
    f, _, shape = _functions(rng)[1]
    x = rng.uniform(-1, 1, shape)
    before = x.copy()
    _call(student, f, x, EPS)
    if not np.array_equal(x, before):
        raise CheckFailed("x changed during numerical_gradient.",
                          hint="put each entry back to its original value after nudging it (x[i] = original).")


def _candidates(broken):
    """The four candidates, with the ones named in ``broken`` given a wrong backward."""
    def softplus_b(x, g):
        return g * (_sigmoid(-x) if "softplus" in broken else _sigmoid(x))

    def swish_b(x, g):
        s = _sigmoid(x)
        return g * (s + s * (1 - s)) if "swish" in broken else g * (s + x * s * (1 - s))

    def log_cosh_b(x, g):
        return -g * np.tanh(x) if "log_cosh" in broken else g * np.tanh(x)

    def elu_b(x, g):
        # The broken one uses e^x on the positive side too: wrong only where x > 0.
        return g * np.where((x > 0) & ("elu" not in broken), 1.0, np.exp(x))

    return {
        "softplus": (lambda x: np.logaddexp(0, x), softplus_b),
        "swish": (lambda x: x * _sigmoid(x), swish_b),
        "log_cosh": (lambda x: np.logaddexp(x, -x) - np.log(2), log_cosh_b),
        "elu": (lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))), elu_b),
    }


@graded(3, "find_bug names exactly the broken backward passes, on fresh candidate sets")
def finds_bugs(student, reference, rng):
    names = ["softplus", "swish", "log_cosh", "elu"]
    broken_sets = [[], [names[int(rng.integers(4))]], sorted(rng.choice(names, 2, replace=False).tolist())]
    for broken in broken_sets:
        x = rng.uniform(-2, 2, 9)
        x[0], x[1] = 0.7, -0.7  # both signs present
        found = student.find_bug(_candidates(broken), x.copy())
        if not isinstance(found, (list, tuple)) or sorted(map(str, found)) != sorted(broken):
            raise CheckFailed(
                f"with {broken or 'no'} broken, find_bug returned {found!r}; expected {sorted(broken)!r}.",
                hint="for each candidate compare backward(x, w) with numerical_gradient of "
                "lambda z: (w * forward(z)).sum(), for a random w, with np.allclose(rtol=1e-4, atol=1e-6); "
                "return the sorted list of names that disagree ([] when none does).",
            )


@graded(2, "fixed_backward is the true backward of the broken candidate")
def fixed_backward(student, reference, rng):
    x = rng.uniform(-4, 4, (3, 5))
    g = rng.standard_normal(x.shape)
    got = as_array(student.fixed_backward(x.copy(), g.copy()), "fixed_backward's result")
    s = _sigmoid(x)
    want = g * (s + x * s * (1 - s))
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-6, atol=1e-9):
        hint = ("which candidate does find_bug(CANDIDATES, x) report? Differentiate its forward by hand and check "
                "your result against numerical_gradient before handing it in.")
        if got.shape == want.shape and np.allclose(got, g * (s + s * (1 - s))):
            hint = "this is the broken version: the second term of the product rule needs the factor x."
        raise CheckFailed("fixed_backward is not the backward of the broken candidate.", hint=hint)


CHECKS = [accuracy, restores_x, finds_bugs, fixed_backward]
