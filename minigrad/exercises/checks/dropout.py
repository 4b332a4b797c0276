"""Grading exercise dropout: inverted dropout, y = x * keep / (1 - p), judged by its properties.

The student may draw the mask in any way from the generator, so the checks
do not compare masks with the reference; they check what every correct
inverted dropout does.
"""
import numpy as np

from ..checking import CheckFailed, as_array, expect_array, gradcheck, graded, random_grad, run_backward, run_forward

P = 0.3


def _x(rng, shape=(200, 50)):
    return rng.uniform(0.5, 1.5, shape)


def _forward(student, x, p, training, seed):
    ctx, y = run_forward(student.Dropout, x, p, training, np.random.default_rng(seed))
    y = as_array(y, "forward's output")
    if y.shape != x.shape or y.dtype != x.dtype:
        raise CheckFailed(f"forward's output has shape {y.shape} and dtype {y.dtype}; expected {x.shape} and "
                          f"{x.dtype}, like x.")
    return ctx, y


@graded(3, "forward in training: entries are 0 or x / (1 - p), a fraction p of them 0")
def forward_training(student, reference, rng):
    x = _x(rng)
    _, y = _forward(student, x, P, True, int(rng.integers(2**31)))
    dropped = y == 0
    kept = ~dropped
    if kept.any() and np.allclose(y[kept], x[kept]):
        raise CheckFailed(
            "the entries that survive equal x: dropout is not rescaled.",
            hint=f"inverted dropout divides the survivors by (1 - p) = {1 - P:g}, so that the expected output "
            "E[y] = x stays the same in training and at evaluation (where nothing is dropped).",
        )
    if kept.any() and np.allclose(y[kept], x[kept] / P):
        raise CheckFailed("the survivors are x / p; they should be x / (1 - p).",
                          hint="p is the probability to DROP an entry; the survivors are scaled by 1 / (1 - p).")
    if not np.allclose(y[kept], x[kept] / (1 - P)):
        raise CheckFailed(f"some entries are neither 0 nor x / (1 - p) (p = {P}).",
                          hint="y = x * keep / (1 - p) with keep a boolean mask.")
    fraction = dropped.mean()
    if abs(fraction - P) > 0.03:
        hint = ("p is the probability to drop (keep = generator.random(shape) >= p), not to keep."
                if abs(fraction - (1 - P)) < 0.03 else "each entry must be dropped with probability p.")
        raise CheckFailed(f"{fraction:.1%} of the entries were dropped with p = {P}; expected about {P:.0%}.",
                          hint=hint)


@graded(2, "forward at evaluation (training=False), with p = 0 and with p = 1")
def forward_special(student, reference, rng):
    x = _x(rng, (20, 10))
    _, y = _forward(student, x, P, False, 0)
    expect_array(y, x, "the output at evaluation (training=False)",
                 hint=lambda g, w: "at evaluation dropout does nothing: return x unchanged (no mask, no scaling).")
    _, y = _forward(student, x, 0.0, True, 0)
    expect_array(y, x, "the output with p = 0", hint=lambda g, w: "with p = 0 nothing is dropped: y = x.")
    with np.errstate(all="ignore"):
        _, y = _forward(student, x, 1.0, True, 0)
    expect_array(y, np.zeros_like(x), "the output with p = 1",
                 hint=lambda g, w: "with p = 1 every entry is dropped: y = 0 (and 0 / 0 must not make NaN).")


@graded(2, "backward: dL/dx = g * keep / (1 - p), with forward's mask")
def backward_values(student, reference, rng):
    x = _x(rng, (30, 20))
    ctx, y = _forward(student, x, P, True, int(rng.integers(2**31)))
    mask = (y != 0) / (1 - P)
    g = random_grad(rng, x.shape, x.dtype)
    grads = run_backward(student.Dropout, ctx, g.copy(), 4)

    def hint(got, want):
        if np.allclose(got, g * (y != 0)):
            return "the gradient is not rescaled: dL/dx = g * keep / (1 - p), the same factor as forward."
        if ((got != 0) != (y != 0)).any():
            return "backward must use the very mask forward drew: save it with ctx.save_for_backward; do not " \
                   "draw a new one."
        return None

    expect_array(grads[0], (g * mask).astype(x.dtype), "the gradient for x", hint=hint)


@graded(3, "gradcheck of Dropout.apply (a fixed generator on every call)")
def gradcheck_apply(student, reference, rng):
    x = _x(rng, (4, 5))
    seed = int(rng.integers(2**31))
    gradcheck(lambda t: student.Dropout.apply(t, P, True, np.random.default_rng(seed)), [x], ["x"],
              hint="dL/dx = g * keep / (1 - p), with the mask that forward drew.")


CHECKS = [forward_training, forward_special, backward_values, gradcheck_apply]
