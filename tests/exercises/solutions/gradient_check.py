"""Exercise gradient_check: write a finite-difference checker and catch a broken backward with it.

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
       forward, and write that backward here.  (``python gradient_check.py``
       runs find_bug on the candidates.)

Derive
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

Graded
    numerical_gradient on several functions and shapes (accuracy that only
    central differences reach, x left unchanged); find_bug on fresh sets of
    candidates, some broken and some not; fixed_backward against the true
    derivative of the broken candidate.
"""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f at the float64 array x."""
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        plus = f(x)
        x[index] = original - eps
        minus = f(x)
        x[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def find_bug(candidates, x):
    """The sorted names of the candidates whose backward disagrees with finite differences at x."""
    w = np.random.default_rng(0).standard_normal(x.shape)
    broken = []
    for name, (forward, backward) in candidates.items():
        numerical = numerical_gradient(lambda z, forward=forward: float((w * forward(z)).sum()), x.copy())
        analytical = backward(x.copy(), w)
        if not np.allclose(analytical, numerical, rtol=1e-4, atol=1e-6):
            broken.append(name)
    return sorted(broken)


def fixed_backward(x, grad_output):
    """The correct backward of the one broken candidate in CANDIDATES: dL/dx = g * f'(x)."""
    s = sigmoid(x)
    return grad_output * (s + x * s * (1 - s))


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
