"""Reference solution of exercise perceptron: the task is minigrad/exercises/bank/perceptron.py."""
import numpy as np


def predict(w, b, X):
    """+1 where X w + b >= 0, else -1."""
    return np.where(X @ w + b >= 0, 1, -1)


def update(w, b, x, y, lr=1.0):
    """One SGD step on max(0, -y (w . x + b)): the new (w, b)."""
    if y * (w @ x + b) <= 0:
        return w + lr * y * x, b + lr * y
    return w, b


def train(X, y, max_epochs):
    """Perceptron training from zero, in order, until an epoch changes nothing: (w, b, updates)."""
    w, b, updates = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        changed = 0
        for x, label in zip(X, y):
            new_w, new_b = update(w, b, x, label)
            if new_b != b or not np.array_equal(new_w, w):
                changed += 1
            w, b = new_w, new_b
        updates += changed
        if changed == 0:
            break
    return w, b, updates
