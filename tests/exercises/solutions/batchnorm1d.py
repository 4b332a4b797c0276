"""Exercise batchnorm1d: batch normalisation in training mode, forward and backward.

Task
    Complete ``BatchNorm1d.forward(ctx, x, gamma, beta, eps)`` and
    ``BatchNorm1d.backward`` for ``nn.BatchNorm1d`` in training mode on x of
    shape (N, C): each of the C features is normalised with the mean and the
    (biased, divide-by-N) variance of the batch, then scaled and shifted:

        mu    = mean over n of x[n]                      (C,)
        var   = mean over n of (x[n] - mu)^2             (C,)
        x_hat = (x - mu) / sqrt(var + eps)               (N, C)
        y     = gamma * x_hat + beta                     gamma, beta: (C,)

Derive
    The easy two (gamma and beta were broadcast over the N rows):

        dL/dbeta  = sum over n of g
        dL/dgamma = sum over n of g * x_hat

    The hard one: x reaches the loss three ways - directly, through mu and
    through var - so collect all three.  With d = g * gamma (= dL/dx_hat)
    and s = 1 / sqrt(var + eps), the paths add up to

        dL/dx = (s / N) * (N * d - sum_n d - x_hat * sum_n (d * x_hat))

    Derive it once on paper (the mu path contributes -sum_n d / N, the var
    path -x_hat * sum_n(d x_hat) / N).  Return (dL/dx, dL/dgamma, dL/dbeta,
    None): eps has no gradient.

Graded
    the forward against the reference; each gradient's shape, dtype and
    values from calling backward directly; a gradcheck of
    ``BatchNorm1d.apply`` for x, gamma and beta.
"""
import numpy as np

from minigrad import Function


class BatchNorm1d(Function):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta, batch statistics over dimension 0"""

    @staticmethod
    def forward(ctx, x, gamma, beta, eps):
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        inv_std = 1 / np.sqrt(var + eps)
        x_hat = (x - mean) * inv_std
        ctx.save_for_backward(x_hat, inv_std, gamma)
        return gamma * x_hat + beta

    @staticmethod
    def backward(ctx, grad_output):
        x_hat, inv_std, gamma = ctx.saved_tensors
        n = grad_output.shape[0]
        grad_beta = grad_output.sum(axis=0)
        grad_gamma = (grad_output * x_hat).sum(axis=0)
        d = grad_output * gamma
        grad_x = inv_std / n * (n * d - d.sum(axis=0) - x_hat * (d * x_hat).sum(axis=0))
        return grad_x, grad_gamma, grad_beta, None


def batch_norm(x, gamma, beta, eps=1e-5):
    """Apply ``BatchNorm1d`` (training mode) to minigrad Tensors."""
    return BatchNorm1d.apply(x, gamma, beta, eps)
