"""Grading exercise tanh."""
from ._activation import activation_checks


def _draw(rng, shape, kinks=True):
    return rng.uniform(-3, 3, shape)


CHECKS = activation_checks("Tanh", _draw, "dL/dx = g * (1 - y^2)")
