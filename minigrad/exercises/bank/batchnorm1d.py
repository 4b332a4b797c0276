"""Exercise batchnorm1d: BatchNorm1d in training mode."""
import numpy as np

from .kit import function_checks

NAME = "batchnorm1d"
TITLE = "BatchNorm1d in training mode"
TOPIC = "Normalisation"
DIFFICULTY = "hard"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise batchnorm1d: batch normalisation in training mode, forward and backward.

Task
    Complete ``BatchNorm1d.forward(ctx, x, gamma, beta, eps)`` and
    ``BatchNorm1d.backward`` for ``nn.BatchNorm1d`` in training mode on x of
    shape (N, C): each of the C features is normalised with the mean and the
    (biased, divide-by-N) variance of the batch, then scaled and shifted:

        mu    = mean over n of x[n]                      (C,)
        var   = mean over n of (x[n] - mu)^2             (C,)
        x_hat = (x - mu) / sqrt(var + eps)               (N, C)
        y     = gamma * x_hat + beta                     gamma, beta: (C,)

    backward returns (dL/dx, dL/dgamma, dL/dbeta, None): eps has no
    gradient.

'''

DERIVATION = {
    "derive": r'''Derive
    gamma and beta are the easy two: they were broadcast over the rows.
    x is the hard one: it reaches the loss directly, through mu and through
    var.  Collect all three paths, then simplify.

''',
    "guided": r'''Derive
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

''',
}

GRADED = r'''Graded
    forward's values, shape and dtype (float64, and float32 in gives
    float32 out); each gradient's shape, dtype and values, from calling
    your backward directly with a read-only grad_output, against the
    grader's finite differences; backward's time on a large input (at most
    20 times the forward's).

The library's version is ``minigrad/nn/normalization.py``: one
``Normalize`` Function shared by batch and layer normalisation (any
axes), with running statistics for evaluation, momentum and
affine=False around it.
'''

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
    "With d = g * gamma (= dL/dx_hat), write dL/dx as the direct term plus the mu path plus the var path.",
    "dvar/dx[n] = 2 (x[n] - mu) / N and dmu/dx[n] = 1 / N; the mean of (x - mu) is 0, which simplifies the mu "
    "path.",
    "With s = 1 / sqrt(var + eps), the three paths combine into s / N times (N d - (sum over n of d) - x_hat "
    "times (sum over n of d x_hat)).",
]

EPS = 1e-5


def forward(x, gamma, beta, eps):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta


def inputs(rng, dtype, scale=1):
    n, c = 6 * scale, 4
    x = rng.standard_normal((n, c)) * rng.uniform(0.5, 3, c) + rng.uniform(-2, 2, c)
    return (x.astype(dtype), rng.uniform(0.5, 2, c).astype(dtype), rng.standard_normal(c).astype(dtype), EPS)


def large(rng):
    return (rng.standard_normal((2000, 256)), rng.uniform(0.5, 2, 256), rng.standard_normal(256), EPS)


def _unbiased(got, want, args, g):
    x, gamma, beta, eps = args
    if np.allclose(got, gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta):
        return "you normalised with the unbiased variance (divide by N - 1); in training, batch norm divides by N."
    return None


def _paths(got, want, args, g):
    """Name the path to x that is missing: through the batch mean, the batch variance, or both."""
    x, gamma, beta, eps = args
    n, s = x.shape[0], 1 / np.sqrt(x.var(0) + eps)
    x_hat, d = (x - x.mean(0)) * s, g * gamma
    direct, mean_path, var_path = d * s, -s * d.sum(0) / n, -s * x_hat * (d * x_hat).sum(0) / n
    if got.shape != want.shape:
        return None
    if np.allclose(got, direct):
        return ("only the direct path is there: x also reaches the loss through the batch mean and the batch "
                "variance.")
    if np.allclose(got, direct + mean_path):
        return "the path through the batch variance is missing: the variance depends on every x[n] too."
    if np.allclose(got, direct + var_path):
        return "the path through the batch mean is missing: the mean depends on every x[n] too."
    return None


CHECKS = function_checks("BatchNorm1d", forward, inputs, ["x", "gamma", "beta", "eps"], wrt=(0, 1, 2),
                         large=large, hints={"forward": _unbiased, "backward_x": _paths})
