"""Lazy: lesson 7's gradients returned as zeros, instantly: wrong everywhere, so the timed check must not pay."""
import numpy as np


def gradients(x, y, W1, b1, W2, b2):
    return np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)
