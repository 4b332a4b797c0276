"""Losses over C classes: cross-entropy and negative log-likelihood.

    cross_entropy   logits and class indices (or class probabilities)
    nll_loss        log-probabilities and class indices

(Two classes, or several independent yes/no labels: binary_loss.py.)

Cross-entropy and NLL treat class-index targets the same way (ignored
entries, class weights, the weighted mean): ``ClassTargets`` does that once
for both.  The cross-entropy of class indices is one fused Function: the
softmax and the log are never computed separately, so logits of size 1e4
stay finite, and its gradient is softmax - one-hot target, weighted (the
derivation is in ``CrossEntropyFunction``'s docstring).
"""
from typing import NamedTuple

from .. import backend, device_checks, dtypes, fusion
from ..autograd import Function
from ..errors import ShapeError
from ..ops import activation
from ..ops import reduce as reduce_ops
from ..tensor import Tensor
from ._loss_util import check_float, check_reduction, check_tensor, reduce


# ----------------------------------------------------- class-index targets
def _class_dim(op, input):
    """Where the classes are: dimension 1 of (N, C, ...), dimension 0 of an unbatched (C,)."""
    if input.ndim == 0:
        raise ShapeError(f"{op}: input must have a class dimension, (N, C) or (C,), but it is a single number.")
    return 1 if input.ndim >= 2 else 0


def _class_weight(op, weight, num_classes, dtype):
    """``weight`` as an array of shape (C,) and the input's dtype, or None."""
    if weight is None:
        return None
    check_tensor(op, "weight", weight)
    if weight.shape != (num_classes,):
        raise ShapeError(
            f"{op}: weight has shape {weight.shape} but the input has C={num_classes} classes; give one weight "
            f"per class, shape ({num_classes},)."
        )
    return weight._data.astype(dtypes.to_numpy_dtype(dtype), copy=False)


def _check_class_target(op, input, target):
    """Check integer class targets: dtype and shape (the input's without its class dimension).

    Their range is checked by ``ClassTargets``, which computes ``valid`` anyway.
    """
    check_tensor(op, "target", target)
    dim = _class_dim(op, input)
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
    return dim


def _class_view(a, ndim, dim):
    """A (C,) array shaped (1, C, 1, ...) to broadcast along dimension ``dim``."""
    shape = [1] * ndim
    shape[dim] = a.shape[0]
    return a.reshape(shape)


class ClassIndexOptions(NamedTuple):
    """The settings of a class-index loss, passed to its Function as one argument (none has a gradient)."""

    ignore_index: int
    reduction: str
    dim: int  # where the classes are: 1 for (N, C, ...), 0 for (C,)
    label_smoothing: float = 0.0


class ClassTargets:
    """What cross-entropy and NLL both do with class indices y, class weights w and ``ignore_index``.

        valid[n]        = (y_n != ignore_index)
        is_target[n, c] = (c == y_n) and valid[n]    (the rows of one-hot(y), empty where ignored)
        w_target[n]     = w[y_n] * valid[n]          (valid[n] itself without weights: a boolean)
        denominator     = sum_n w_target[n]          ('mean' divides by it: a weighted
                                                      mean over the entries not ignored)

    It also checks that every valid y_n is a class, 0 <= y_n < C (on a GPU
    without waiting for it: device_checks.py).

    ``is_target`` is a boolean mask of the input's shape.  Reading each
    entry's target value is ``where(is_target, x, 0)`` summed over the
    classes, and writing one back is ``is_target * value``: a comparison,
    a select and a sum, for any number of trailing dimensions.
    (``take_along_axis`` would say the same, but on a GPU it builds index
    grids first: 70 to 110 microseconds of the host's time per call on an
    H200, against about 10 for an elementwise kernel; see docs/gpu.md.)
    On a GPU each array operation costs the host about as much as a small
    kernel's whole run, so the common case (no weights, an ``ignore_index``
    that is no class) skips the operations whose result it knows.
    """

    def __init__(self, op, xp, target, weight, options, dtype, num_classes):
        dim, ignore_index = options.dim, options.ignore_index
        self.valid = target != ignore_index
        device_checks.check(target, self.valid & device_checks.outside(target, num_classes), lambda value: (
            IndexError(
                f"{op}: target value {value} is out of range for C={num_classes} classes (valid: 0 to "
                f"{num_classes - 1}, or ignore_index={ignore_index} to skip an entry). Was num_classes set too "
                "small, or are the labels numbered from 1?"
            )))  # at once on the CPU; on a GPU at the next host read, so that a step never waits for the GPU
        classes = _class_view(xp.arange(num_classes), target.ndim + 1, dim)
        self.is_target = classes == xp.expand_dims(target, dim)
        if 0 <= ignore_index < num_classes:  # otherwise an ignored entry matches no class already
            self.is_target &= xp.expand_dims(self.valid, dim)
        self.weighted = weight is not None
        if self.weighted:  # an ignored entry may hold any value (-100): look up class 0 for it, then zero it
            self.w_target = weight[xp.where(self.valid, target, 0)] * self.valid
            self.denominator = self.w_target.sum()
        else:  # a float array times a boolean keeps its dtype
            self.w_target = self.valid
            self.denominator = self.valid.sum(dtype=dtype)

    def reduce(self, loss, reduction):
        """'none': the losses l_n;  'sum': sum_n l_n;  'mean': sum_n l_n / denominator (0 / 0 = NaN, as in PyTorch)."""
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
        with backend.errstate(invalid="ignore", divide="ignore"):
            return loss.sum() / self.denominator

    def scale(self, xp, g, reduction):
        """s_n = dL/dl_n: g_n ('none'), g ('sum') or g / denominator ('mean'), and 0 for an ignored entry."""
        if reduction == "mean":
            with backend.errstate(invalid="ignore", divide="ignore"):
                return xp.where(self.valid, g / self.denominator, 0)
        return g * self.valid

    def times_weight(self, s):
        """w[y_n] * s_n, for an s that is already 0 at the ignored entries (``scale``'s): s itself without weights."""
        return s * self.w_target if self.weighted else s


# ---------------------------------------------------------- cross entropy
@fusion.elementwise
def weighted_nll(log_sum_exp, target_logit, w):
    """w[y_n] * (-log p[n, y_n]) = w * (log sum e^x - x[y]): one GPU kernel."""
    return (log_sum_exp - target_logit) * w


@fusion.elementwise
def softmax_minus_target(exp, sum_exp, a_s, is_target, target_term):
    """p * A * s - [c == y] * target_term, with p = exp / sum_exp: one GPU kernel over the (N, C) array."""
    return exp * (a_s / sum_exp) - is_target * target_term


class CrossEntropyFunction(Function):
    """Cross-entropy of logits x and class indices y, with class weights w and label smoothing eps.

    With log p = log_softmax(x) along the class dimension and C classes,
    one entry n (whose target is not ``ignore_index``) has the loss

        l_n = (1 - eps) * w[y_n] * (-log p[n, y_n])  +  (eps / C) * sum_c w[c] * (-log p[n, c])

    (w = 1 without weights; ignored entries have l_n = 0).  'mean' divides
    sum_n l_n by sum_n w[y_n] over the entries not ignored, as PyTorch does.

        dL/dx[n, c] = s_n * ( p[n, c] * A_n  -  a[n, c] )

        a[n, c] = (1 - eps) w[y_n] [c == y_n] + (eps / C) w[c],    A_n = sum_c a[n, c]

    where s_n = g_n ('none'), g ('sum') or g / sum of weights ('mean').

    How it follows.  l_n = sum_c a[n, c] * (-log p[n, c]), with a as above
    (the target distribution, weighted).  Since
    -log p[n, k] = log sum_j e^(x[n, j]) - x[n, k], its derivative is
    d(-log p[n, k]) / dx[n, c] = p[n, c] - [c == k].  So

        dl_n/dx[n, c] = sum_k a[n, k] (p[n, c] - [c == k]) = p[n, c] A_n - a[n, c],

    and the reduction multiplies it by s_n = dL/dl_n.  Without weights or
    smoothing, a[n] is the one-hot row of y_n and A_n = 1: the familiar
    p - one_hot(y), which the exercise ``cross_entropy`` has students write
    (``python -m minigrad.exercises start DIR cross_entropy``).  This version
    is longer only because it adds weights, ignore_index, label smoothing and
    any number of trailing dimensions; its one-hot term is a boolean mask (``ClassTargets``).

    log p[n, c] = (x[n, c] - m_n) - log sum_k e^(x[n, k] - m_n), m_n the row
    maximum: every exponent is <= 0, so nothing overflows.
    """

    @staticmethod
    def forward(ctx, x, target, weight, options):
        xp, dim, eps = ctx.xp, options.dim, options.label_smoothing
        num_classes = x.shape[dim]
        targets = ClassTargets("cross_entropy", xp, target, weight, options, x.dtype, num_classes)
        shifted = x - x.max(axis=dim, keepdims=True)
        exp = xp.exp(shifted)
        sum_exp = exp.sum(axis=dim, keepdims=True)
        log_sum_exp = xp.log(sum_exp).squeeze(dim)
        # -log p[y] = log sum e^shifted - shifted[y]; the full log-softmax is never needed.
        # Times w[y_n] (valid_n without weights): 0 where ignored.
        loss = weighted_nll(log_sum_exp, xp.where(targets.is_target, shifted, 0).sum(axis=dim), targets.w_target)
        if eps > 0:
            weighted = shifted if weight is None else shifted * _class_view(weight, x.ndim, dim)
            w_total = num_classes if weight is None else weight.sum()
            # sum_c w_c (-log p_c) = W log sum e^shifted - sum_c w_c shifted_c
            smooth = w_total * log_sum_exp - weighted.sum(axis=dim)
            loss = (1 - eps) * loss + (eps / num_classes) * smooth * targets.valid
        if ctx.needs_input_grad[0]:
            # p = exp / sum_exp is formed in backward, folded into one multiplication there.
            ctx.save_for_backward(exp, sum_exp, targets, weight)
            ctx.options = options
        return targets.reduce(loss, options.reduction)

    @staticmethod
    def backward(ctx, g):
        exp, sum_exp, targets, weight = ctx.saved_tensors
        xp, dim, eps = ctx.xp, ctx.options.dim, ctx.options.label_smoothing
        num_classes = exp.shape[dim]
        s = targets.scale(xp, g, ctx.options.reduction)  # 0 at the ignored entries
        target_term = targets.times_weight(s)  # w[y_n] s_n: a[n, y_n] s_n without smoothing
        A_s = target_term  # A_n s_n
        if eps > 0:
            target_term = (1 - eps) * target_term
            w_total = num_classes if weight is None else weight.sum()
            A_s = target_term + (eps / num_classes) * w_total * s
        # p * A * s  - a * s's first term, (1 - eps) w[y_n] s_n at the target's entry of each row (c == y_n).
        grad = softmax_minus_target(exp, sum_exp, xp.expand_dims(A_s, dim), targets.is_target,
                                    xp.expand_dims(target_term, dim))
        if eps > 0:
            # - a * s, second term: (eps / C) w[c] s_n at every entry.
            w_view = 1 if weight is None else _class_view(weight, exp.ndim, dim)
            grad -= (eps / num_classes) * w_view * xp.expand_dims(s, dim)
        return grad, None, None, None


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

    with p = softmax(input) along the class dimension.  The gradient, and
    how it follows from these formulas: ``CrossEntropyFunction``.  Only keyword
    arguments after ``weight``: PyTorch's third positional argument is the
    deprecated ``size_average``, so positions would silently disagree.
    """
    op = "cross_entropy"
    check_tensor(op, "input", input)
    check_tensor(op, "target", target)
    check_reduction(op, reduction)
    check_float(op, "input (the logits)", input)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    dim = _class_dim(op, input)
    weight = _class_weight(op, weight, input.shape[dim], input.dtype)
    if target.is_floating_point():
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, dim)
    dim = _check_class_target(op, input, target)
    options = ClassIndexOptions(ignore_index, reduction, dim, label_smoothing)
    return CrossEntropyFunction.apply(input, target, weight, options)


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
    return reduce(loss, reduction)


# ----------------------------------------------------------- nll loss
class NLLLossFunction(Function):
    """Negative log-likelihood of log-probabilities x and class indices y, with class weights w.

        l_n = -w[y_n] * x[n, y_n]      (0 where y_n == ignore_index)
        mean = sum_n l_n / sum_n w[y_n]   over the entries not ignored

    dL/dx[n, c] = -s_n w[y_n] [c == y_n]: only the target's entry gets a
    gradient, where s_n = g_n ('none'), g ('sum') or g / sum of weights ('mean').
    """

    @staticmethod
    def forward(ctx, x, target, weight, options):
        targets = ClassTargets("nll_loss", ctx.xp, target, weight, options, x.dtype, x.shape[options.dim])
        loss = -(ctx.xp.where(targets.is_target, x, 0).sum(axis=options.dim) * targets.w_target)
        ctx.save_for_backward(targets)
        ctx.options = options
        return targets.reduce(loss, options.reduction)

    @staticmethod
    def backward(ctx, g):
        (targets,) = ctx.saved_tensors
        xp, dim = ctx.xp, ctx.options.dim
        s = targets.scale(xp, g, ctx.options.reduction)
        grad = targets.is_target * xp.expand_dims(-targets.times_weight(s), dim)  # zero but at each target
        return grad, None, None, None


def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood: the loss for an input that is already log-probabilities.

        l_n = -w[y_n] * input[n, y_n],   mean = sum_n l_n / sum_n w[y_n]   (entries not ignored)

    ``nll_loss(log_softmax(x, dim=1), y)`` equals ``cross_entropy(x, y)``.
    Shapes: input (N, C), (N, C, d1, ...) or (C,); target int64 (N,),
    (N, d1, ...) or ().  Keyword arguments after ``weight`` only (see
    ``cross_entropy``).
    """
    op = "nll_loss"
    check_tensor(op, "input", input)
    check_reduction(op, reduction)
    check_float(op, "input (log-probabilities)", input)
    dim = _check_class_target(op, input, target)
    weight = _class_weight(op, weight, input.shape[dim], input.dtype)
    return NLLLossFunction.apply(input, target, weight, ClassIndexOptions(ignore_index, reduction, dim))
