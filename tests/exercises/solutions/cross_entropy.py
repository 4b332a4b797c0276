"""Reference solution of exercise cross_entropy: the task is minigrad/exercises/bank/cross_entropy.py."""
import numpy as np

from minigrad import Function


def log_softmax(z):
    """log softmax over the last axis of z, stable for large entries."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class CrossEntropy(Function):
    """L = mean over n of -log softmax(z)[n, y_n]"""

    @staticmethod
    def forward(ctx, logits, target):
        logp = log_softmax(logits)
        n = logits.shape[0]
        ctx.save_for_backward(logp, target)
        return -logp[np.arange(n), target].mean()

    @staticmethod
    def backward(ctx, grad_output):
        logp, target = ctx.saved_tensors
        n = logp.shape[0]
        p = np.exp(logp)
        y = np.zeros_like(p)
        y[np.arange(n), target] = 1
        return grad_output * (p - y) / n, None


def cross_entropy(logits, target):
    """Apply ``CrossEntropy`` to a Tensor of logits (N, C) and an int array of targets (N,)."""
    return CrossEntropy.apply(logits, target)
