"""Shape and indexing: reshape, transpose, permute, expand, indexing, gather, cat, stack; one_hot.

None of these change a value; they move values around.  So each backward
moves g back to where the values came from: reshape g back, transpose it
back, or add it into the positions that were read (``scatter_add``, so
that an index read twice gets both gradients).  Notation: g = dL/dy.
"""
import math

from .. import backend, dtypes
from .. import tensor as _tensor
from ..autograd import Function
from ..errors import ShapeError
from ._util import normalize_dims


class Reshape(Function):
    """y = x with a new shape (same values, same order);   dL/dx = g reshaped to x's shape"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class Permute(Function):
    """y = x with its dimensions reordered by ``dims``;   dL/dx = g with the inverse order"""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        inverse = [0] * len(ctx.dims)
        for position, d in enumerate(ctx.dims):
            inverse[d] = position
        return g.transpose(inverse), None


class Expand(Function):
    """y = x broadcast to ``shape`` (a view, no copy);   dL/dx = g summed over the copies (by the engine)"""

    @staticmethod
    def forward(ctx, x, shape):
        return ctx.xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g, None


class GetItem(Function):
    """y = x[index];   dL/dx = zeros with g added at the positions read

    An integer-array index may read one position several times
    (x[[0, 0, 1]]); each read contributes, so the gradient is *added* there
    with ``scatter_add``.  ``dx[index] = g`` would keep only the last one.
    """

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.dtype, ctx.index = x.shape, x.dtype, index
        return x[index]

    @staticmethod
    def backward(ctx, g):
        dx = ctx.xp.zeros(ctx.shape, dtype=ctx.dtype)
        if _reads_repeatedly(ctx.index):
            backend.scatter_add(dx, ctx.index, g)
        else:
            dx[ctx.index] = g
        return dx, None


def scatter_add_along_axis(xp, shape, index, values, axis=-1):
    """Zeros of ``shape`` with ``values`` added at ``index`` along ``axis``; repeated positions accumulate.

    The backward of every "read x at these positions along one axis":
    ``gather`` here, and max- and average-pooling (nn/pooling.py).  Entry p
    of ``index`` names a position of x: p's own coordinates, except
    ``index[p]`` along ``axis``.  ``index`` may carry extra trailing axes
    (several reads per position, as a pooling window makes), all along
    ``axis``, which must then be the last one.

    Flattened, a position is sum_d coordinate_d * stride_d, where stride_d is
    the product of the sizes after axis d; so one flat ``scatter_add``
    does every row at once.
    """
    ndim = len(shape)
    axis = axis % ndim
    strides = [math.prod(shape[d + 1:]) for d in range(ndim)]
    flat = index * strides[axis]
    for d in range(ndim):
        if d != axis:
            coordinate = xp.arange(index.shape[d], dtype=index.dtype).reshape((-1,) + (1,) * (index.ndim - d - 1))
            flat = flat + coordinate * strides[d]
    grad = xp.zeros(shape, dtype=values.dtype)
    backend.scatter_add(grad.reshape(-1), flat.reshape(-1), xp.broadcast_to(values, flat.shape).reshape(-1))
    return grad


class Gather(Function):
    """y[i][j] = x[i][index[i][j]] along ``dim`` (PyTorch's gather);   dL/dx: g added at the gathered places"""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dtype, ctx.dim = x.shape, x.dtype, dim
        ctx.save_for_backward(index)
        return ctx.xp.take_along_axis(x, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        (index,) = ctx.saved_tensors
        return scatter_add_along_axis(ctx.xp, ctx.shape, index, g.astype(ctx.dtype, copy=False), ctx.dim), None, None


class Cat(Function):
    """y = the inputs joined along ``dim``;   dL/d(input k) = the slice of g where input k went"""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in xs]
        return ctx.xp.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        grads = []
        start = 0
        for size in ctx.sizes:
            where = [slice(None)] * g.ndim
            where[ctx.dim] = slice(start, start + size)
            grads.append(g[tuple(where)])
            start += size
        return (None, *grads)


class Stack(Function):
    """y = the inputs stacked along a new ``dim``;   dL/d(input k) = g taken at position k of dim"""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return ctx.xp.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        count = g.shape[ctx.dim]
        return (None, *(ctx.xp.take(g, k, axis=ctx.dim) for k in range(count)))


def _reads_repeatedly(index):
    """True if ``index`` holds an integer array, which may name a position twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(backend.is_array(p) and p.dtype.kind in "iu" for p in parts)


def _array_index(index, xp):
    """Turn an index that may hold Tensors, lists and ranges into one the array module ``xp`` understands.

    As in PyTorch, an index on the host may index a tensor on the GPU: it is
    copied over (indices are small).  The other way round is an error.
    """
    if isinstance(index, tuple):
        return tuple(_array_index(part, xp) for part in index)
    if isinstance(index, _tensor.Tensor):
        if index._data.dtype.kind == "f":
            raise IndexError(
                f"indexing with a {index.dtype} tensor: indices must be integers (int64) or a bool mask; "
                "call .long() on it first"
            )
        index = index._data
    if isinstance(index, backend.cpu.ndarray) and xp is not backend.cpu:
        return xp.asarray(index)
    if isinstance(index, (list, range)):
        array = xp.asarray(list(index))
        if array.dtype.kind == "f" and array.size:  # an empty list is float to NumPy, but no index is fine
            raise IndexError("indexing with a list of floats: indices must be integers or bools")
        return array.astype("int64") if array.size == 0 else array
    return index


def getitem(input, index):
    index = _array_index(index, input.xp)
    try:
        return GetItem.apply(input, index)
    except IndexError as err:
        raise IndexError(f"indexing a tensor of shape {input.shape}: {err}") from None


def gather(input, dim, index):
    (axis,) = normalize_dims(dim, input.ndim, "gather")
    index = index._data if isinstance(index, _tensor.Tensor) else input.xp.asarray(index)
    if index.ndim != input.ndim:
        raise ShapeError(
            f"gather: index has {index.ndim} dimension(s) but input has {input.ndim}; they must have the "
            "same number (use unsqueeze on the index)"
        )
    try:
        return Gather.apply(input, axis, index)
    except IndexError as err:
        raise IndexError(f"gather along dim {dim} of a tensor of shape {input.shape}: {err}") from None


def _shape_args(shape, op):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for size in shape:
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"{op}: sizes must be ints, got {shape}")
    return tuple(shape)


def reshape(input, *shape):
    """Same values in a new shape; one size may be -1 (inferred). ``view`` is the same here."""
    shape = _shape_args(shape, "reshape")
    known = 1
    for size in shape:
        if size != -1:
            known *= size
    if any(size < -1 for size in shape) or shape.count(-1) > 1 or (-1 not in shape and known != input.numel()) or (
        -1 in shape and (known == 0 or input.numel() % known)
    ):
        raise ShapeError(
            f"reshape: cannot reshape a tensor of shape {input.shape} ({input.numel()} values) into {shape}; "
            "the sizes must multiply to the same number of values (at most one size may be -1)."
        )
    return Reshape.apply(input, shape)


def transpose(input, dim0, dim1):
    """Swap two dimensions."""
    order = list(range(input.ndim))
    a, b = (normalize_dims(d, input.ndim, "transpose")[0] for d in (dim0, dim1))
    order[a], order[b] = order[b], order[a]
    return Permute.apply(input, tuple(order))


def permute(input, *dims):
    dims = _shape_args(dims, "permute")
    if sorted(d % max(input.ndim, 1) for d in dims) != list(range(input.ndim)):
        raise ShapeError(
            f"permute: {dims} must name each of the {input.ndim} dimensions of a tensor of shape "
            f"{input.shape} exactly once"
        )
    return Permute.apply(input, tuple(d % max(input.ndim, 1) for d in dims))


def unsqueeze(input, dim):
    """Insert a size-1 dimension at ``dim`` (which may be input.ndim, to append one)."""
    if not -input.ndim - 1 <= dim <= input.ndim:
        raise IndexError(f"unsqueeze: dim {dim} is out of range for a tensor with {input.ndim} dimension(s)")
    dim = dim % (input.ndim + 1)
    return Reshape.apply(input, input.shape[:dim] + (1,) + input.shape[dim:])


def squeeze(input, dim=None):
    """Remove size-1 dimensions (all of them, or only ``dim`` if it has size 1)."""
    dims = normalize_dims(dim, input.ndim, "squeeze") if input.ndim else ()
    shape = tuple(n for d, n in enumerate(input.shape) if not (d in dims and n == 1))
    return Reshape.apply(input, shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions start_dim..end_dim into one."""
    if input.ndim == 0:
        return Reshape.apply(input, (1,))
    start, end = (normalize_dims(d, input.ndim, "flatten")[0] for d in (start_dim, end_dim))
    merged = 1
    for n in input.shape[start : end + 1]:
        merged *= n
    return Reshape.apply(input, input.shape[:start] + (merged,) + input.shape[end + 1 :])


def expand(input, *sizes):
    """Broadcast size-1 dimensions to ``sizes`` without copying; -1 keeps a size."""
    sizes = _shape_args(sizes, "expand")
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise ShapeError(f"expand: cannot expand shape {input.shape} to fewer dimensions {sizes}")
    target = tuple(input.shape[d - lead] if n == -1 else n for d, n in enumerate(sizes))
    try:
        backend.cpu.broadcast_shapes(input.shape, target)
    except ValueError:
        raise ShapeError(
            f"expand: cannot expand shape {input.shape} to {target}; only size-1 dimensions can grow"
        ) from None
    return Expand.apply(input, target)


def _tensors(tensors, op):
    if isinstance(tensors, _tensor.Tensor):
        raise TypeError(f"{op}: expects a sequence of Tensors, e.g. {op}([a, b], dim=0), not a single Tensor")
    tensors = list(tensors)
    if not tensors:
        raise ValueError(f"{op}: needs at least one tensor")
    if not all(isinstance(t, _tensor.Tensor) for t in tensors):
        raise TypeError(f"{op}: expects a sequence of Tensors, e.g. {op}([a, b], dim=0)")
    return tensors


def cat(tensors, dim=0):
    """Join tensors along an existing dimension; all other sizes must agree."""
    tensors = _tensors(tensors, "cat")
    if any(t.ndim == 0 for t in tensors):
        raise ShapeError("cat: 0-d tensors have no dimension to join along; use stack, or unsqueeze(0) them first")
    (axis,) = normalize_dims(dim, tensors[0].ndim, "cat")
    for t in tensors[1:]:
        if t.ndim != tensors[0].ndim or any(
            a != b for d, (a, b) in enumerate(zip(t.shape, tensors[0].shape)) if d != axis
        ):
            raise ShapeError(
                f"cat along dim {dim}: shapes {[tuple(x.shape) for x in tensors]} differ outside that dimension"
            )
    return Cat.apply(axis, *tensors)


def stack(tensors, dim=0):
    """Stack equally shaped tensors along a new dimension."""
    tensors = _tensors(tensors, "stack")
    if any(t.shape != tensors[0].shape for t in tensors):
        raise ShapeError(f"stack: every tensor must have the same shape, got {[tuple(x.shape) for x in tensors]}")
    if not -tensors[0].ndim - 1 <= dim <= tensors[0].ndim:
        raise IndexError(f"stack: dim {dim} is out of range for tensors with {tensors[0].ndim} dimension(s)")
    return Stack.apply(dim % (tensors[0].ndim + 1), *tensors)


def one_hot(tensor, num_classes=-1):
    """Class indices (*) -> one-hot rows (*, num_classes) of int64: row i has a 1 at column tensor[i].

    With ``num_classes=-1`` the number of classes is the largest index + 1.
    The result is integer (no gradient); call ``.float()`` to compute with it.
    ``F.one_hot(y, C).float() @ W`` is what an embedding lookup ``W[y]``
    computes without building the matrix (``nn/embedding.py``).
    """
    op = "one_hot"
    if not isinstance(tensor, _tensor.Tensor):
        raise TypeError(f"{op}: tensor must be a minigrad Tensor of class indices, got {type(tensor).__name__}.")
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
    return _tensor.Tensor._from_array(out.astype(dtypes.to_numpy_dtype(dtypes.int64)))
