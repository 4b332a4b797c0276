"""Reference solution of exercise minibatch_gradient: the task is minigrad/exercises/bank/minibatch_gradient.py."""
import numpy as np


def minibatch_gradient(w, X, y, batch):
    """The unbiased mini-batch estimate of dF/dw from the examples in ``batch``, of w's shape."""
    residual = X[batch] @ w - y[batch]
    return len(y) / len(batch) * (X[batch].T @ residual)


def epoch_batches(generator, N, B):
    """One epoch's batches: a shuffled 0 .. N-1 cut into an integer array of shape (N // B, B)."""
    return generator.permutation(N).reshape(N // B, B)
