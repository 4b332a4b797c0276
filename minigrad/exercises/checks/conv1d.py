"""Grading exercise conv1d: y[n, o, t] = b[o] + sum_{c, k} W[o, c, k] x[n, c, t + k]."""
from ..checking import compare_backward, compare_forward, gradcheck, graded

NAMES = ["x", "weight", "bias"]
FORMULAS = {
    "x": "dL/dx[n, c, t + k] += sum_o g[n, o, t] W[o, c, k], for every k",
    "weight": "dL/dW[o, c, k] = sum over n and t of g[n, o, t] x[n, c, t + k]",
    "bias": "dL/db[o] = g summed over n and t",
}


def _inputs(rng, dtype="float64", n=2, c_in=3, c_out=4, length=7, width=3):
    return (
        rng.standard_normal((n, c_in, length)).astype(dtype),
        rng.standard_normal((c_out, c_in, width)).astype(dtype),
        rng.standard_normal(c_out).astype(dtype),
    )


@graded(3, "forward matches the reference (shape (N, C_out, L - K + 1))")
def forward_values(student, reference, rng):
    compare_forward(student.Conv1d, reference.Conv1d, _inputs(rng))


@graded(1, "forward: float32 in, float32 out")
def forward_float32(student, reference, rng):
    compare_forward(student.Conv1d, reference.Conv1d, _inputs(rng, "float32"), rtol=1e-4, atol=1e-5)


@graded(3, "backward: gradients for x, W and b in the right shapes, matching the reference")
def backward_values(student, reference, rng):
    compare_backward(student.Conv1d, reference.Conv1d, _inputs(rng), NAMES, rng, formulas=FORMULAS)


@graded(3, "gradcheck of Conv1d.apply for x, W and b")
def gradcheck_apply(student, reference, rng):
    gradcheck(student.Conv1d.apply, list(_inputs(rng, n=2, c_in=2, c_out=2, length=5, width=2)), NAMES)


CHECKS = [forward_values, forward_float32, backward_values, gradcheck_apply]
