"""The methods of ``Tensor`` that only hand over to an operation.

``x + y`` is ``elementwise.add(x, y)``, ``x.sum(dim=1)`` is
``reduce.sum(x, dim=1)``, ``x.float()`` is ``x.to(minigrad.float32)``:
nothing here computes anything.  tensor.py copies this table onto
``Tensor`` (``install``), so that tensor.py reads as what a tensor is (its
data, its graph links, ``backward``), and a student looking for what
``x.something()`` does finds the operation it calls here, by name.
"""
from . import dtypes
from .ops import activation, compare, elementwise, linalg, reduce
from .ops import shape as shape_ops


def install(cls):
    """Copy every method of ``TensorMethods`` onto ``cls`` (``Tensor``), as if its class body had defined them.

    Copied rather than inherited, so that ``vars(Tensor)`` lists them all
    and a method is found in one step, as on a class that wrote them itself.
    """
    for name, value in vars(TensorMethods).items():
        if callable(value):  # functions only: not __doc__, __module__, nor the __hash__ = None that __eq__ implies
            setattr(cls, name, value)


class TensorMethods:
    """Operators and PyTorch-named methods of ``Tensor``, each handing over to ``minigrad/ops``."""

    # ------------------------------------------------------------ operators
    def __add__(self, other):
        return elementwise.add(self, other)

    def __radd__(self, other):
        return elementwise.add(other, self)

    def __sub__(self, other):
        return elementwise.sub(self, other)

    def __rsub__(self, other):
        return elementwise.sub(other, self)

    def __mul__(self, other):
        return elementwise.mul(self, other)

    def __rmul__(self, other):
        return elementwise.mul(other, self)

    def __truediv__(self, other):
        return elementwise.div(self, other)

    def __rtruediv__(self, other):
        return elementwise.div(other, self)

    def __pow__(self, other):
        return elementwise.pow(self, other)

    def __rpow__(self, other):
        return elementwise.pow(other, self)

    def __matmul__(self, other):
        return linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return linalg.matmul(other, self)

    def __neg__(self):
        return elementwise.neg(self)

    def __abs__(self):
        return elementwise.abs(self)

    def __eq__(self, other):
        return compare.eq(self, other)

    def __ne__(self, other):
        return compare.ne(self, other)

    def __lt__(self, other):
        return compare.lt(self, other)

    def __le__(self, other):
        return compare.le(self, other)

    def __gt__(self, other):
        return compare.gt(self, other)

    def __ge__(self, other):
        return compare.ge(self, other)

    def __invert__(self):
        return compare.logical_not(self)

    def __and__(self, other):
        return compare.logical_and(self, other)

    def __or__(self, other):
        return compare.logical_or(self, other)

    def __getitem__(self, index):
        return shape_ops.getitem(self, index)

    # ---------------------------------------------- methods, PyTorch's names
    add = elementwise.add
    sub = elementwise.sub
    mul = elementwise.mul
    div = elementwise.div
    pow = elementwise.pow
    neg = elementwise.neg
    exp = elementwise.exp
    log = elementwise.log
    sqrt = elementwise.sqrt
    abs = elementwise.abs
    clamp = elementwise.clamp
    clip = elementwise.clamp
    maximum = elementwise.maximum
    minimum = elementwise.minimum
    where = elementwise.tensor_where

    tanh = activation.tanh
    sigmoid = activation.sigmoid
    relu = activation.relu
    softmax = activation.softmax
    log_softmax = activation.log_softmax

    sum = reduce.sum
    mean = reduce.mean
    var = reduce.var
    std = reduce.std
    max = reduce.max
    min = reduce.min
    amax = reduce.amax
    amin = reduce.amin
    argmax = reduce.argmax
    argmin = reduce.argmin
    topk = reduce.topk
    logsumexp = reduce.logsumexp
    norm = reduce.norm
    cumsum = reduce.cumsum

    reshape = shape_ops.reshape
    view = shape_ops.reshape
    transpose = shape_ops.transpose
    permute = shape_ops.permute
    unsqueeze = shape_ops.unsqueeze
    squeeze = shape_ops.squeeze
    flatten = shape_ops.flatten
    expand = shape_ops.expand
    gather = shape_ops.gather
    masked_fill = elementwise.masked_fill

    def expand_as(self, other):
        return shape_ops.expand(self, other.shape)

    def view_as(self, other):
        return shape_ops.reshape(self, other.shape)

    matmul = linalg.matmul

    eq = compare.eq
    ne = compare.ne
    lt = compare.lt
    le = compare.le
    gt = compare.gt
    ge = compare.ge
    any = compare.any
    all = compare.all
    allclose = compare.allclose
    isclose = compare.isclose
    equal = compare.equal

    # ----------------------------- in place (what an optimizer step uses)
    def add_(self, other):
        return self._inplace("add_", elementwise.add, other)

    def sub_(self, other):
        return self._inplace("sub_", elementwise.sub, other)

    def mul_(self, other):
        return self._inplace("mul_", elementwise.mul, other)

    def div_(self, other):
        return self._inplace("div_", elementwise.div, other)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # ------------------------------------------------- dtype and device
    def type(self, dtype):
        return self.to(dtype)

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def long(self):
        return self.to(dtypes.int64)

    def bool(self):
        return self.to(dtypes.bool)

    def cpu(self):
        """The tensor on the host (``self`` if it is there already)."""
        return self.to("cpu")

    def cuda(self, device=None):
        """The tensor on the GPU (``self`` if it is there already); ``device`` may be an index."""
        return self.to(f"cuda:{device}" if isinstance(device, int) else (device or "cuda"))
