"""Binary cross-entropy: one yes/no prediction per entry (two classes, or several independent labels).

    binary_cross_entropy              probabilities in [0, 1] and 0/1 targets
    binary_cross_entropy_with_logits  logits and 0/1 (multi-label) targets

Prefer the second: it works from the logits, through the stable sigmoid and
softplus of ops/activation.py, so it never takes the log of 0.
"""
from .. import backend, device_checks, dtypes
from ..autograd import Function
from ..errors import ShapeError
from ..ops.activation import stable_sigmoid, stable_softplus
from ._loss_util import check_float, check_reduction, check_tensor, reduce


class BinaryCrossEntropyFunction(Function):
    """Binary cross-entropy of probabilities x and targets y in [0, 1], weighted by w.

        l = -w * (y * log(x) + (1 - y) * log(1 - x)),   each log clamped at >= -100

    dL/dx = g * w * (x - y) / max(x (1 - x), 1e-12)
    dL/dy = g * w * (log(1 - x) - log(x))           (the clamped logs)

    The clamp (PyTorch's) keeps the loss finite (at most 100 w) when x is
    exactly 0 or 1; the 1e-12 does the same for the gradient.
    """

    @staticmethod
    def forward(ctx, x, y, weight):
        xp = ctx.xp
        with backend.errstate(divide="ignore"):
            log_x = xp.maximum(xp.log(x), -100)
            log_1mx = xp.maximum(xp.log(1 - x), -100)
        loss = -(y * log_x + (1 - y) * log_1mx)
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, y, weight, log_x, log_1mx)
        return loss

    @staticmethod
    def backward(ctx, g):
        x, y, weight, log_x, log_1mx = ctx.saved_tensors
        xp = ctx.xp
        if weight is not None:
            g = g * weight
        grad_x = g * (x - y) / xp.maximum(x * (1 - x), 1e-12) if ctx.needs_input_grad[0] else None
        grad_y = g * (log_1mx - log_x) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y, None


def _check_same_shape(op, input, target):
    if target.shape != input.shape:
        raise ShapeError(
            f"{op}: target has shape {target.shape} but input has shape {input.shape}; they must be the same (one "
            "target per prediction). A (N, 1) output against (N,) targets needs output.squeeze(1) or "
            "target.unsqueeze(1)."
        )


def _broadcast_weight(op, name, weight, shape, dtype):
    """``weight`` as an array that broadcasts to ``shape``, in the input's dtype."""
    if weight is None:
        return None
    check_tensor(op, name, weight)
    try:
        fits = backend.cpu.broadcast_shapes(weight.shape, shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(
            f"{op}: {name} of shape {weight.shape} does not broadcast to the input's shape {shape}. Shapes are "
            f"compared from the right; for one {name} per class give shape ({shape[-1] if shape else 1},)."
        )
    return weight._data.astype(dtypes.to_numpy_dtype(dtype), copy=False)


def binary_cross_entropy(input, target, weight=None, *, reduction="mean"):
    """Binary cross-entropy of probabilities: l = -w [y log x + (1 - y) log(1 - x)].

    ``input`` holds probabilities in [0, 1] (the output of a sigmoid) and
    ``target`` has its shape.  Each log is clamped at -100, as in PyTorch.
    Prefer ``binary_cross_entropy_with_logits`` on the logits: it is more
    accurate and never saturates.  ``weight`` broadcasts to the input.
    """
    op = "binary_cross_entropy"
    check_tensor(op, "input", input)
    check_tensor(op, "target", target)
    check_reduction(op, reduction)
    check_float(op, "input", input)
    _check_same_shape(op, input, target)
    x = input._data
    device_checks.check(x, ~((x >= 0) & (x <= 1)), lambda value: ValueError(  # NaN fails too
        f"{op}: every input must be a probability between 0 and 1, found {value:.4g}. "
        "Apply sigmoid first, or use binary_cross_entropy_with_logits on the logits."
    ))  # at once on the CPU; on a GPU at the next host read (device_checks.py says why)
    weight = _broadcast_weight(op, "weight", weight, input.shape, input.dtype)
    target = target if target.dtype == input.dtype else target.to(input.dtype)
    return reduce(BinaryCrossEntropyFunction.apply(input, target, weight), reduction)


class BinaryCrossEntropyWithLogitsFunction(Function):
    """Binary cross-entropy of logits x and targets y, with weight w and positive-class weight p.

        l = -w * (p * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x)))

    Since -log sigmoid(x) = softplus(-x) = log(1 + e^-x) and
    -log(1 - sigmoid(x)) = x + softplus(-x), with r = 1 + (p - 1) y:

        l = w * ((1 - y) x + r * softplus(-x))
        softplus(-x) = max(-x, 0) + log(1 + e^-|x|)     (never overflows)

    dL/dx = g * w * ((1 - y) - r * sigmoid(-x))       (= g w (sigmoid(x) - y) when p = 1)
    dL/dy = g * w * ((p - 1) softplus(-x) - x)
    """

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight):
        softplus_neg = stable_softplus(ctx.xp, -x)
        r = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        loss = (1 - y) * x + r * softplus_neg
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, y, weight, pos_weight, softplus_neg)
        return loss

    @staticmethod
    def backward(ctx, g):
        x, y, weight, pos_weight, softplus_neg = ctx.saved_tensors
        if weight is not None:
            g = g * weight
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            r = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
            grad_x = g * ((1 - y) - r * stable_sigmoid(ctx.xp, -x))
        if ctx.needs_input_grad[1]:
            p_minus_1 = 0 if pos_weight is None else pos_weight - 1
            grad_y = g * (p_minus_1 * softplus_neg - x)
        return grad_x, grad_y, None, None


def binary_cross_entropy_with_logits(input, target, weight=None, *, reduction="mean", pos_weight=None):
    """Sigmoid and binary cross-entropy in one, computed stably from the logits.

        l = -w [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]

    ``input`` holds logits, ``target`` (same shape) values in [0, 1]; for
    multi-label classification, (N, C) logits with one 0/1 target per class.
    ``weight`` broadcasts to the input; ``pos_weight`` p (shape (C,),
    broadcast along the last dimension) weighs the positive targets of each
    class: p > 1 raises recall, e.g. p = #negatives / #positives.
    """
    op = "binary_cross_entropy_with_logits"
    check_tensor(op, "input", input)
    check_tensor(op, "target", target)
    check_reduction(op, reduction)
    check_float(op, "input (the logits)", input)
    _check_same_shape(op, input, target)
    weight = _broadcast_weight(op, "weight", weight, input.shape, input.dtype)
    pos_weight = _broadcast_weight(op, "pos_weight", pos_weight, input.shape, input.dtype)
    target = target if target.dtype == input.dtype else target.to(input.dtype)
    return reduce(BinaryCrossEntropyWithLogitsFunction.apply(input, target, weight, pos_weight), reduction)
