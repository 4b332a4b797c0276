"""Reference solution of exercise gradient_check: the task is minigrad/exercises/bank/gradient_check.py."""
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
