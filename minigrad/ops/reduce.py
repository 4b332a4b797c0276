"""Reductions: sum, mean, var, max, min, argmax, topk, logsumexp, norm; and the running sum, cumsum.

A reduction collapses the dimensions in ``dim`` (all of them when ``dim`` is
None).  In backward, g has the reduced shape; ``_unreduce`` puts the
collapsed dimensions back as size 1 so that g broadcasts over the input
again.  ``cumsum`` keeps every partial sum instead, so its output has the
input's shape.  Notation: y is the output, g = dL/dy.
"""
from collections import namedtuple

from .. import backend, fusion
from .. import tensor as _tensor
from ..autograd import Function
from ..errors import ShapeError
from . import elementwise
from . import shape as shape_ops
from ._util import normalize_dims, reduction_dims

INF = float("inf")
# What max(dim), min(dim) and topk return, like PyTorch's `torch.return_types`.
values_indices = namedtuple("values_indices", ["values", "indices"])


def _unreduce(xp, g, dims, keepdim):
    """Give g back the reduced dimensions as size 1, ready to broadcast over the input."""
    return g if keepdim else xp.expand_dims(g, dims)


def _count(shape, dims):
    count = 1
    for d in dims:
        count *= shape[d]
    return count


class Sum(Function):
    """y = sum of x over dims;   dL/dx = g, copied to every position that was summed"""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return x.sum(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        g = _unreduce(ctx.xp, g, ctx.dims, ctx.keepdim)
        return ctx.xp.broadcast_to(g, ctx.shape), None, None


class Mean(Function):
    """y = (1/N) sum of x over dims (N values);   dL/dx = g / N at every position"""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.count = _count(x.shape, dims)
        with backend.errstate(invalid="ignore", divide="ignore"):
            # An empty mean is 0 / 0 = nan, as in PyTorch.
            return x.sum(axis=dims, keepdims=keepdim) / ctx.count

    @staticmethod
    def backward(ctx, g):
        g = _unreduce(ctx.xp, g, ctx.dims, ctx.keepdim)
        # An empty mean has no entries to send gradient to; "or 1" only avoids 0/0.
        return ctx.xp.broadcast_to(g / (ctx.count or 1), ctx.shape), None, None


class Var(Function):
    """y = sum (x - mean)^2 / (N - correction);   dL/dx = g * 2 (x - mean) / (N - correction)

    The mean depends on x too, but its term drops out: sum (x - mean) = 0.
    correction=1 (the default, as in PyTorch) is the unbiased sample
    variance; correction=0 is the population variance used by BatchNorm.
    """

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.divisor = _count(x.shape, dims) - correction
        centred = x - x.mean(axis=dims, keepdims=True)
        ctx.save_for_backward(centred)
        with backend.errstate(invalid="ignore", divide="ignore"):
            return (centred * centred).sum(axis=dims, keepdims=keepdim) / ctx.divisor

    @staticmethod
    def backward(ctx, g):
        (centred,) = ctx.saved_tensors
        g = _unreduce(ctx.xp, g, ctx.dims, ctx.keepdim)
        return g * 2 * centred / ctx.divisor, None, None, None


@fusion.elementwise
def share_among_ties(g, is_max, count):
    """g / k at each of the k maximal entries, 0 elsewhere (one GPU kernel)."""
    return g * is_max / count


class Amax(Function):
    """y = the largest value over dims;   dL/dx = g / k at each of the k maximal entries, 0 elsewhere

    When several entries tie for the maximum, the gradient is shared equally
    among them (PyTorch's amax does the same).  ``max(dim)`` instead sends it
    all to the one index it returns.
    """

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        y = x.max(axis=dims, keepdims=True)
        is_max = x == y
        # Counted in x's dtype, so that g / count stays in it (an integer count would give float64).
        ctx.save_for_backward(is_max, is_max.sum(axis=dims, keepdims=True, dtype=x.dtype))
        ctx.dims, ctx.keepdim = dims, keepdim
        return y if keepdim else y.squeeze(axis=dims)

    @staticmethod
    def backward(ctx, g):
        is_max, count = ctx.saved_tensors
        g = _unreduce(ctx.xp, g, ctx.dims, ctx.keepdim)
        return share_among_ties(g, is_max, count), None, None


class LogSumExp(Function):
    """y = log sum e^x over dims;   dL/dx = g * e^(x - y) = g * softmax(x)"""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = ctx.xp
        m = x.max(axis=dims, keepdims=True)
        # When every value is -inf (a fully masked row), shift by 0 instead: the answer is log 0 = -inf.
        m = xp.where(xp.isfinite(m), m, 0)
        with backend.errstate(divide="ignore"):
            y = m + xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True))
        ctx.save_for_backward(x, y)
        ctx.dims, ctx.keepdim = dims, keepdim
        return y if keepdim else y.squeeze(axis=dims)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        g = _unreduce(ctx.xp, g, ctx.dims, ctx.keepdim)
        return g * ctx.xp.exp(x - y), None, None


class Norm(Function):
    """y = ||x||_p = (sum |x|^p)^(1/p) over dims;   dL/dx = g * sign(x) * (|x| / y)^(p-1)

    p = 2: dL/dx = g * x / y;   p = 1: dL/dx = g * sign(x).
    p = inf: y = max |x|;   dL/dx = g * sign(x) / k at the k entries where |x| = y, 0 elsewhere (ties share it,
    as in PyTorch).  A zero vector (y = 0) gets the gradient 0, as in PyTorch, where x / y would be 0 / 0:
    the norm has a kink there, and 0 is one of its subgradients.
    """

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        xp = ctx.xp
        if p == INF:
            y = xp.abs(x).max(axis=dims, keepdims=True)
        else:
            y = (xp.abs(x) ** p).sum(axis=dims, keepdims=True) ** (1 / p)
        ctx.save_for_backward(x, y)
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        return y if keepdim else y.squeeze(axis=dims)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        xp, p = ctx.xp, ctx.p
        g = _unreduce(xp, g, ctx.dims, ctx.keepdim)
        if p == INF:
            at_max = xp.abs(x) == y
            share = at_max / at_max.sum(axis=ctx.dims, keepdims=True)
        else:
            y = xp.where(y == 0, 1, y)  # a zero vector: |x| / 1 = 0, so its gradient is 0 rather than 0 / 0
            share = (xp.abs(x) / y) ** (p - 1)
        return g * xp.sign(x) * share, None, None, None


class CumSum(Function):
    """y_i = x_1 + ... + x_i along dim;   dL/dx_j = g_j + g_(j+1) + ... + g_n, the running sum of g from the end

    x_j is a term of every y_i with i >= j, so its gradient gathers those g_i:
    a cumsum of g run backwards (flip, cumsum, flip back).
    """

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return ctx.xp.cumsum(x, axis=dim)

    @staticmethod
    def backward(ctx, g):
        xp, dim = ctx.xp, ctx.dim
        return xp.flip(xp.cumsum(xp.flip(g, axis=dim), axis=dim), axis=dim), None


def _not_empty(input, dims, op):
    for d in dims:
        if input.shape[d] == 0:
            raise ShapeError(
                f"{op}: cannot reduce over dimension {d} of a tensor of shape {input.shape}: it is empty, "
                "so there is no value to return."
            )


def sum(input, dim=None, keepdim=False):
    return Sum.apply(input, reduction_dims(dim, input.ndim, "sum"), keepdim)


def mean(input, dim=None, keepdim=False):
    if not input.is_floating_point():
        raise TypeError(f"mean: needs a floating-point tensor, got {input.dtype}; call .float() first")
    return Mean.apply(input, reduction_dims(dim, input.ndim, "mean"), keepdim)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over ``dim``; ``correction=1`` (default) divides by N - 1, ``correction=0`` by N."""
    if correction is None:
        correction = 1 if unbiased is None else int(bool(unbiased))
    return Var.apply(input, reduction_dims(dim, input.ndim, "var"), correction, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def amax(input, dim=None, keepdim=False):
    dims = reduction_dims(dim, input.ndim, "amax")
    _not_empty(input, dims, "amax")
    return Amax.apply(input, dims, keepdim)


def amin(input, dim=None, keepdim=False):
    # The smallest value is minus the largest of -x; no second rule to learn.
    return -amax(-input, dim, keepdim)


def logsumexp(input, dim, keepdim=False):
    dims = reduction_dims(dim, input.ndim, "logsumexp")
    _not_empty(input, dims, "logsumexp")
    return LogSumExp.apply(input, dims, keepdim)


def norm(input, p=2, dim=None, keepdim=False):
    """The p-norm of ``input`` over ``dim`` (all of it when None), read as one vector per reduced slice.

    ``p`` is 1, 2, ``inf`` (``float("inf")``, the largest |x|), any other
    number >= 1, or ``"fro"`` (PyTorch's default) or None, which for these
    vector norms are the 2-norm.  One ``Function``, ``Norm``, not a composition:
    ``(x * x).sum().sqrt()`` has the same value, but its gradient at a zero
    vector is 0 * inf = nan, where PyTorch's (and this) is 0.  Where minigrad
    differs: PyTorch also accepts p = 0, p < 1 and -inf, and ``"nuc"``;
    those raise a ValueError here.  ``torch.linalg.vector_norm(x, ord, dim,
    keepdim)`` is ``x.norm(ord, dim, keepdim)``.
    """
    if not input.is_floating_point():
        raise TypeError(f"norm: needs a floating-point tensor, got {input.dtype}; call .float() first")
    p = 2 if p is None or p == "fro" else p
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not p >= 1:
        raise ValueError(f"norm: p={p!r} is not supported; use 1, 2, float('inf') or another number >= 1 "
                         "('fro' is 2). PyTorch also has p=0, p < 1, -inf and 'nuc', which minigrad does not")
    dims = reduction_dims(dim, input.ndim, "norm")
    if p == INF:
        _not_empty(input, dims, "norm(p=inf)")
    return Norm.apply(input, p, dims, keepdim)


def cumsum(input, dim, *, dtype=None):
    """The running sum along ``dim``: ``cumsum([1, 2, 3], 0) == [1, 3, 6]``; same shape as ``input``.

    As in PyTorch, ``dim`` is required, ``dtype`` converts ``input`` first,
    and integer or bool tensors sum as int64.
    """
    if dtype is not None:
        input = input.to(dtype)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"cumsum: dim must be one int, the dimension to run along; got {dim!r}")
    (axis,) = normalize_dims(dim, input.ndim, "cumsum")
    if input.ndim == 0:  # a single value is its own running sum; NumPy's cumsum wants an axis to run along
        return CumSum.apply(input.reshape(1), 0).reshape(())
    return CumSum.apply(input, axis)


def _arg_extreme(input, dim, keepdim, op, pick):
    if dim is None:
        _not_empty(input, tuple(range(input.ndim)), op)
        return _tensor.Tensor._from_array(input.xp.asarray(pick(input._data, axis=None)))
    (axis,) = normalize_dims(dim, input.ndim, op)
    if input.ndim == 0:  # a single number is its own extreme, at index 0 (PyTorch's answer)
        return _tensor.Tensor._from_array(input.xp.zeros((), dtype=input.xp.int64))
    _not_empty(input, (axis,), op)
    return _tensor.Tensor._from_array(pick(input._data, axis=axis, keepdims=keepdim))


def argmax(input, dim=None, keepdim=False):
    """Index of the largest value (over the flattened tensor when ``dim`` is None)."""
    return _arg_extreme(input, dim, keepdim, "argmax", input.xp.argmax)


def argmin(input, dim=None, keepdim=False):
    return _arg_extreme(input, dim, keepdim, "argmin", input.xp.argmin)


def _max_or_min(input, dim, keepdim, op):
    if isinstance(dim, _tensor.Tensor):
        return (elementwise.maximum if op == "max" else elementwise.minimum)(input, dim)
    if dim is None:
        return (amax if op == "max" else amin)(input)
    indices = (argmax if op == "max" else argmin)(input, dim, keepdim=True)
    if input.ndim == 0:
        return values_indices(input.reshape(()), indices)  # the number itself, at index 0
    values = shape_ops.gather(input, dim, indices)
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return values_indices(values, indices)


def max(input, dim=None, keepdim=False):
    """The largest value; with ``dim``, a pair (values, indices) as in PyTorch.

    - ``x.max()``: a 0-d tensor; ties share the gradient equally.
    - ``values, indices = x.max(dim=1)``: the gradient flows to ``indices`` only.
    - ``minigrad.max(a, b)`` with a tensor ``b`` is ``maximum(a, b)``.
    """
    return _max_or_min(input, dim, keepdim, "max")


def min(input, dim=None, keepdim=False):
    """The smallest value; see ``max`` for the three forms."""
    return _max_or_min(input, dim, keepdim, "min")


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    k-max pooling over time is one line: ``x.topk(k, dim=2).values``.
    Among equal values the lower index comes first.  Results are always
    sorted, so ``sorted=False`` gives the same answer.
    """
    if input.ndim == 0:
        raise ShapeError("topk: needs a tensor with at least one dimension; got a single value (reshape(1) it)")
    (axis,) = normalize_dims(dim, input.ndim, "topk")
    size = input.shape[axis]
    if not 0 <= k <= size:
        raise ValueError(f"topk: k={k} is out of range for dimension {dim} of size {size} (shape {input.shape})")
    xp = input.xp
    keys = -input._data if largest else input._data
    order = xp.argsort(keys, axis=axis, kind="stable")
    indices = _tensor.Tensor._from_array(xp.take(order, xp.arange(k), axis=axis))
    return values_indices(shape_ops.gather(input, axis, indices), indices)
