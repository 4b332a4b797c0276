"""Exercise batchnorm1d: BatchNorm1d in training mode."""
import numpy as np

from .kit import function_checks

NAME = "batchnorm1d"
TITLE = "BatchNorm1d in training mode"
TOPIC = "Normalisation"
DIFFICULTY = "hard"

GUIDED = r'''Exercise batchnorm1d: batch normalisation in training mode, forward and backward.

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
'''

DERIVE = r'''TODO'''

SKELETON = r'''import numpy as np

from minigrad import Function


class BatchNorm1d(Function):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta, batch statistics over dimension 0"""

    @staticmethod
    def forward(ctx, x, gamma, beta, eps):
        raise NotImplementedError("batchnorm1d: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("batchnorm1d: write backward")


def batch_norm(x, gamma, beta, eps=1e-5):
    """Apply ``BatchNorm1d`` (training mode) to minigrad Tensors."""
    return BatchNorm1d.apply(x, gamma, beta, eps)
'''

HINTS = [
]
