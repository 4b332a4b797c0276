"""Grading exercise cross_entropy: stable log-softmax, the mean loss, and dL/dz = g (p - Y) / N."""
import numpy as np

from ..checking import compare_backward, compare_forward, expect_array, gradcheck, graded


def _logits(rng, n=6, c=5, dtype="float64"):
    return rng.standard_normal((n, c)).astype(dtype) * 2, rng.integers(0, c, n)


@graded(2, "log_softmax matches the reference (float64 and float32)")
def log_softmax_values(student, reference, rng):
    for dtype, rtol in (("float64", 1e-6), ("float32", 1e-5)):
        z, _ = _logits(rng, dtype=dtype)
        expect_array(student.log_softmax(z.copy()), reference.log_softmax(z), f"log_softmax of {dtype} logits",
                     rtol=rtol, atol=1e-6)


@graded(1, "log_softmax is stable for logits around 1000")
def log_softmax_stable(student, reference, rng):
    z, _ = _logits(rng)
    z = z * 100 + 1000
    with np.errstate(all="ignore"):
        got = student.log_softmax(z.copy())
    expect_array(got, reference.log_softmax(z), "log_softmax of logits around 1000", rtol=1e-6, atol=1e-6,
                 hint=lambda g, w: "e^1000 overflows: subtract each row's maximum before exponentiating "
                 "(the result does not change, and every exponent becomes <= 0).")


@graded(2, "forward: the mean cross-entropy loss matches the reference")
def forward_values(student, reference, rng):
    z, target = _logits(rng)

    def hint(got, want):
        n = z.shape[0]
        if np.isclose(got, want * n):
            return f"the loss is {n} times too large: take the mean over the N = {n} rows, not the sum."
        if np.isclose(got, -want):
            return "the sign is wrong: the loss is -log p of the target class (a positive number)."
        return None

    compare_forward(student.CrossEntropy, reference.CrossEntropy, (z, target), "the loss", hint=hint)


@graded(3, "backward: dL/dz = g * (p - Y) / N from calling backward directly")
def backward_values(student, reference, rng):
    z, target = _logits(rng)
    n = z.shape[0]

    def hint(got, want):
        if np.allclose(got, -want):
            return "the sign is wrong: the gradient is p - Y (softmax minus one-hot), not Y - p."
        if np.allclose(got, want * n):
            return f"the gradient is N = {n} times too large: the loss is a mean over the rows, so divide by N."
        return None

    compare_backward(student.CrossEntropy, reference.CrossEntropy, (z, target), ["logits", "target"], rng,
                     formulas={"logits": "dL/dz = g * (p - Y) / N"}, hints={"logits": hint})


@graded(2, "gradcheck of CrossEntropy.apply for the logits")
def gradcheck_apply(student, reference, rng):
    z, target = _logits(rng, n=4, c=3)
    gradcheck(lambda logits: student.CrossEntropy.apply(logits, target), [z], ["logits"],
              hint="the formula: dL/dz = g * (p - Y) / N, with p the softmax and Y the one-hot targets.")


CHECKS = [log_softmax_values, log_softmax_stable, forward_values, backward_values, gradcheck_apply]
