"""Making tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``eye``, ``randn``, ...

The names, argument orders and default dtypes are PyTorch's: floats are
float32 unless you ask for float64, integers are int64.  Every random draw
comes from ``minigrad.random``'s generator, so ``manual_seed`` repeats it.
"""
from . import backend, dtypes
from . import random as _random
from .tensor import Tensor


def _finish(array, dtype, requires_grad):
    if dtype is not None:
        array = array.astype(dtypes.to_numpy_dtype(dtype), copy=False)
    t = Tensor._from_array(array)
    if requires_grad:
        t.requires_grad = True
    return t


def _size(size, op):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ValueError(f"{op}: sizes must be non-negative ints, got {size}")
    return tuple(size)


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, a NumPy array or a Tensor).

    NumPy arrays keep their dtype; Python floats become float32, ints
    int64 and bools bool, as in PyTorch.
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def zeros(*size, dtype=None, requires_grad=False):
    return _finish(backend.cpu.zeros(_size(size, "zeros"), dtype="float32"), dtype, requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _finish(backend.cpu.ones(_size(size, "ones"), dtype="float32"), dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value``; its dtype follows the value (float -> float32)."""
    array = Tensor(fill_value)._data
    return _finish(backend.cpu.full(_size((size,), "full"), array, dtype=array.dtype), dtype, requires_grad)


def zeros_like(input, dtype=None, requires_grad=False):
    return _finish(input.xp.zeros(input.shape, dtype=input._data.dtype), dtype, requires_grad)


def ones_like(input, dtype=None, requires_grad=False):
    return _finish(input.xp.ones(input.shape, dtype=input._data.dtype), dtype, requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad=False):
    return _finish(input.xp.full(input.shape, fill_value, dtype=input._data.dtype), dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    All-integer arguments give int64; any float gives float32.
    """
    if end is None:
        start, end = 0, start
    array = backend.cpu.arange(start, end, step)
    if array.dtype.kind == "f":
        array = array.astype("float32")
    return _finish(array, dtype, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    return _finish(backend.cpu.linspace(start, end, steps, dtype="float32"), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    return _finish(backend.cpu.eye(n, m, dtype="float32"), dtype, requires_grad)


def randn(*size, dtype=None, requires_grad=False, generator=None):
    """Samples from the standard normal distribution N(0, 1)."""
    array = _random.rng(generator).standard_normal(_size(size, "randn"), dtype="float32")
    return _finish(array, dtype, requires_grad)


def rand(*size, dtype=None, requires_grad=False, generator=None):
    """Samples from the uniform distribution on [0, 1)."""
    array = _random.rng(generator).random(_size(size, "rand"), dtype="float32")
    return _finish(array, dtype, requires_grad)


def randint(low, high=None, size=None, dtype=None, generator=None):
    """Random integers from ``low`` up to (not including) ``high``: ``randint(low, high, size)``.

    As in PyTorch, ``randint(high, size)`` starts at 0; ``size`` is required.
    """
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: call it as randint(low, high, size) or randint(high, size), e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    array = _random.rng(generator).integers(low, high, _size((size,), "randint"), dtype="int64")
    return _finish(array, dtype, False)


def randperm(n, generator=None):
    """A random permutation of 0 .. n-1 (int64)."""
    return Tensor._from_array(_random.rng(generator).permutation(n).astype("int64"))


def randn_like(input, dtype=None, requires_grad=False):
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def rand_like(input, dtype=None, requires_grad=False):
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def from_numpy(array):
    """A tensor that shares memory with a NumPy array (its dtype must be supported)."""
    if array.dtype != dtypes.supported(array.dtype):
        raise TypeError(
            f"from_numpy: minigrad holds float32, float64, int64 or bool; convert this {array.dtype} array first "
            "(or use minigrad.tensor, which converts)"
        )
    return Tensor._from_array(array)
