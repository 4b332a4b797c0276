"""Loss functions: how far a prediction is from its target, as one number to minimise.

Classification
    cross_entropy   logits and class indices (or class probabilities)
    nll_loss        log-probabilities and class indices
    binary_cross_entropy              probabilities in [0, 1] and 0/1 targets
    binary_cross_entropy_with_logits  logits and 0/1 (multi-label) targets
Regression
    mse_loss, l1_loss, smooth_l1_loss, huber_loss

Every loss first computes one value l_n per target entry, then ``reduction``
turns them into the result: 'none' keeps them all, 'sum' adds them up, and
'mean' averages them (for a class-weighted loss, a *weighted* average: it
divides by the sum of the weights used, as PyTorch does).

The cross-entropy of class indices is one fused Function: the softmax and
the log are never computed separately, so logits of size 1e4 stay finite,
and its gradient is simply (softmax - one-hot target), weighted.
"""
import warnings

from .. import backend, dtypes
from ..autograd import Function
from ..errors import ShapeError
from ..ops import activation, elementwise
from ..ops import reduce as reduce_ops
from ..tensor import Tensor
from .module import Module

_REDUCTIONS = ("mean", "sum", "none")


# --------------------------------------------------------------- checks
def _check_reduction(op, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}. Use 'none' to get one loss "
            "per entry."
        )


def _reduce(loss, reduction):
    """The reduction of a loss whose entries all count equally."""
    if reduction == "sum":
        return reduce_ops.sum(loss)
    if reduction == "mean":
        return reduce_ops.mean(loss)
    return loss


def _check_tensor(op, name, value):
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{op}: {name} must be a minigrad Tensor, got {type(value).__name__}. Wrap it with minigrad.tensor(...)."
        )


def _check_float(op, name, t):
    if not t.is_floating_point():
        raise TypeError(f"{op}: {name} must be floating point, got {t.dtype}; convert it with .float().")


def _class_dim(op, input):
    """Where the classes are: dimension 1 of (N, C, ...), dimension 0 of an unbatched (C,)."""
    if input.ndim == 0:
        raise ShapeError(f"{op}: input must have a class dimension, (N, C) or (C,), but it is a single number.")
    return 1 if input.ndim >= 2 else 0


def _class_weight(op, weight, num_classes, dtype):
    """``weight`` as an array of shape (C,) and the input's dtype, or None."""
    if weight is None:
        return None
    _check_tensor(op, "weight", weight)
    if weight.shape != (num_classes,):
        raise ShapeError(
            f"{op}: weight has shape {weight.shape} but the input has C={num_classes} classes; give one weight "
            f"per class, shape ({num_classes},)."
        )
    return weight._data.astype(dtypes.to_numpy_dtype(dtype), copy=False)


def _check_class_target(op, input, target, ignore_index):
    """Check integer class targets: dtype, shape (input without its class dimension), range."""
    _check_tensor(op, "target", target)
    dim = _class_dim(op, input)
    num_classes = input.shape[dim]
    if target.is_floating_point() or target.dtype == dtypes.bool:
        raise TypeError(
            f"{op}: class-index targets must be int64, got {target.dtype} of shape {target.shape}. Convert them "
            "with target.long()" + (
                ", or use cross_entropy, which also accepts class probabilities of the input's shape."
                if op == "nll_loss" else "."
            )
        )
    expected = input.shape[:dim] + input.shape[dim + 1:]
    if target.shape != expected:
        if input.ndim >= 2 and target.ndim >= 1 and target.shape[0] != input.shape[0]:
            raise ShapeError(
                f"{op}: input has batch size {input.shape[0]} (shape {input.shape}) but target has batch size "
                f"{target.shape[0]} (shape {target.shape}); give one target per example."
            )
        hint = " (it looks one-hot: pass target.argmax(dim=1), or target.float() as probabilities)" if (
            target.shape == input.shape) else ""
        raise ShapeError(
            f"{op}: input of shape {input.shape} needs class-index targets of shape {expected} (the input's shape "
            f"without the class dimension {dim}), got {target.shape}{hint}."
        )
    t = target._data
    bad = t[(t != ignore_index) & ((t < 0) | (t >= num_classes))]
    if bad.size:
        raise IndexError(
            f"{op}: target value {int(bad.reshape(-1)[0])} is out of range for C={num_classes} classes (valid: 0 to "
            f"{num_classes - 1}, or ignore_index={ignore_index} to skip an entry). Was num_classes set too small, "
            "or are the labels numbered from 1?"
        )
    return dim


def _expand_class(xp, a, dim):
    """Give a per-entry array back the class dimension (size 1), ready to broadcast over (N, C, ...)."""
    return xp.expand_dims(a, dim)


def _class_view(a, ndim, dim):
    """A (C,) array shaped (1, C, 1, ...) to broadcast along dimension ``dim``."""
    shape = [1] * ndim
    shape[dim] = a.shape[0]
    return a.reshape(shape)


# ---------------------------------------------------------- cross entropy
class CrossEntropyFunction(Function):
    """Cross-entropy of logits x and class indices y, with class weights w and label smoothing eps.

    With log p = log_softmax(x) along the class dimension and C classes,
    one entry n (whose target is not ``ignore_index``) has the loss

        l_n = (1 - eps) * w[y_n] * (-log p[n, y_n])  +  (eps / C) * sum_c w[c] * (-log p[n, c])

    (w = 1 without weights; ignored entries have l_n = 0).  'mean' divides
    sum_n l_n by sum_n w[y_n] over the entries not ignored, as PyTorch does.

    dL/dx[n, c] = s_n * ( p[n, c] * ((1 - eps) w[y_n] + (eps / C) sum_k w[k])
                          - (1 - eps) w[y_n] [c == y_n] - (eps / C) w[c] )

    where s_n = g_n ('none'), g ('sum') or g / sum of weights ('mean').
    Without weights or smoothing this is the familiar p - one_hot(y).

    log p[n, c] = (x[n, c] - m_n) - log sum_k e^(x[n, k] - m_n), m_n the row
    maximum: every exponent is <= 0, so nothing overflows.
    """

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, label_smoothing, dim):
        xp = ctx.xp
        num_classes = x.shape[dim]
        valid = target != ignore_index
        # An ignored entry may hold any value (-100): point it at class 0 so indexing works, then zero it.
        index = _expand_class(xp, xp.where(valid, target, 0), dim)
        shifted = x - x.max(axis=dim, keepdims=True)
        exp = xp.exp(shifted)
        sum_exp = exp.sum(axis=dim, keepdims=True)
        log_sum_exp = xp.log(sum_exp)
        # -log p[y] = log sum e^shifted - shifted[y]; the full log-softmax is never needed.
        nll = (log_sum_exp - xp.take_along_axis(shifted, index, axis=dim)).squeeze(dim)
        w_target = valid.astype(x.dtype) if weight is None else weight[index.squeeze(dim)] * valid
        loss = (1 - label_smoothing) * w_target * nll
        if label_smoothing > 0:
            weighted = shifted if weight is None else shifted * _class_view(weight, x.ndim, dim)
            w_total = num_classes if weight is None else weight.sum()
            # sum_c w_c (-log p_c) = W log sum e^shifted - sum_c w_c shifted_c
            smooth = w_total * log_sum_exp.squeeze(dim) - weighted.sum(axis=dim)
            loss = loss + (label_smoothing / num_classes) * smooth * valid
        denominator = w_target.sum()
        if ctx.needs_input_grad[0]:
            # p = exp / sum_exp is formed in backward, folded into one multiplication there.
            ctx.save_for_backward(exp, sum_exp, index, valid, w_target, weight)
            ctx.dim, ctx.reduction, ctx.eps, ctx.denominator = dim, reduction, label_smoothing, denominator
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
        with backend.errstate(invalid="ignore", divide="ignore"):
            # All entries ignored: 0 / 0 = NaN, as in PyTorch.
            return loss.sum() / denominator

    @staticmethod
    def backward(ctx, g):
        exp, sum_exp, index, valid, w_target, weight = ctx.saved_tensors
        xp, dim, eps = ctx.xp, ctx.dim, ctx.eps
        # As a float of the input's dtype: a bool array times a Python number would become float64.
        valid = valid.astype(exp.dtype)
        num_classes = exp.shape[dim]
        if ctx.reduction == "mean":
            with backend.errstate(invalid="ignore", divide="ignore"):
                scale = xp.where(valid, g / ctx.denominator, 0)
        else:
            scale = g * valid
        w_total = num_classes if weight is None else weight.sum()
        p_coef = (1 - eps) * w_target + (eps / num_classes) * w_total * valid
        # p * coefficient, with p = exp / sum_exp: one pass over the (N, C) array.
        grad = exp * (_expand_class(xp, p_coef * scale, dim) / sum_exp)
        # The one-hot term touches one entry per row: subtract it there instead of building the one-hot matrix.
        target_entry = xp.take_along_axis(grad, index, axis=dim)
        one_hot_term = _expand_class(xp, (1 - eps) * w_target * scale, dim)
        xp.put_along_axis(grad, index, target_entry - one_hot_term, axis=dim)
        if eps > 0:
            w_view = 1 if weight is None else _class_view(weight, exp.ndim, dim)
            grad -= (eps / num_classes) * w_view * _expand_class(xp, scale, dim)
        return grad, None, None, None, None, None, None


def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits and targets: softmax and negative log-likelihood in one.

    Args:
        input: logits (N, C), (N, C, d1, ...) or, for one example, (C,).
        target: either class indices, int64 of the input's shape without C
            ((N,), (N, d1, ...) or ()), or class probabilities, float of the
            input's shape.
        weight: optional (C,) weight of each class (for unbalanced classes).
        ignore_index: entries whose class index is this value count for
            nothing, neither in the sum nor in the mean (class indices only).
        reduction: 'mean' (default), 'sum' or 'none'.
        label_smoothing: eps in [0, 1]; the target becomes (1 - eps) one-hot
            + eps / C spread over all classes.

    Class indices (weighted mean over the entries not ignored)::

        l_n = (1 - eps) w[y_n] (-log p[n, y_n]) + (eps / C) sum_c w[c] (-log p[n, c])
        mean = sum_n l_n / sum_n w[y_n]

    Class probabilities q (the mean divides by the number of entries, without weights)::

        l_n = -sum_c w[c] q'[n, c] log p[n, c],   q' = (1 - eps) q + eps / C

    with p = softmax(input) along the class dimension.  Only keyword
    arguments after ``weight``: PyTorch's third positional argument is the
    deprecated ``size_average``, so positions would silently disagree.
    """
    op = "cross_entropy"
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
    _check_reduction(op, reduction)
    _check_float(op, "input (the logits)", input)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    dim = _class_dim(op, input)
    weight = _class_weight(op, weight, input.shape[dim], input.dtype)
    if target.is_floating_point():
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, dim)
    dim = _check_class_target(op, input, target, ignore_index)
    return CrossEntropyFunction.apply(input, target, weight, ignore_index, reduction, label_smoothing, dim)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, dim):
    """Soft targets, composed from operations so that the target may require grad too."""
    if target.shape != input.shape:
        expected = input.shape[:dim] + input.shape[dim + 1:]
        raise ShapeError(
            f"cross_entropy: float targets are class probabilities and must have the input's shape {input.shape}, "
            f"got {target.shape}. For class indices pass int64 targets of shape {expected} (target.long())."
        )
    num_classes = input.shape[dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / num_classes
    product = activation.log_softmax(input, dim=dim) * target
    if weight is not None:
        product = product * Tensor._from_array(_class_view(weight, input.ndim, dim))
    loss = -reduce_ops.sum(product, dim=dim)
    return _reduce(loss, reduction)


# ----------------------------------------------------------- nll loss
class NLLLossFunction(Function):
    """Negative log-likelihood of log-probabilities x and class indices y, with class weights w.

        l_n = -w[y_n] * x[n, y_n]      (0 where y_n == ignore_index)
        mean = sum_n l_n / sum_n w[y_n]   over the entries not ignored

    dL/dx[n, c] = -s_n w[y_n] [c == y_n]: only the target's entry gets a
    gradient, where s_n = g_n ('none'), g ('sum') or g / sum of weights ('mean').
    """

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, dim):
        xp = ctx.xp
        valid = target != ignore_index
        index = _expand_class(xp, xp.where(valid, target, 0), dim)
        w_target = valid.astype(x.dtype) if weight is None else weight[index.squeeze(dim)] * valid
        loss = -w_target * xp.take_along_axis(x, index, axis=dim).squeeze(dim)
        denominator = w_target.sum()
        ctx.save_for_backward(index, valid, w_target)
        ctx.shape, ctx.dim, ctx.reduction, ctx.denominator = x.shape, dim, reduction, denominator
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
        with backend.errstate(invalid="ignore", divide="ignore"):
            return loss.sum() / denominator

    @staticmethod
    def backward(ctx, g):
        index, valid, w_target = ctx.saved_tensors
        xp, dim = ctx.xp, ctx.dim
        if ctx.reduction == "mean":
            with backend.errstate(invalid="ignore", divide="ignore"):
                scale = xp.where(valid, g / ctx.denominator, 0)
        else:
            scale = g * valid
        grad = xp.zeros(ctx.shape, dtype=w_target.dtype)
        xp.put_along_axis(grad, index, _expand_class(xp, -w_target * scale, dim), axis=dim)
        return grad, None, None, None, None, None


def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood: the loss for an input that is already log-probabilities.

        l_n = -w[y_n] * input[n, y_n],   mean = sum_n l_n / sum_n w[y_n]   (entries not ignored)

    ``nll_loss(log_softmax(x, dim=1), y)`` equals ``cross_entropy(x, y)``.
    Shapes: input (N, C), (N, C, d1, ...) or (C,); target int64 (N,),
    (N, d1, ...) or ().  Keyword arguments after ``weight`` only (see
    ``cross_entropy``).
    """
    op = "nll_loss"
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    _check_float(op, "input (log-probabilities)", input)
    dim = _check_class_target(op, input, target, ignore_index)
    weight = _class_weight(op, weight, input.shape[dim], input.dtype)
    return NLLLossFunction.apply(input, target, weight, ignore_index, reduction, dim)


# ------------------------------------------------- binary cross entropy
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
    _check_tensor(op, name, weight)
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
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
    _check_reduction(op, reduction)
    _check_float(op, "input", input)
    _check_same_shape(op, input, target)
    x = input._data
    if x.size and not bool(((x >= 0) & (x <= 1)).all()):
        raise ValueError(
            f"{op}: every input must be a probability between 0 and 1 (found {float(x.min()):.4g} to "
            f"{float(x.max()):.4g}). Apply sigmoid first, or use binary_cross_entropy_with_logits on the logits."
        )
    weight = _broadcast_weight(op, "weight", weight, input.shape, input.dtype)
    target = target if target.dtype == input.dtype else target.to(input.dtype)
    return _reduce(BinaryCrossEntropyFunction.apply(input, target, weight), reduction)


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
        xp = ctx.xp
        softplus_neg = xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x)))
        r = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        loss = (1 - y) * x + r * softplus_neg
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, y, weight, pos_weight, softplus_neg)
        return loss

    @staticmethod
    def backward(ctx, g):
        x, y, weight, pos_weight, softplus_neg = ctx.saved_tensors
        xp = ctx.xp
        if weight is not None:
            g = g * weight
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            e = xp.exp(-xp.abs(x))
            sigmoid_neg = xp.where(x >= 0, e / (1 + e), 1 / (1 + e))
            r = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
            grad_x = g * ((1 - y) - r * sigmoid_neg)
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
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
    _check_reduction(op, reduction)
    _check_float(op, "input (the logits)", input)
    _check_same_shape(op, input, target)
    weight = _broadcast_weight(op, "weight", weight, input.shape, input.dtype)
    pos_weight = _broadcast_weight(op, "pos_weight", pos_weight, input.shape, input.dtype)
    target = target if target.dtype == input.dtype else target.to(input.dtype)
    return _reduce(BinaryCrossEntropyWithLogitsFunction.apply(input, target, weight, pos_weight), reduction)


# ------------------------------------------------------------ regression
def _difference(op, input, target):
    _check_tensor(op, "input", input)
    _check_tensor(op, "target", target)
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
    _check_reduction("mse_loss", reduction)
    d = _difference("mse_loss", input, target)
    return _reduce(d * d, reduction)


def l1_loss(input, target, *, reduction="mean"):
    """Mean absolute error: l = |x - y|;   dl/dx = sign(x - y) (0 at x = y)."""
    _check_reduction("l1_loss", reduction)
    return _reduce(elementwise.abs(_difference("l1_loss", input, target)), reduction)


def smooth_l1_loss(input, target, *, reduction="mean", beta=1.0):
    """Smooth L1: l = 0.5 d^2 / beta if |d| < beta, else |d| - 0.5 beta, with d = x - y.

    Quadratic near 0 (a gradient that shrinks with the error), linear far away
    (outliers pull with a gradient of at most 1).  beta = 0 is the L1 loss.
    """
    op = "smooth_l1_loss"
    _check_reduction(op, reduction)
    if beta < 0:
        raise ValueError(f"{op}: beta must be >= 0, got {beta}")
    d = _difference(op, input, target)
    size = elementwise.abs(d)
    if beta == 0:
        return _reduce(size, reduction)
    return _reduce(elementwise.where(size < beta, 0.5 * d * d / beta, size - 0.5 * beta), reduction)


def huber_loss(input, target, *, reduction="mean", delta=1.0):
    """Huber: l = 0.5 d^2 if |d| < delta, else delta (|d| - 0.5 delta), with d = x - y.

    The same as ``delta * smooth_l1_loss(beta=delta)``: its linear part has
    slope delta instead of 1.
    """
    op = "huber_loss"
    _check_reduction(op, reduction)
    if delta <= 0:
        raise ValueError(f"{op}: delta must be > 0, got {delta}")
    d = _difference(op, input, target)
    size = elementwise.abs(d)
    return _reduce(elementwise.where(size < delta, 0.5 * d * d, delta * (size - 0.5 * delta)), reduction)


# --------------------------------------------------------------- one-hot
def one_hot(tensor, num_classes=-1):
    """Class indices (*) -> one-hot rows (*, num_classes) of int64: row i has a 1 at column tensor[i].

    With ``num_classes=-1`` the number of classes is the largest index + 1.
    The result is integer (no gradient); call ``.float()`` to compute with it.
    """
    op = "one_hot"
    _check_tensor(op, "tensor", tensor)
    if tensor.is_floating_point() or tensor.dtype == dtypes.bool:
        raise TypeError(f"{op}: needs int64 class indices, got {tensor.dtype}; convert them with .long().")
    labels = tensor._data
    xp = tensor.xp
    if num_classes == -1:
        if labels.size == 0:
            raise ValueError(f"{op}: cannot infer the number of classes from an empty tensor; pass num_classes.")
        num_classes = int(labels.max()) + 1
    elif num_classes < 1 and labels.size:
        raise ValueError(f"{op}: num_classes must be positive (or -1 to infer it), got {num_classes}")
    if labels.size:
        low, high = int(labels.min()), int(labels.max())
        if low < 0:
            raise ValueError(f"{op}: class values must be non-negative, found {low}.")
        if high >= num_classes:
            raise ValueError(
                f"{op}: class value {high} is too large for num_classes={num_classes} (valid: 0 to "
                f"{num_classes - 1}). Pass a larger num_classes, or -1 to infer it."
            )
    out = labels[..., None] == xp.arange(max(num_classes, 0))
    return Tensor._from_array(out.astype(dtypes.to_numpy_dtype(dtypes.int64)))


# ---------------------------------------------------------------- modules
class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        _check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class _WeightedLoss(_Loss):
    """A loss with a per-class ``weight``, kept as a buffer: saved with the model, never learned."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits and class indices (or probabilities); see ``cross_entropy`` for the formula.

    Args: weight (C,), ignore_index (-100), reduction ('mean'), label_smoothing (0.0).
    Shapes: input (N, C), (N, C, d1, ...) or (C,); target int64 (N,), (N, d1, ...)
    or (), or float of the input's shape.  Output: a scalar, or the target's shape with 'none'.
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return cross_entropy(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities and class indices; see ``nll_loss``.

    Use after ``LogSoftmax(dim=1)``; ``CrossEntropyLoss`` does both in one.
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean"):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities: l = -w [y log x + (1 - y) log(1 - x)]; see ``binary_cross_entropy``."""

    def forward(self, input, target):
        return binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy on logits, stably; see ``binary_cross_entropy_with_logits``.

    Args: weight (broadcast to the input), reduction ('mean'), pos_weight (C,)
    (weight of the positive targets of each class, along the last dimension).
    """

    def __init__(self, weight=None, *, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class MSELoss(_Loss):
    """Mean squared error: l = (x - y)^2."""

    def forward(self, input, target):
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: l = |x - y|."""

    def forward(self, input, target):
        return l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """l = 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta; see ``smooth_l1_loss``."""

    def __init__(self, *, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """l = 0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta); see ``huber_loss``."""

    def __init__(self, *, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)
