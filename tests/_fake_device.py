"""A stand-in for CuPy, to test minigrad's device discipline on a machine without a GPU.

``fakecupy`` is a NumPy-like module whose arrays (``fakecupy.ndarray``) wrap
NumPy arrays but behave, at the boundary, the way CuPy's do - only stricter:

- they refuse implicit conversion to a NumPy array (``numpy.asarray(a)``,
  ``numpy.stack([a])``: ``__array__`` and ``__array_function__`` raise);
- they refuse to mix with plain NumPy arrays (``a + numpy_array``,
  ``fakecupy.maximum(a, numpy_array)``, ``a[...] = numpy_array``);
- NumPy's own functions and ufuncs refuse them (``numpy.exp(a)`` fails), so
  an operation that calls NumPy directly instead of its array module fails;
- the module lacks what CuPy lacks (``errstate``, ``frompyfunc``; its random
  generator has only ``random``, ``standard_normal``, ``uniform`` and
  ``integers``);
- ``asarray``/``array`` accept host data (that is the explicit upload, as in
  CuPy), and ``asnumpy`` is the explicit download; every download is counted
  in ``fakecupy.downloads``, and every point where CuPy would make the host
  wait for the GPU (a download, ``bool()``/``int()``/``float()`` of a device
  array, indexing with a boolean mask, ``nonzero``) in ``fakecupy.waits``;
- its ufuncs have ``at`` (``fakecupy.add.at``, as ``cupy.add.at``), and
  an out-of-range integer index wraps around, as CuPy's documented default
  (NumPy raises), in indexing, ``take_along_axis``/``put_along_axis`` and
  ``at``;
  ``fakecupyx`` plays the one piece of ``cupyx`` that minigrad imports,
  ``cupyx.scipy.special.erf``.

Register it as the 'cuda' device with the ``fake_cuda`` fixture in conftest.py
(which also puts ``fakecupyx`` in ``sys.modules`` as ``cupyx`` for the test).
"""
import types

import numpy

from minigrad import backend

# CuPy has no such functions (or they live in cupyx); asking for them is a bug in the engine.
_MISSING = {"errstate", "frompyfunc", "seterr", "vectorize", "asmatrix", "save", "load", "savez"}
# Functions whose result's size depends on the values, so that CuPy reads them on the host first.
_DATA_SIZED = {"nonzero", "flatnonzero", "argwhere", "unique", "compress", "extract"}
# Methods that would bring values to the host behind the caller's back.
_HOST_METHODS = {"tolist", "item", "tobytes", "tofile", "dump", "dumps"}


class ndarray:
    """A device array: a NumPy array that can only be reached through ``fakecupy``."""

    __slots__ = ("_a",)
    __array_ufunc__ = None  # NumPy binary operators hand over to our reflected ones; numpy.exp(a) fails

    def __init__(self, array):
        self._a = array

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed (fakecupy, like CuPy). Use fakecupy.asnumpy() "
            "or backend.to_numpy() to copy it to the host explicitly."
        )

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(
            f"numpy.{func.__name__}() was called on a device array; use the array module of the tensor "
            "(ctx.xp, tensor.xp or minigrad.backend) instead of NumPy."
        )

    # ----------------------------------------------------------- attributes
    @property
    def shape(self):
        return self._a.shape

    @property
    def dtype(self):
        return self._a.dtype

    @property
    def ndim(self):
        return self._a.ndim

    @property
    def size(self):
        return self._a.size

    @property
    def T(self):
        return ndarray(self._a.T)

    def __getattr__(self, name):
        if name.startswith("__"):  # __array_interface__, __array_struct__, __dlpack__: ways around __array__
            raise AttributeError(name)
        if name in _HOST_METHODS:
            raise AttributeError(
                f"fakecupy.ndarray.{name}() would copy device values to the host implicitly; the engine must "
                "use backend.to_numpy() at its explicit host points"
            )
        value = getattr(self._a, name)
        if callable(value):
            return _wrapped(value, f"ndarray.{name}")
        return _wrap(value)

    def __repr__(self):
        return f"fakecupy.ndarray({self._a!r})"

    def set(self, host, stream=None):
        """CuPy's upload into an existing device array: same shape and dtype, from a NumPy array."""
        if not isinstance(host, numpy.ndarray) or host.shape != self._a.shape or host.dtype != self._a.dtype:
            raise ValueError("fakecupy.ndarray.set: expected a NumPy array of the same shape and dtype")
        self._a[...] = host

    # ----------------------------------------------- scalars and iteration
    # CuPy allows these on one-element arrays (they wait for the GPU); so do we.
    def __bool__(self):
        fakecupy.waits += 1
        return bool(self._a)

    def __int__(self):
        fakecupy.waits += 1
        return int(self._a)

    def __float__(self):
        fakecupy.waits += 1
        return float(self._a)

    def __index__(self):
        fakecupy.waits += 1
        return self._a.__index__()

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (ndarray(row) for row in self._a)

    __hash__ = None

    # -------------------------------------------------------------- indexing
    def __getitem__(self, key):
        key = _cupy_wraps(self._a.shape, _unwrap(key, "indexing"))
        if any(getattr(k, "dtype", None) == bool for k in (key if isinstance(key, tuple) else (key,))):
            fakecupy.waits += 1  # the result's size depends on the mask's values: CuPy counts them on the host
        return _wrap(self._a[key])

    def __setitem__(self, key, value):
        self._a[_cupy_wraps(self._a.shape, _unwrap(key, "indexing"))] = _unwrap(value, "assignment")


def _binary(name):
    def forward(self, other):
        return _wrap(getattr(self._a, name)(_unwrap(other, name)))

    forward.__name__ = name
    return forward


def _inplace(name):
    def forward(self, other):
        getattr(self._a, name)(_unwrap(other, name))
        return self

    forward.__name__ = name
    return forward


def _unary(name):
    def forward(self):
        return _wrap(getattr(self._a, name)())

    forward.__name__ = name
    return forward


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor"):
    setattr(ndarray, f"__{_op}__", _binary(f"__{_op}__"))
    setattr(ndarray, f"__r{_op}__", _binary(f"__r{_op}__"))
    setattr(ndarray, f"__i{_op}__", _inplace(f"__i{_op}__"))
for _op in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(ndarray, f"__{_op}__", _binary(f"__{_op}__"))
for _op in ("neg", "pos", "abs", "invert"):
    setattr(ndarray, f"__{_op}__", _unary(f"__{_op}__"))


def _unwrap(value, where):
    """Device arrays -> their NumPy array; host arrays refused; containers walked."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, numpy.ndarray):
        raise TypeError(
            f"fakecupy {where}: got a host numpy.ndarray mixed with device arrays (CuPy refuses this too). "
            "Make it with the array module (xp.zeros, xp.asarray), or move it with backend.to_device."
        )
    if isinstance(value, tuple):
        return tuple(_unwrap(v, where) for v in value)
    if isinstance(value, list):
        return [_unwrap(v, where) for v in value]
    return value


def _wrap(value):
    """NumPy results -> device arrays (a NumPy scalar becomes a 0-d device array, as CuPy returns)."""
    if isinstance(value, numpy.ndarray):
        return ndarray(value)
    if isinstance(value, numpy.generic):
        return ndarray(numpy.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _cupy_wraps(shape, key):
    """CuPy wraps an out-of-range integer-array index around (``index % size``) where NumPy raises."""
    keys = key if isinstance(key, tuple) else (key,)
    if any(k is Ellipsis or k is None for k in keys):
        return key
    keys = tuple(k % shape[dim] if isinstance(k, numpy.ndarray) and k.dtype.kind in "iu" and dim < len(shape)
                 and shape[dim] else k for dim, k in enumerate(keys))
    return keys if isinstance(key, tuple) else keys[0]


def _wrapped(function, name):
    def call(*args, **kwargs):
        args = _unwrap(args, name)
        kwargs = {k: _unwrap(v, name) for k, v in kwargs.items()}
        return _wrap(function(*args, **kwargs))

    call.__name__ = name
    return call


class _Ufunc:
    """A NumPy ufunc behind the device boundary, with ``at`` (unbuffered in place: ``add.at`` accumulates repeats)."""

    def __init__(self, ufunc):
        self._ufunc = ufunc
        self._call = _wrapped(ufunc, ufunc.__name__)

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def at(self, target, index, values=None):
        if not isinstance(target, ndarray):
            raise TypeError(f"fakecupy.{self._ufunc.__name__}.at: the target must be a device array")
        args = () if values is None else (_unwrap(values, "at"),)
        self._ufunc.at(target._a, _cupy_wraps(target._a.shape, _unwrap(index, "at")), *args)


class _Generator:
    """CuPy's random Generator has these four of NumPy's methods (and no normal, no permutation)."""

    def __init__(self, seed):
        self._rng = numpy.random.default_rng(seed + 12345)  # a different stream, as a GPU's would be

    def random(self, size=None, dtype=numpy.float64):
        return _wrap(self._rng.random(size, dtype=dtype))

    def standard_normal(self, size=None, dtype=numpy.float64):
        return _wrap(self._rng.standard_normal(size, dtype=dtype))

    def uniform(self, low=0.0, high=1.0, size=None):
        return _wrap(self._rng.uniform(low, high, size))

    def integers(self, low, high=None, size=None, dtype=numpy.int64):
        return _wrap(self._rng.integers(low, high, size, dtype=dtype))


class _Ogrid:
    def __getitem__(self, key):
        return _wrap(list(numpy.ogrid[key]))


class FakeCuPy(types.ModuleType):
    """The module object: NumPy's functions behind a device boundary."""

    ndarray = ndarray

    def __init__(self):
        super().__init__("fakecupy")
        self.downloads = 0
        self.waits = 0
        self.fused_calls = 0
        self.random = types.SimpleNamespace(default_rng=_Generator)
        self.linalg = types.SimpleNamespace(norm=_wrapped(numpy.linalg.norm, "linalg.norm"))
        self.ogrid = _Ogrid()
        self.lib = types.SimpleNamespace(stride_tricks=types.SimpleNamespace(as_strided=_as_strided))

    def __getattr__(self, name):
        if name in _DATA_SIZED:
            self.waits += 1  # the result's size depends on the values: a wait for the GPU
        if name in _MISSING or name.startswith("__"):
            raise AttributeError(f"module 'fakecupy' has no attribute {name!r} (neither has CuPy)")
        value = getattr(numpy, name)
        if isinstance(value, numpy.ufunc):
            return _Ufunc(value)
        if isinstance(value, type) or not callable(value):
            return value  # dtypes (float32, int64), constants (inf, newaxis)
        return _wrapped(value, name)

    # -------------------------------------------- the explicit transfers
    def asarray(self, value, dtype=None):
        """Upload: host data (lists, numbers, NumPy arrays) or a device array, as a device array."""
        if isinstance(value, ndarray):
            return value if dtype is None else ndarray(value._a.astype(dtype, copy=False))
        return ndarray(numpy.array(value, dtype=dtype, copy=True))

    def array(self, value, dtype=None, copy=True):
        if isinstance(value, ndarray):
            return ndarray(numpy.array(value._a, dtype=dtype, copy=copy))
        return ndarray(numpy.array(value, dtype=dtype, copy=True))

    def asnumpy(self, value):
        """Download: the one way values come back to the host."""
        self.downloads += 1
        self.waits += 1
        return value._a.copy() if isinstance(value, ndarray) else numpy.asarray(value)

    def take_along_axis(self, a, indices, axis):
        return ndarray(numpy.take_along_axis(a._a, indices._a % a._a.shape[axis], axis=axis))

    def put_along_axis(self, a, indices, values, axis):
        numpy.put_along_axis(a._a, indices._a % a._a.shape[axis], _unwrap(values, "put_along_axis"), axis=axis)

    def fuse(self, function):
        """CuPy's ``cupy.fuse``: one kernel for the whole function.  Here it runs as written, on device arrays,
        and counts its calls in ``fused_calls`` (a test can tell that the fused path ran)."""

        def kernel(*args):
            self.fused_calls += 1
            return function(*args)

        return kernel


def _as_strided(a, shape=None, strides=None):
    """``cupy.lib.stride_tricks.as_strided``: a device view of a device array's memory."""
    if not isinstance(a, ndarray):
        raise TypeError("fakecupy.lib.stride_tricks.as_strided: expected a device array")
    return ndarray(numpy.lib.stride_tricks.as_strided(a._a, shape=shape, strides=strides))


def _erf(x):
    if not isinstance(x, ndarray):
        raise TypeError("fakecupyx.scipy.special.erf: expected a device array")
    return ndarray(backend.erf(x._a))


fakecupy = FakeCuPy()
# The stand-in for cupyx: only what minigrad.backend imports from it.
fakecupyx = types.ModuleType("fakecupyx")
fakecupyx.scipy = types.ModuleType("fakecupyx.scipy")
fakecupyx.scipy.special = types.ModuleType("fakecupyx.scipy.special")
fakecupyx.scipy.special.erf = _erf
