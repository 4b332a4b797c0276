"""Elementwise arithmetic: add, sub, mul, div, pow, exp, log, sqrt, abs, clamp, maximum, where.

Notation in the docstrings: y is the output, g = dL/dy is ``grad_output``,
and each formula gives dL/d(input).  Binary operations broadcast like NumPy;
their backward formulas are written in the broadcast shape and the engine
sums each gradient back to its input's shape (``autograd.sum_to_shape``).
"""
from .. import backend
from ..autograd import Function
from ._util import as_tensor, broadcasting, promote


def _binary(function, name, a, b):
    a, b = promote(a, b)
    return broadcasting(name, a, b, function.apply, a, b)


class Add(Function):
    """y = a + b;   dL/da = g,   dL/db = g"""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Function):
    """y = a - b;   dL/da = g,   dL/db = -g"""

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        return g, -g


class Mul(Function):
    """y = a * b;   dL/da = g * b,   dL/db = g * a"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        grad_a = g * b if ctx.needs_input_grad[0] else None
        grad_b = g * a if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    """y = a / b;   dL/da = g / b,   dL/db = -g * a / b^2"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        grad_a = g / b if ctx.needs_input_grad[0] else None
        grad_b = -g * a / (b * b) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Pow(Function):
    """y = a ** b;   dL/da = g * b * a^(b-1),   dL/db = g * y * log(a)"""

    @staticmethod
    def forward(ctx, a, b):
        y = a**b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        xp = ctx.xp
        grad_a = g * b * a ** (b - 1) if ctx.needs_input_grad[0] else None
        grad_b = None
        if ctx.needs_input_grad[1]:
            # log(a) is undefined for a <= 0; where y is 0 anyway the term is 0.
            with backend.errstate(divide="ignore", invalid="ignore"):
                grad_b = xp.where(y == 0, 0.0, g * y * xp.log(a))
        return grad_a, grad_b


class Neg(Function):
    """y = -x;   dL/dx = -g"""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class Exp(Function):
    """y = e^x;   dL/dx = g * e^x = g * y"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class Log(Function):
    """y = ln(x);   dL/dx = g / x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with backend.errstate(divide="ignore", invalid="ignore"):
            return ctx.xp.log(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with backend.errstate(divide="ignore", invalid="ignore"):
            return g / x


class Sqrt(Function):
    """y = sqrt(x);   dL/dx = g / (2 sqrt(x)) = g / (2y)"""

    @staticmethod
    def forward(ctx, x):
        with backend.errstate(invalid="ignore"):
            y = ctx.xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        with backend.errstate(divide="ignore", invalid="ignore"):
            return g / (2 * y)


class Abs(Function):
    """y = |x|;   dL/dx = g * sign(x)   (0 at x = 0, as in PyTorch)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ctx.xp.sign(x)


class Clamp(Function):
    """y = min(max(x, low), high);   dL/dx = g where low <= x <= high, else 0"""

    @staticmethod
    def forward(ctx, x, low, high):
        inside = ctx.xp.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= x >= low
        if high is not None:
            inside &= x <= high
        ctx.save_for_backward(inside)
        return ctx.xp.clip(x, low, high)

    @staticmethod
    def backward(ctx, g):
        (inside,) = ctx.saved_tensors
        return g * inside, None, None


class Maximum(Function):
    """y = max(a, b) elementwise;   dL/da = g where a > b, g/2 where a = b, 0 elsewhere

    At a tie both inputs are the maximum, so the gradient is shared equally
    between them (PyTorch does the same).
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share_a = (a > b) + 0.5 * (a == b)
        return g * share_a, g * (1 - share_a)


class Minimum(Function):
    """y = min(a, b) elementwise;   dL/da = g where a < b, g/2 where a = b, 0 elsewhere"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share_a = (a < b) + 0.5 * (a == b)
        return g * share_a, g * (1 - share_a)


class Where(Function):
    """y = a where condition else b;   dL/da = g where condition, dL/db = g elsewhere"""

    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)
        return ctx.xp.where(condition, a, b)

    @staticmethod
    def backward(ctx, g):
        (condition,) = ctx.saved_tensors
        return None, g * condition, g * ~condition


class Clone(Function):
    """y = a copy of x;   dL/dx = g"""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class ToDtype(Function):
    """y = x converted to another dtype;   dL/dx = g converted back (by the engine)"""

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return g, None


class ToDevice(Function):
    """y = x copied to another device (CPU <-> GPU);   dL/dx = g copied back to x's device"""

    @staticmethod
    def forward(ctx, x, device):
        ctx.source = backend.device_of(x)
        return backend.to_device(x, device)

    @staticmethod
    def backward(ctx, g):
        return backend.to_device(g, ctx.source), None


def add(input, other):
    return _binary(Add, "add", input, other)


def sub(input, other):
    return _binary(Sub, "sub", input, other)


def mul(input, other):
    return _binary(Mul, "mul", input, other)


def div(input, other):
    """True division; two integer tensors give a float32 result, as in PyTorch."""
    input, other = as_tensor(input), as_tensor(other)
    if all(getattr(v, "dtype", None) is None or not v.is_floating_point() for v in (input, other)):
        input = input.float() if hasattr(input, "float") else float(input)
    return _binary(Div, "div", input, other)


def pow(input, exponent):
    return _binary(Pow, "pow", input, exponent)


def neg(input):
    return Neg.apply(input)


def exp(input):
    return Exp.apply(input)


def log(input):
    return Log.apply(input)


def sqrt(input):
    return Sqrt.apply(input)


def abs(input):
    return Abs.apply(input)


def clamp(input, min=None, max=None):
    """Limit every value to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise ValueError("clamp: give at least one of min and max")
    return Clamp.apply(input, min, max)


def maximum(input, other):
    return _binary(Maximum, "maximum", input, other)


def minimum(input, other):
    return _binary(Minimum, "minimum", input, other)


def where(condition, input, other):
    """Pick ``input`` where ``condition`` is true and ``other`` elsewhere (broadcasting all three)."""
    condition = as_tensor(condition)
    if condition.dtype != "bool":
        raise TypeError(f"where: the condition must be a bool tensor, got {condition.dtype}; compare first (x > 0)")
    input, other = promote(input, other)
    return broadcasting("where", input, other, Where.apply, condition, input, other)


def tensor_where(self, condition, other):
    """``x.where(condition, y)`` is ``where(condition, x, y)``."""
    return where(condition, self, other)


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is true, ``input`` elsewhere; no gradient flows to the filled places."""
    return where(mask, value, input)


def clone(input):
    return Clone.apply(input)


def to_dtype(input, dtype):
    if input._data.dtype == dtype:
        return input
    if input.requires_grad and dtype.kind != "f":
        # Gradients do not flow into integers: the result is a plain leaf.
        return input.detach().to(dtype)
    return ToDtype.apply(input, dtype)


def to_device(input, device):
    if input.device == device:
        return input
    return ToDevice.apply(input, device)
