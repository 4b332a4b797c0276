"""The activation functions of the lecture, and softmax / log-softmax.

Notation: y is the output, g = dL/dy is ``grad_output``.  Where a function
has a kink (ReLU at 0), the gradient there is the one PyTorch uses, stated in
the docstring.
"""
import math

from .. import backend, fusion
from ..autograd import Function
from ..errors import ShapeError
from ._util import normalize_dims


class Tanh(Function):
    """y = tanh(x);   dL/dx = g * (1 - tanh(x)^2) = g * (1 - y^2)"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (1 - y * y)


def stable_sigmoid(xp, x):
    """1 / (1 + e^-x) on an array, for x of any size.

    e^-x overflows for x below about -88 (float32), so both branches use
    e = e^-|x| <= 1 instead: for x >= 0 the formula as written, for x < 0 the
    same value multiplied above and below by e^x, which is e / (1 + e).
    The one place minigrad writes this trick (softplus and the losses call it).
    """
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def stable_softplus(xp, z):
    """log(1 + e^z) on an array, for z of any size: max(z, 0) + log(1 + e^-|z|).

    Both forms are equal (for z > 0, log(1 + e^z) = z + log(e^-z + 1)), and the
    second never exponentiates a positive number, so it never overflows.
    """
    return xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))


class Sigmoid(Function):
    """y = 1 / (1 + e^-x);   dL/dx = g * y * (1 - y)"""

    @staticmethod
    def forward(ctx, x):
        y = stable_sigmoid(ctx.xp, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y * (1 - y)


@fusion.elementwise
def relu_grad(g, y):
    """dL/dx = g where y > 0 (which is where x > 0), else 0: one GPU kernel, not a comparison and a product."""
    return g * (y > 0)


class ReLU(Function):
    """y = max(x, 0);   dL/dx = g where x > 0, else 0   (0 at the kink x = 0)

    Backward reads where x was positive from y (y > 0 exactly there), so
    forward is one operation and keeps no mask.
    """

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return relu_grad(g, y)


class LeakyReLU(Function):
    """y = x if x > 0 else slope * x;   dL/dx = g if x > 0 else slope * g"""

    @staticmethod
    def forward(ctx, x, negative_slope):
        positive = x > 0
        ctx.save_for_backward(positive)
        ctx.slope = negative_slope
        return ctx.xp.where(positive, x, negative_slope * x)

    @staticmethod
    def backward(ctx, g):
        (positive,) = ctx.saved_tensors
        return ctx.xp.where(positive, g, ctx.slope * g), None


class GELU(Function):
    """y = x * Phi(x), Phi the standard normal CDF;   dL/dx = g * (Phi(x) + x * phi(x))

    phi(x) = e^(-x^2/2) / sqrt(2 pi) is the normal density.  With
    approximate='tanh', Phi(x) is replaced by 0.5 (1 + tanh(k (x + 0.044715 x^3))),
    k = sqrt(2/pi), and the derivative follows from the chain rule.
    """

    @staticmethod
    def forward(ctx, x, approximate):
        xp = ctx.xp
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        if approximate == "tanh":
            t = xp.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))
            return 0.5 * x * (1 + t)
        return 0.5 * x * (1 + backend.erf(x / math.sqrt(2)))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = xp.tanh(k * (x + 0.044715 * x**3))
            dt = (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
            return g * (0.5 * (1 + t) + 0.5 * x * dt), None
        cdf = 0.5 * (1 + backend.erf(x / math.sqrt(2)))
        pdf = xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return g * (cdf + x * pdf), None


class ELU(Function):
    """y = x if x > 0 else alpha (e^x - 1);   dL/dx = g if x > 0 else g * alpha e^x = g * (y + alpha)"""

    @staticmethod
    def forward(ctx, x, alpha):
        xp = ctx.xp
        positive = x > 0
        y = xp.where(positive, x, alpha * (xp.exp(xp.minimum(x, 0)) - 1))
        ctx.save_for_backward(positive, y)
        ctx.alpha = alpha
        return y

    @staticmethod
    def backward(ctx, g):
        positive, y = ctx.saved_tensors
        return ctx.xp.where(positive, g, g * (y + ctx.alpha)), None


class Softplus(Function):
    """y = (1/beta) log(1 + e^(beta x));   dL/dx = g * sigmoid(beta x)

    As in PyTorch, where beta x > threshold the function is taken as linear
    (y = x, dL/dx = g), because log(1 + e^z) and z agree to float precision there.
    """

    @staticmethod
    def forward(ctx, x, beta, threshold):
        z = beta * x
        linear = z > threshold
        ctx.save_for_backward(z, linear)
        return ctx.xp.where(linear, x, stable_softplus(ctx.xp, z) / beta)

    @staticmethod
    def backward(ctx, g):
        z, linear = ctx.saved_tensors
        return ctx.xp.where(linear, g, g * stable_sigmoid(ctx.xp, z)), None, None


class Step(Function):
    """y = 1 if x >= 0 else 0 (the perceptron's threshold unit);   dL/dx = 0

    The step function is flat everywhere except at 0, where it jumps, so its
    derivative is 0 wherever it exists: no gradient can flow through it.
    That is why the perceptron needs its own learning rule.
    """

    @staticmethod
    def forward(ctx, x):
        return (x >= 0).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * 0


class Softmax(Function):
    """y_i = e^(x_i) / sum_j e^(x_j) along ``dim``;   dL/dx = y * (g - sum_j g_j y_j)

    The Jacobian is dy_i/dx_j = y_i (delta_ij - y_j); multiplying it by g gives
    the formula above without building the matrix.  The maximum is subtracted
    first: softmax(x) = softmax(x - c) for any c, and e^(x - max) never overflows.
    """

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        e = xp.exp(x - x.max(axis=dim, keepdims=True))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return y * (g - (g * y).sum(axis=ctx.dim, keepdims=True)), None


class LogSoftmax(Function):
    """y_i = x_i - log sum_j e^(x_j) along ``dim``;   dL/dx = g - softmax(x) * sum_j g_j

    Computed as x - max - log sum e^(x - max), which stays finite for logits
    of any size (log(softmax(x)) would give log(0) = -inf for large ones).
    """

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        shifted = x - x.max(axis=dim, keepdims=True)
        y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g - ctx.xp.exp(y) * g.sum(axis=ctx.dim, keepdims=True), None


def tanh(input):
    return Tanh.apply(input)


def sigmoid(input):
    return Sigmoid.apply(input)


def relu(input):
    return ReLU.apply(input)


def leaky_relu(input, negative_slope=0.01):
    return LeakyReLU.apply(input, negative_slope)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(input, approximate)


def elu(input, alpha=1.0):
    return ELU.apply(input, alpha)


def softplus(input, beta=1.0, threshold=20.0):
    return Softplus.apply(input, beta, threshold)


def step(input):
    return Step.apply(input)


def _one_dim(dim, input, op):
    if dim is None:
        raise TypeError(f"{op}: say which dimension holds the classes, for example {op}(x, dim=1)")
    if input.ndim == 0:
        raise ShapeError(
            f"{op}: needs a tensor with at least one dimension (the classes); got a single value. "
            "Give it the scores of every class, e.g. x.reshape(1) or x.unsqueeze(0)."
        )
    dim = normalize_dims(dim, input.ndim, op)[0]
    if input.shape[dim] == 0:
        raise ShapeError(f"{op}: dimension {dim} of shape {tuple(input.shape)} holds no classes; there is nothing "
                         "to normalise over. Check that the model has at least one output class.")
    return dim


def softmax(input, dim=None):
    """Softmax along ``dim``, which is required (PyTorch's implicit choice is deprecated)."""
    return Softmax.apply(input, _one_dim(dim, input, "softmax"))


def log_softmax(input, dim=None):
    return LogSoftmax.apply(input, _one_dim(dim, input, "log_softmax"))
