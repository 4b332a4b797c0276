"""Shared fixtures for the engine tests: seeded random float64 leaves for gradient checks."""
import numpy as np
import pytest

import minigrad


@pytest.fixture
def rng():
    """A fresh, seeded NumPy generator: every test sees the same numbers on every run."""
    return np.random.default_rng(20240601)


@pytest.fixture
def leaf(rng):
    """``leaf(*shape, low=-2, high=2)``: a float64 tensor of uniform values that requires grad."""

    def make(*shape, low=-2.0, high=2.0):
        return minigrad.tensor(rng.uniform(low, high, shape), requires_grad=True)

    return make
