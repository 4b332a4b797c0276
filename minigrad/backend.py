"""The array-module seam: the one place that knows which array library runs, and where.

Every operation works on plain arrays through an *array module* ``xp`` -
NumPy on the CPU, CuPy on an NVIDIA GPU - chosen from the arrays themselves,
the way Chainer's ``get_array_module`` does.  Operations never write
``numpy.`` directly; they ask this module, so that swapping the library
touches this file and nothing else.  A tensor's *device* is read from its
array's type: a NumPy array lives on ``cpu``, a CuPy array on ``cuda``.

Devices:

- ``device('cpu')``, ``device('cuda')`` (PyTorch's ``torch.device``), and
  ``array_module_for(device)``: the array module that holds that device's
  arrays;
- ``is_cuda_available()`` / ``cuda_unavailable_reason()``: whether CuPy can
  really allocate on a GPU (not merely whether ``import cupy`` works), and
  if not, why, in words;
- ``to_device(array, device)``: the explicit transfer (``Tensor.to`` uses it);
  ``to_numpy`` is the transfer to the host;
- ``set_default_device`` / ``get_default_device``: where factories put new
  tensors when no ``device=`` is given;
- ``check_same_device``: the error for an operation whose inputs live on two
  devices (CuPy and NumPy arrays never mix silently).

The few primitives whose spelling differs between array libraries live here,
once each:

- ``scatter_add``: ``out[index] += values`` where repeated indices must
  accumulate (the gradient of indexing and of an embedding lookup):
  ``numpy.add.at`` on the CPU, ``cupy.add.at`` on a GPU;
- ``erf``: the Gauss error function (for the exact GELU): SciPy's or
  Python's on the CPU, ``cupyx.scipy.special.erf`` on a GPU;
- ``default_rng``: a seeded random generator of the array module (NumPy's and
  CuPy's draw different numbers from the same seed, as CPU and GPU do in
  PyTorch); minigrad uses only the methods both have: ``random``,
  ``standard_normal``, ``uniform`` and ``integers``;
- ``strided_view``: ``as_strided`` (a view with given strides; conv.py's taps);
- ``errstate``: silence NumPy's floating-point warnings (CuPy has no
  ``errstate``: a GPU never warns);
- ``to_numpy``: the explicit transfer of an array to the host.

The tests play the GPU with a stand-in for CuPy (tests/_fake_device.py),
which they put in ``_modules`` and ``_array_types`` below for one test at a
time; nothing in this file knows about it.
"""
import contextlib
import math

import numpy

# What this module hands out as the CPU array library.
cpu = numpy

CUDA_INSTALL_HINT = (
    "Install minigrad's gpu extra, which brings CuPy for CUDA 12: pip install \"minigrad-classroom[gpu]\" "
    "(or pip install cupy-cuda12x), on a machine with an NVIDIA GPU and its driver"
)

# device type -> array module, for the libraries that are loaded and usable ('cuda' once CuPy is found).
_modules = {"cpu": numpy}
# array type -> device type: how an array says where it lives.
_array_types = {numpy.ndarray: "cpu"}
# The result of looking for a usable GPU, worked out once: {"module": cupy or None, "reason": str or None}.
_cuda = {}
_default = {}
_DEVICE_TYPES = ("cpu", "cuda")


# ------------------------------------------------------------------ devices
class device:
    """Where a tensor's values live: ``device('cpu')`` or ``device('cuda', 0)`` (``torch.device``).

    Made from a string (``'cpu'``, ``'cuda'``, ``'cuda:0'``) or another
    device.  It compares equal to the strings that name it, so
    ``t.device == 'cuda'`` works; ``t.device.type`` is ``'cpu'`` or ``'cuda'``.
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        spec = type
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, str) and ":" in type:
            type, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"invalid device {spec!r}: write 'cuda' or 'cuda:0'")
            index = int(number)
        if not isinstance(type, str) or type not in _DEVICE_TYPES:
            raise RuntimeError(f"unknown device {spec!r}: minigrad knows 'cpu' and 'cuda' (as in PyTorch)")
        if type == "cpu" and index not in (None, 0):
            raise RuntimeError(f"invalid device {spec!r}: there is only one CPU device, 'cpu'")
        self.type = type
        self.index = None if type == "cpu" else index

    def _key(self):
        return (self.type, self.index or 0)

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        if not isinstance(other, device):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        if self.index is None:
            return f"device(type={self.type!r})"
        return f"device(type={self.type!r}, index={self.index})"


def as_device(spec):
    """``spec`` (a string or a ``device``) as a ``device``; None means the default device."""
    if spec is None:
        return get_default_device()
    return spec if isinstance(spec, device) else device(spec)


def is_device(value):
    """True for a ``device`` or a string that names one ('cpu', 'cuda', 'cuda:0'), as ``to()`` accepts."""
    if isinstance(value, device):
        return True
    if isinstance(value, str):
        return value.partition(":")[0] in _DEVICE_TYPES
    return False


def _register_cupy(cupy):
    """From now on, CuPy arrays live on 'cuda'."""
    _modules["cuda"] = cupy
    _array_types[cupy.ndarray] = "cuda"


def _probe_cuda():
    """(cupy, None) when CuPy can really allocate on a GPU, else (None, the reason in words). Worked out once."""
    if "reason" not in _cuda:
        module, reason = None, None
        try:
            import cupy
        except ImportError as err:
            reason = f"CuPy is not installed ({err}). {CUDA_INSTALL_HINT}."
        except Exception as err:  # a broken install fails on import in many ways
            reason = f"CuPy is installed but does not import ({type(err).__name__}: {err}). {CUDA_INSTALL_HINT}."
        else:
            try:
                if hasattr(cupy, "is_available") and not cupy.is_available():
                    reason = (
                        "CuPy is installed, but it finds no usable NVIDIA GPU (cupy.is_available() is False: "
                        "no GPU in this machine, or no CUDA driver for it). Run on a machine with an NVIDIA GPU "
                        "and its driver (nvidia-smi should list it)."
                    )
                else:
                    total = cupy.arange(3).sum()  # a real allocation and kernel, not just an import
                    cupy.asnumpy(total)
                    module = cupy
            except Exception as err:
                reason = (
                    f"CuPy is installed but cannot run on a GPU ({type(err).__name__}: {err}). Check the NVIDIA "
                    "driver (nvidia-smi) and that the CuPy package matches its CUDA version (cupy-cuda12x "
                    "for CUDA 12)."
                )
        _cuda.update(module=module, reason=reason)
        if module is not None:
            _register_cupy(module)
    return _cuda["module"], _cuda["reason"]


def is_cuda_available():
    """True when a GPU is usable through CuPy: CuPy imports *and* can allocate on a device."""
    return "cuda" in _modules or _probe_cuda()[0] is not None


def cuda_unavailable_reason():
    """Why no GPU is usable, in words (what is missing and what to install); None when one is."""
    return None if is_cuda_available() else _probe_cuda()[1]


def array_module_for(spec=None):
    """The array module that holds arrays of device ``spec`` (None: the default device).

    Asking for ``'cuda'`` where no GPU is usable raises a RuntimeError that
    says why and what to install.
    """
    dev = as_device(spec)
    module = _modules.get(dev.type)
    if module is None and dev.type == "cuda":
        module, reason = _probe_cuda()
        if module is None:
            raise RuntimeError(f"device {str(dev)!r} was asked for, but no GPU is usable: {reason}")
    return module


_NUMBERS = frozenset((float, int, bool))  # passed beside arrays (an optimizer's lr, beta1, ...), on no device


def _adopt(array):
    """The device type of ``array``, registering CuPy on first sight of one of its arrays."""
    kind = _array_types.get(type(array))
    if kind is None and type(array).__module__.startswith("cupy") and hasattr(array, "shape"):
        import cupy

        _register_cupy(cupy)
        kind = _array_types.get(type(array))
    return kind


def get_array_module(*arrays):
    """Return the array module (``numpy`` or ``cupy``) that owns ``arrays``.

    Plain Python numbers belong to no module and are skipped; with no array
    at all the answer is NumPy.
    """
    for array in arrays:
        kind = _array_types.get(type(array))
        if kind is None:
            if type(array) in _NUMBERS or isinstance(array, numpy.ndarray):
                continue
            kind = _adopt(array)
        if kind is not None and kind != "cpu":
            return _modules[kind]
    return numpy


def is_array(value):
    """True for an ndarray of any supported array library."""
    kind = type(value)
    if kind in _array_types:
        return True
    if kind in _NUMBERS:  # the numbers passed beside arrays (fused's lr, beta1, ...): no lookup
        return False
    return isinstance(value, numpy.ndarray) or _adopt(value) is not None


def device_of(array):
    """The ``device`` that holds ``array``."""
    kind = _array_types.get(type(array)) or ("cpu" if isinstance(array, numpy.ndarray) else _adopt(array))
    if kind == "cpu" or kind is None:
        return device("cpu")
    return device(kind, getattr(getattr(array, "device", None), "id", 0))


def check_same_device(op, arrays):
    """Raise if the arrays among ``arrays`` live on more than one device.

    Called by ``Function.apply`` only when two inputs have different array
    types, so the common case costs one type comparison.
    """
    first = None
    for array in arrays:
        if not is_array(array):
            continue
        where = device_of(array)
        if first is None:
            first = where
        elif where.type != first.type:
            raise RuntimeError(
                f"{op}: expected all tensors on the same device, found {first} and {where}. Move one of them "
                f"first, e.g. x.to('{where.type}') or x.to('{first.type}'), and the model with model.to(device)."
            )


def to_device(array, spec):
    """The explicit transfer: ``array`` on device ``spec`` (the same array if it is already there)."""
    dev = as_device(spec)
    if dev.type == "cpu" and type(array) is numpy.ndarray:
        return array  # the common case, kept cheap: Tensor() calls this for every new tensor
    xp = array_module_for(dev)
    if _array_types.get(type(array)) == dev.type and (dev.index is None or device_of(array) == dev):
        return array
    if xp is numpy:
        return to_numpy(array)
    source = get_array_module(array)
    if source is not numpy and source is not xp:
        array = to_numpy(array)  # between two different accelerator libraries: through the host
    cuda = getattr(xp, "cuda", None)
    place = cuda.Device(dev.index) if dev.index is not None and hasattr(cuda, "Device") else contextlib.nullcontext()
    with place:
        if source is xp:  # from another GPU of the same library: a device-to-device copy
            return xp.array(array, copy=True)
        # From the host: an upload into a new array, queued on the current stream like the kernels
        # (the host's array is staged before set returns, so it may change afterwards).  On an H200
        # this cost the host a fraction of cupy.asarray's time (docs/gpu.md).
        uploaded = xp.empty(array.shape, dtype=array.dtype)
        stream = cuda.get_current_stream() if hasattr(cuda, "get_current_stream") else None
        uploaded.set(numpy.asarray(array, order="C"), stream=stream)  # (ascontiguousarray makes 0-d arrays 1-d)
        return uploaded


def set_default_device(spec):
    """Where factories (``zeros``, ``randn``, ``tensor``, layers' parameters) put new tensors by default.

    ``minigrad.set_default_device('cuda')`` makes the GPU the default (and
    fails at once, saying why, if none is usable); ``None`` or ``'cpu'``
    goes back to the CPU.  As in PyTorch's ``torch.set_default_device``.
    """
    dev = device("cpu") if spec is None else as_device(spec)
    array_module_for(dev)  # fail now, not at the first factory call
    _default["device"] = dev


def get_default_device():
    """The device new tensors go to when no ``device=`` is given (``cpu`` unless set)."""
    return _default["device"]


_default["device"] = device("cpu")


def to_numpy(array):
    """Bring ``array`` to the host as a NumPy array (a copy only when needed)."""
    if isinstance(array, numpy.ndarray):
        return array
    kind = _adopt(array)
    if kind is not None and kind != "cpu":
        from . import device_checks  # imported here: it imports this module

        device_checks.settle()  # the host waits for the GPU anyway: hear the checks queued on it first
        return _modules[kind].asnumpy(array)
    return numpy.asarray(array)


def errstate(**kwargs):
    """``with errstate(divide='ignore'):`` silences NumPy's floating-point warnings inside the block.

    Only NumPy warns; CuPy has no such setting (and no ``cupy.errstate``), so
    on a GPU the block simply runs.  NumPy's settings never touch CuPy.
    """
    return numpy.errstate(**kwargs)


def scatter_add(target, index, values):
    """In place: ``target[index] += values``, accumulating repeated indices.

    Plain ``target[index] += values`` writes each repeated index only once
    (the last write wins), which silently loses gradient.  ``add.at`` adds
    every occurrence; NumPy and CuPy both spell it so (CuPy's older
    ``cupyx.scatter_add`` is deprecated).
    """
    get_array_module(target).add.at(target, index, values)
    return target


def erf(x):
    """The Gauss error function, elementwise, to double precision.

    NumPy has no ``erf``; SciPy does, but minigrad does not depend on SciPy, so
    on NumPy this falls back to Python's ``math.erf`` element by element
    (exact, and fast enough for teaching-sized tensors).
    """
    xp = get_array_module(x)
    if xp is numpy:
        try:
            from scipy.special import erf as scipy_erf
        except ImportError:
            # asarray: on a 0-d input frompyfunc returns a bare Python float.
            return numpy.asarray(numpy.frompyfunc(math.erf, 1, 1)(x), dtype=x.dtype)
        return scipy_erf(x).astype(x.dtype, copy=False)
    import cupyx.scipy.special

    return cupyx.scipy.special.erf(x)


def default_rng(seed, xp=numpy):
    """A random generator of the array module ``xp``, seeded with ``seed``."""
    return xp.random.default_rng(seed)


def strided_view(array, shape, strides):
    """A view of ``array``'s memory with this shape and these strides, counted in elements: no copy.

    ``as_strided``, which NumPy and CuPy keep in ``lib.stride_tricks``.  The
    caller promises that every index stays inside ``array`` (``array`` must
    be contiguous); nothing checks it, so use it only where the strides are
    derived, as in conv.py's ``_taps``.
    """
    xp = get_array_module(array)
    item = array.itemsize
    return xp.lib.stride_tricks.as_strided(array, shape=shape, strides=tuple(item * s for s in strides))


def add_rows(target, index, rows):
    """In place: ``target[index[i]] += rows[i]`` for every i, repeated indices accumulating (an embedding's gradient).

    target (num, dim), index (n,) of integers, rows (n, dim).  On NumPy,
    ``numpy.add.at`` adds one row at a time, slowly; sorting instead puts
    the rows of each index side by side, and one ``add.reduceat`` sums each
    run (a segment sum), which is written once into its row:

        index 4 2 4 7   ->  sorted 2 4 4 7,  runs start at 0 1 3
        target[2] += rows[1];  target[4] += rows[0] + rows[2];  target[7] += rows[3]

    The sort is stable, so each row's terms are added in the order they
    came, as ``add.at`` adds them.  On a GPU ``scatter_add``'s atomic adds are
    already one kernel and stay.
    """
    xp = get_array_module(target)
    if xp is not numpy or index.size == 0:
        return scatter_add(target, index, rows)
    order = numpy.argsort(index, kind="stable")
    ids = index[order]
    starts = numpy.flatnonzero(numpy.concatenate(([True], ids[1:] != ids[:-1])))
    target[ids[starts]] += numpy.add.reduceat(rows[order], starts, axis=0)
    return target
