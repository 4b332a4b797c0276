"""Grading exercise relu."""
import numpy as np

from ._activation import activation_checks


def _draw(rng, shape, kinks=True):
    """Values of both signs; with ``kinks`` some exactly 0 (gradient 0 there), else all |x| >= 0.1."""
    x = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 2.0, shape)
    if kinks:
        x[rng.random(shape) < 0.1] = 0.0
    return np.asarray(x)


CHECKS = activation_checks("ReLU", _draw, "dL/dx = g where x > 0, else 0 (also 0 at x = 0)")
