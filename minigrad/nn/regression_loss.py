"""Regression losses: how far a real-valued prediction is from its target.

    mse_loss        (x - y)^2
    l1_loss         |x - y|
    smooth_l1_loss  quadratic near 0, linear far away
    huber_loss      the same with slope delta

Each is composed from differentiable operations (subtraction, abs, where),
so its gradient comes from theirs; the docstrings state it.
"""
import warnings

from ..ops import elementwise
from ._loss_util import check_reduction, check_tensor, reduce


def _difference(op, input, target):
    check_tensor(op, "input", input)
    check_tensor(op, "target", target)
    if target.shape != input.shape:
        # PyTorch warns rather than fails here; broadcasting (N, 1) against (N,) silently makes (N, N).
        warnings.warn(
            f"{op}: target shape {target.shape} differs from input shape {input.shape}; they will be broadcast, "
            "which is likely wrong. Make them the same (squeeze or unsqueeze one).",
            stacklevel=3,
        )
    return input - target


def mse_loss(input, target, *, reduction="mean"):
    """Mean squared error: l = (x - y)^2;   dl/dx = 2 (x - y)."""
    check_reduction("mse_loss", reduction)
    d = _difference("mse_loss", input, target)
    return reduce(d * d, reduction)


def l1_loss(input, target, *, reduction="mean"):
    """Mean absolute error: l = |x - y|;   dl/dx = sign(x - y) (0 at x = y)."""
    check_reduction("l1_loss", reduction)
    return reduce(elementwise.abs(_difference("l1_loss", input, target)), reduction)


def smooth_l1_loss(input, target, *, reduction="mean", beta=1.0):
    """Smooth L1: l = 0.5 d^2 / beta if |d| < beta, else |d| - 0.5 beta, with d = x - y.

    Quadratic near 0 (a gradient that shrinks with the error), linear far away
    (outliers pull with a gradient of at most 1).  beta = 0 is the L1 loss.
    """
    op = "smooth_l1_loss"
    check_reduction(op, reduction)
    if beta < 0:
        raise ValueError(f"{op}: beta must be >= 0, got {beta}")
    d = _difference(op, input, target)
    size = elementwise.abs(d)
    if beta == 0:
        return reduce(size, reduction)
    return reduce(elementwise.where(size < beta, 0.5 * d * d / beta, size - 0.5 * beta), reduction)


def huber_loss(input, target, *, reduction="mean", delta=1.0):
    """Huber: l = 0.5 d^2 if |d| < delta, else delta (|d| - 0.5 delta), with d = x - y.

    The same as ``delta * smooth_l1_loss(beta=delta)``: its linear part has
    slope delta instead of 1.
    """
    op = "huber_loss"
    check_reduction(op, reduction)
    if delta <= 0:
        raise ValueError(f"{op}: delta must be > 0, got {delta}")
    d = _difference(op, input, target)
    size = elementwise.abs(d)
    return reduce(elementwise.where(size < delta, 0.5 * d * d, delta * (size - 0.5 * delta)), reduction)
