"""Grading exercise maxpool_time: y[n, c] = max_t x[n, c, t], the gradient to ONE maximum."""
import numpy as np

from ..checking import (
    CheckFailed,
    as_array,
    compare_backward,
    compare_forward,
    gradcheck,
    graded,
    random_grad,
    run_backward,
    run_forward,
)


def _with_ties(rng, shape=(3, 4, 6)):
    """Small integers: most rows hold their maximum two or more times."""
    x = rng.integers(0, 3, shape).astype("float64")
    x[0, 0] = 2.0  # one row that is all ties
    return x


def _without_ties(rng, shape=(2, 3, 5)):
    """Distinct values at least 0.05 apart, shuffled: far from any tie for finite differences."""
    size = int(np.prod(shape))
    return rng.permutation(np.arange(size) * 0.05 - 1.0).reshape(shape)


@graded(2, "forward matches the reference (inputs with ties)")
def forward_values(student, reference, rng):
    compare_forward(student.MaxPoolTime, reference.MaxPoolTime, (_with_ties(rng),))


@graded(4, "backward with ties: each g[n, c] goes to exactly one maximum")
def backward_ties(student, reference, rng):
    x = _with_ties(rng)
    ctx, _ = run_forward(student.MaxPoolTime, x)
    g = random_grad(rng, x.shape[:2], x.dtype)
    (grad,) = run_backward(student.MaxPoolTime, ctx, g.copy(), 1)
    grad = as_array(grad, "the gradient for x")
    if grad.shape != x.shape:
        raise CheckFailed(f"the gradient for x has shape {grad.shape}, but x has shape {x.shape}.",
                          hint="dL/dx has x's shape (N, C, L): zeros everywhere except at the winners.")
    is_max = x == x.max(axis=-1, keepdims=True)
    receivers = (grad != 0).sum(axis=-1)
    ties = is_max.sum(axis=-1)
    if (receivers > 1).any():
        n, c = np.argwhere(receivers > 1)[0]
        raise CheckFailed(
            f"row (n={n}, c={c}) has {ties[n, c]} tied maxima and your gradient reaches {receivers[n, c]} of them.",
            hint="with ties the gradient was sent to every maximum, so it is counted several times; send g[n, c] "
            "to one maximum only - the first, x.argmax(axis=-1), as PyTorch does.",
        )
    total = grad.sum(axis=-1)
    on_max = np.where(is_max, grad, 0).sum(axis=-1)
    if not (np.allclose(total, g) and np.allclose(on_max, g)):
        n, c = np.argwhere(~(np.isclose(total, g) & np.isclose(on_max, g)))[0]
        raise CheckFailed(
            f"row (n={n}, c={c}): the gradient should put g = {g[n, c]:.4g} on one maximum of x[n, c], but "
            f"it puts {on_max[n, c]:.4g} on the maxima and {total[n, c] - on_max[n, c]:.4g} elsewhere.",
            hint="dL/dx[n, c, t] = g[n, c] at the winner t = x[n, c].argmax(), and 0 at every other t.",
        )


@graded(1, "backward without ties matches the reference")
def backward_values(student, reference, rng):
    compare_backward(student.MaxPoolTime, reference.MaxPoolTime, (_without_ties(rng),), ["x"], rng,
                     formulas={"x": "dL/dx[n, c, t] = g[n, c] at the argmax t, else 0"})


@graded(3, "gradcheck of MaxPoolTime.apply (inputs without ties)")
def gradcheck_apply(student, reference, rng):
    gradcheck(student.MaxPoolTime.apply, [_without_ties(rng)], ["x"])


CHECKS = [forward_values, backward_ties, backward_values, gradcheck_apply]
