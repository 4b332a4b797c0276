"""The element types a Tensor can hold, with PyTorch's names.

``minigrad.float32`` is the default (as in PyTorch): it halves memory and is
plenty for training.  ``float64`` is what gradient checks need, ``int64``
holds class labels and word indices, and ``bool`` holds masks.
"""
from . import backend


class dtype:
    """One element type: a name (``float32``) and the NumPy type behind it."""

    def __init__(self, name):
        self.name = name
        self.numpy = backend.cpu.dtype(name)

    @property
    def is_floating_point(self):
        return self.numpy.kind == "f"

    def __repr__(self):
        return f"minigrad.{self.name}"

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self.name == other.name
        if other is None:
            # NumPy reads dtype(None) as float64; None is no dtype here.
            return False
        try:
            return self.numpy == backend.cpu.dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.name)


float32 = dtype("float32")
float64 = dtype("float64")
int64 = dtype("int64")
bool = dtype("bool")

_BY_NAME = {d.name: d for d in (float32, float64, int64, bool)}
# PyTorch's aliases, so that code written for it reads the same here.
float = float32
double = float64
long = int64


def to_numpy_dtype(value):
    """The NumPy dtype for a minigrad dtype, a NumPy dtype or a type name."""
    if isinstance(value, dtype):
        return value.numpy
    return backend.cpu.dtype(value)


def from_numpy_dtype(np_dtype):
    """The minigrad dtype that stands for a NumPy dtype."""
    found = _BY_NUMPY.get(np_dtype)  # every Tensor.dtype comes here: a dict lookup, not a dtype's name
    if found is None:
        name = backend.cpu.dtype(np_dtype).name
        found = _BY_NAME.get(name) or dtype(name)
        _BY_NUMPY[np_dtype] = found
    return found


_BY_NUMPY = {}  # NumPy dtype (or type) -> minigrad dtype, filled as they are met


def supported(np_dtype):
    """Map any NumPy dtype onto the four that minigrad supports.

    Integers of every width become int64 (PyTorch's default for labels and
    indices), float16 becomes float32, and float64 stays float64.
    """
    kind = np_dtype.kind
    if kind == "b":
        return backend.cpu.dtype("bool")
    if kind in "iu":
        return backend.cpu.dtype("int64")
    if kind == "f":
        return backend.cpu.dtype("float64") if np_dtype.itemsize >= 8 else backend.cpu.dtype("float32")
    raise TypeError(
        f"minigrad tensors hold float32, float64, int64 or bool values; got an array of dtype {np_dtype}. "
        "Convert it first, for example with numpy_array.astype('float32')."
    )
