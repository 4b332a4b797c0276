"""Grading exercise batchnorm1d: batch normalisation in training mode on (N, C)."""
import numpy as np

from ..checking import compare_backward, compare_forward, gradcheck, graded, random_grad

NAMES = ["x", "gamma", "beta", "eps"]
EPS = 1e-5
FORMULAS = {
    "x": "dL/dx = (s / N) * (N d - sum_n d - x_hat * sum_n(d x_hat)), d = g * gamma, s = 1 / sqrt(var + eps)",
    "gamma": "dL/dgamma = sum over n of g * x_hat",
    "beta": "dL/dbeta = sum over n of g",
}


def _inputs(rng, dtype="float64", n=6, c=4):
    x = rng.standard_normal((n, c)) * rng.uniform(0.5, 3, c) + rng.uniform(-2, 2, c)
    return (x.astype(dtype), rng.uniform(0.5, 2, c).astype(dtype), rng.standard_normal(c).astype(dtype), EPS)


@graded(3, "forward matches the reference (batch mean, biased variance)")
def forward_values(student, reference, rng):
    x, gamma, beta, eps = _inputs(rng)
    n = x.shape[0]
    unbiased = gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta

    def hint(got, want):
        if np.allclose(got, unbiased):
            return f"you normalised with the unbiased variance (divide by N - 1 = {n - 1}); in training, batch " \
                   "norm uses the biased one (divide by N): x.var(axis=0)."
        return None

    compare_forward(student.BatchNorm1d, reference.BatchNorm1d, (x, gamma, beta, eps), hint=hint)


@graded(1, "forward: float32 in, float32 out")
def forward_float32(student, reference, rng):
    compare_forward(student.BatchNorm1d, reference.BatchNorm1d, _inputs(rng, "float32"), rtol=1e-4, atol=1e-5)


@graded(3, "backward: gradients for x, gamma and beta, matching the reference")
def backward_values(student, reference, rng):
    args = _inputs(rng)
    x, gamma, _, eps = args
    g = random_grad(rng, x.shape, x.dtype)
    direct_only = g * gamma / np.sqrt(x.var(0) + eps)  # as if the mean and the variance were constants

    def hint_x(got, want):
        if np.allclose(got, direct_only):
            return (
                "only the direct path is there: x also reaches the loss through the batch mean and the batch "
                "variance, which add -sum_n d / N and -x_hat * sum_n(d x_hat) / N (times s)."
            )
        return None

    compare_backward(student.BatchNorm1d, reference.BatchNorm1d, args, NAMES, rng, formulas=FORMULAS,
                     hints={"x": hint_x}, grad_output=g)


@graded(3, "gradcheck of BatchNorm1d.apply for x, gamma and beta")
def gradcheck_apply(student, reference, rng):
    x, gamma, beta, eps = _inputs(rng, n=5, c=3)
    gradcheck(lambda a, b, c: student.BatchNorm1d.apply(a, b, c, eps), [x, gamma, beta], NAMES[:3])


CHECKS = [forward_values, forward_float32, backward_values, gradcheck_apply]
