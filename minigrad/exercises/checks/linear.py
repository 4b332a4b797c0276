"""Grading exercise linear: y = x W^T + b with x (N, in), W (out, in), b (out,)."""
from ..checking import compare_backward, compare_forward, gradcheck, graded

FORMULAS = {"x": "dL/dx = g W", "weight": "dL/dW = g^T x", "bias": "dL/db = g summed over the rows"}
NAMES = ["x", "weight", "bias"]


def _inputs(rng, dtype="float64", n=5, d_in=4, d_out=3):
    # Three different sizes: a missing transpose cannot hide behind a square matrix.
    return (
        rng.standard_normal((n, d_in)).astype(dtype),
        rng.standard_normal((d_out, d_in)).astype(dtype),
        rng.standard_normal(d_out).astype(dtype),
    )


@graded(2, "forward: y = x W^T + b matches the reference")
def forward_values(student, reference, rng):
    compare_forward(student.Linear, reference.Linear, _inputs(rng))


@graded(1, "forward: float32 in, float32 out")
def forward_float32(student, reference, rng):
    compare_forward(student.Linear, reference.Linear, _inputs(rng, "float32"), rtol=1e-5, atol=1e-6)


@graded(4, "backward: gradients for x, W and b in the right shapes, matching the reference")
def backward_values(student, reference, rng):
    compare_backward(student.Linear, reference.Linear, _inputs(rng), NAMES, rng, formulas=FORMULAS)


@graded(3, "gradcheck of Linear.apply for x, W and b")
def gradcheck_apply(student, reference, rng):
    gradcheck(student.Linear.apply, list(_inputs(rng, n=3)), NAMES)


CHECKS = [forward_values, forward_float32, backward_values, gradcheck_apply]
