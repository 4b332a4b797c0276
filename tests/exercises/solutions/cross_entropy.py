"""Exercise cross_entropy: log-softmax and the cross-entropy loss, with the gradient p - y.

Task
    1. ``log_softmax(z)``: the log of the softmax of each row of z, computed
       stably (no overflow for logits like 1000).
    2. ``CrossEntropy.forward(ctx, logits, target)``: the mean over the N
       rows of -log p[n, target[n]], where target holds class indices.
    3. ``CrossEntropy.backward``: the gradient for the logits (and None for
       the integer targets).

Derive
    p = softmax(z), p[n, c] = e^z[n, c] / sum_k e^z[n, k].  Subtracting the
    row maximum m first changes nothing (the e^-m cancels) but keeps every
    exponent <= 0:

        log p[n, c] = (z[n, c] - m) - log sum_k e^(z[n, k] - m)

    The loss of one row is l_n = -log p[n, y_n] = -z[n, y_n] + log sum_k e^z[n, k],
    so dl_n/dz[n, c] = p[n, c] - [c == y_n].  With Y the one-hot targets and
    L the mean of the N row losses, and g = dL/d(loss) (a scalar):

        dL/dz = g * (p - Y) / N

Graded
    log_softmax and the loss against the reference (also on logits of size
    1000, which overflow a naive softmax); the gradient from calling backward
    directly; a gradcheck of ``CrossEntropy.apply`` for the logits.
"""
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
