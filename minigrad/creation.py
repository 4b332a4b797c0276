"""Making tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``eye``, ``randn``, ...

The names, argument orders and default dtypes are PyTorch's: floats are
float32 unless you ask for float64, integers are int64.  Every random draw
comes from ``minigrad.random``'s generator, so ``manual_seed`` repeats it.

Every factory takes ``device=`` ('cpu' or 'cuda'); without it a tensor goes
to the default device (``minigrad.set_default_device``, 'cpu' unless set),
and the ``*_like`` factories follow their input.  Random tensors are drawn
on their device: the same seed gives different numbers on a CPU and a GPU,
as in PyTorch.
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


def tensor(data, dtype=None, requires_grad=False, device=None):
    """A new tensor holding a copy of ``data`` (a number, nested lists, a NumPy array or a Tensor).

    NumPy arrays keep their dtype; Python floats become float32, ints
    int64 and bools bool, as in PyTorch.  ``device='cuda'`` puts it on the GPU.
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, device=device)


def _xp(device):
    """The array module of ``device`` (None: the default device)."""
    return backend.array_module_for(device)


def _float_dtype(dtype):
    return dtypes.to_numpy_dtype(dtype) if dtype is not None else "float32"


def zeros(*size, dtype=None, requires_grad=False, device=None):
    return _finish(_xp(device).zeros(_size(size, "zeros"), dtype=_float_dtype(dtype)), None, requires_grad)


def ones(*size, dtype=None, requires_grad=False, device=None):
    return _finish(_xp(device).ones(_size(size, "ones"), dtype=_float_dtype(dtype)), None, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    """A tensor of ``size`` filled with ``fill_value``; its dtype follows the value (float -> float32)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    kind = as_array(fill_value, None).dtype
    array = _xp(device).full(_size((size,), "full"), fill_value, dtype=kind)
    return _finish(array, dtype, requires_grad)


def zeros_like(input, dtype=None, requires_grad=False, device=None):
    xp = input.xp if device is None else _xp(device)
    return _finish(xp.zeros(input.shape, dtype=input._data.dtype), dtype, requires_grad)


def ones_like(input, dtype=None, requires_grad=False, device=None):
    xp = input.xp if device is None else _xp(device)
    return _finish(xp.ones(input.shape, dtype=input._data.dtype), dtype, requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad=False, device=None):
    xp = input.xp if device is None else _xp(device)
    return _finish(xp.full(input.shape, fill_value, dtype=input._data.dtype), dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    All-integer arguments give int64; any float gives float32.
    """
    if end is None:
        start, end = 0, start
    array = _xp(device).arange(start, end, step)
    if array.dtype.kind == "f":
        array = array.astype("float32")
    return _finish(array, dtype, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    return _finish(_xp(device).linspace(start, end, steps, dtype="float32"), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    return _finish(_xp(device).eye(n, m, dtype=_float_dtype(dtype)), None, requires_grad)


def randn(*size, dtype=None, requires_grad=False, generator=None, device=None):
    """Samples from the standard normal distribution N(0, 1), drawn on ``device``."""
    xp = _xp(device)
    array = _random.rng(generator, xp).standard_normal(_size(size, "randn"), dtype="float32")
    return _finish(array, dtype, requires_grad)


def rand(*size, dtype=None, requires_grad=False, generator=None, device=None):
    """Samples from the uniform distribution on [0, 1), drawn on ``device``."""
    xp = _xp(device)
    array = _random.rng(generator, xp).random(_size(size, "rand"), dtype="float32")
    return _finish(array, dtype, requires_grad)


def randint(low, high=None, size=None, dtype=None, generator=None, device=None):
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
    xp = _xp(device)
    array = _random.rng(generator, xp).integers(low, high, _size((size,), "randint"), dtype="int64")
    return _finish(array, dtype, False)


def randperm(n, generator=None, device=None):
    """A random permutation of 0 .. n-1 (int64); drawn on the host, then placed on ``device``."""
    permutation = _random.rng(generator).permutation(n).astype("int64")
    return Tensor._from_array(backend.to_device(permutation, backend.as_device(device)))


def randn_like(input, dtype=None, requires_grad=False, device=None):
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, device=device or input.device)


def rand_like(input, dtype=None, requires_grad=False, device=None):
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, device=device or input.device)


def from_numpy(array):
    """A tensor that shares memory with a NumPy array (its dtype must be supported); always on the CPU."""
    if array.dtype != dtypes.supported(array.dtype):
        raise TypeError(
            f"from_numpy: minigrad holds float32, float64, int64 or bool; convert this {array.dtype} array first "
            "(or use minigrad.tensor, which converts)"
        )
    return Tensor._from_array(array)


def as_array(data, dtype, device=None):
    """Turn ``data`` into a backend array of a supported dtype, PyTorch's way, on ``device``.

    Arrays keep their dtype; Python floats become float32 (PyTorch's default),
    Python ints int64 and Python bools bool.  With ``device=None`` an array
    stays where it is and anything else is made on the host.
    """
    xp = backend.cpu
    if isinstance(data, Tensor):
        array = data._data.copy()
    elif backend.is_array(data):
        xp = backend.get_array_module(data)
        array = data.copy()
    elif hasattr(data, "dtype") and hasattr(data, "shape"):
        array = xp.asarray(data)
    else:
        try:
            array = xp.asarray(data)
        except (ValueError, TypeError) as err:
            raise TypeError(
                f"tensor: cannot make a tensor from {type(data).__name__} data ({err}). Give a number, "
                "a (nested) list of numbers of equal lengths, or a NumPy array."
            ) from None
        if array.dtype.kind == "f" and dtype is None:
            array = array.astype(xp.float32)
        elif array.dtype == object:
            raise TypeError(
                "tensor: the data is ragged or mixes types; every row of a nested list must have the same length."
            )
    if dtype is not None:
        array = array.astype(dtypes.to_numpy_dtype(dtype), copy=False)
    else:
        target = dtypes.supported(array.dtype)
        if array.dtype != target:
            array = array.astype(target)
    if device is not None:
        array = backend.to_device(array, device)
    return array
