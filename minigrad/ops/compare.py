"""Comparisons and logic: eq, lt, gt, ..., any, all, allclose.

Their results are bool tensors.  A comparison is flat almost everywhere
(nudging x does not change whether x > 0), so it has no useful gradient and
records nothing in the graph.
"""
from .. import backend
from .. import tensor as _tensor
from ._util import broadcasting, promote, reduction_dims


def _compare(name, fn, a, b):
    a, b = promote(a, b)
    left = a._data if isinstance(a, _tensor.Tensor) else a
    right = b._data if isinstance(b, _tensor.Tensor) else b
    if type(left) is not type(right):
        backend.check_same_device(name, (left, right))
    return _tensor.Tensor._from_array(broadcasting(name, a, b, fn, left, right))


def eq(input, other):
    return _compare("eq", lambda a, b: a == b, input, other)


def ne(input, other):
    return _compare("ne", lambda a, b: a != b, input, other)


def lt(input, other):
    return _compare("lt", lambda a, b: a < b, input, other)


def le(input, other):
    return _compare("le", lambda a, b: a <= b, input, other)


def gt(input, other):
    return _compare("gt", lambda a, b: a > b, input, other)


def ge(input, other):
    return _compare("ge", lambda a, b: a >= b, input, other)


def logical_and(input, other):
    return _compare("logical_and", lambda a, b: a.astype(bool) & b.astype(bool), input, other)


def logical_or(input, other):
    return _compare("logical_or", lambda a, b: a.astype(bool) | b.astype(bool), input, other)


def logical_not(input):
    return _tensor.Tensor._from_array(~input._data.astype(bool))


def any(input, dim=None, keepdim=False):
    axes = reduction_dims(dim, input.ndim, "any")
    return _tensor.Tensor._from_array(input.xp.asarray(input._data.any(axis=axes, keepdims=keepdim)))


def all(input, dim=None, keepdim=False):
    axes = reduction_dims(dim, input.ndim, "all")
    return _tensor.Tensor._from_array(input.xp.asarray(input._data.all(axis=axes, keepdims=keepdim)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise."""
    return _compare("isclose", lambda a, b: input.xp.isclose(a, b, rtol, atol, equal_nan), input, other)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if every pair of values is close (see ``isclose``); a Python bool."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True if both tensors have the same shape and the same values; a Python bool."""
    return input.shape == other.shape and bool((input._data == other._data).all())
