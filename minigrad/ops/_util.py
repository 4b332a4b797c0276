"""Small helpers shared by the operation families: argument checks and dtype promotion."""
from .. import backend
from .. import tensor as _tensor
from ..errors import ShapeError


def as_tensor(value):
    """Python numbers stay as they are (NumPy broadcasts them); everything else becomes a Tensor.

    A NumPy scalar such as ``np.sqrt(2.0)`` counts as a Python number, as in
    PyTorch: ``x * np.sqrt(2.0)`` keeps a float32 ``x`` in float32.
    """
    if isinstance(value, backend.cpu.generic):
        value = value.item()
    if isinstance(value, (_tensor.Tensor, bool, int, float)):
        return value
    return _tensor.Tensor(value)


def promote(a, b):
    """Bring two operands to one dtype with PyTorch's rules, not NumPy's.

    NumPy turns int64 + float32 into float64 and int64 * 0.5 into float64;
    PyTorch keeps the float tensor's type, and a Python float meets an
    integer tensor as float32.  Following PyTorch keeps float32 models in
    float32.
    """
    a, b = as_tensor(a), as_tensor(b)
    Tensor = _tensor.Tensor
    a_float = isinstance(a, float) or (isinstance(a, Tensor) and a._data.dtype.kind == "f")
    b_float = isinstance(b, float) or (isinstance(b, Tensor) and b._data.dtype.kind == "f")
    if isinstance(a, Tensor) and not a_float and b_float:
        a = a.to(b.dtype if isinstance(b, Tensor) else "float32")
    elif isinstance(b, Tensor) and not b_float and a_float:
        b = b.to(a.dtype if isinstance(a, Tensor) else "float32")
    elif a_float and b_float and isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype != b.dtype:
        # A 0-d tensor counts like a Python number: float32 x times a float64 scalar stays float32.
        if b.ndim == 0 and a.ndim > 0:
            b = b.to(a.dtype)
        elif a.ndim == 0 and b.ndim > 0:
            a = a.to(b.dtype)
    return a, b


def shape_of(value):
    return tuple(getattr(value, "shape", ()))


def broadcast_error(op, a, b):
    """The message for two shapes that do not broadcast, with the rule spelled out."""
    return ShapeError(
        f"{op}: shapes {shape_of(a)} and {shape_of(b)} cannot be broadcast together. Broadcasting "
        "compares shapes from the right: each pair of sizes must be equal, or one of them 1. "
        "Reshape or unsqueeze one operand so that they line up."
    )


def broadcasting(op, a, b, function, *args):
    """``function(*args)``, with NumPy's "could not be broadcast" ValueError replaced by ``broadcast_error(op, a, b)``.

    The one place that turns the array library's terse message into one that
    names the operation and the shapes of its operands ``a`` and ``b``.
    """
    try:
        return function(*args)
    except ValueError as err:
        if "broadcast" in str(err):
            raise broadcast_error(op, a, b) from None
        raise


def normalize_dims(dim, ndim, op):
    """``dim`` (None, an int or a sequence of ints) as a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    bound = max(ndim, 1)
    out = []
    for d in dims:
        if not isinstance(d, int) or isinstance(d, bool):
            raise TypeError(f"{op}: dim must be an int or a tuple of ints, got {d!r}")
        if not -bound <= d < bound:
            raise IndexError(
                f"{op}: dimension {d} is out of range for a tensor with {ndim} dimension(s) "
                f"(valid: {-bound} to {bound - 1})"
            )
        out.append(d % bound)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: dimension {dim} lists the same axis twice")
    return tuple(sorted(out))


def reduction_dims(dim, ndim, op):
    """``normalize_dims`` for a reduction: the axes to reduce over.

    A single number (0-d) has no axis, yet PyTorch accepts dim 0 or -1 for
    it and returns the number itself: here that is a reduction over no axis, ().
    """
    dims = normalize_dims(dim, ndim, op)
    return dims if ndim else ()
