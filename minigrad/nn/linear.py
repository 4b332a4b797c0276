"""The fully connected layer: ``Linear`` and its functional form ``linear``.

Every input feature is connected to every output feature by one weight:

    y = x W^T + b        x (..., in),  W (out, in),  b (out,),  y (..., out)

The weight is stored (out, in), as in PyTorch, so that row ``j`` of W holds
the weights of output unit ``j``.
"""
import math

from .. import backend, dtypes
from ..autograd import Function
from ..errors import ShapeError
from . import init
from .module import Module, Parameter


class LinearFunction(Function):
    """y = x W^T + b;   dL/dx = g W,   dL/dW = g^T x,   dL/db = sum of g over the batch

    The input may carry any number of leading (batch) dimensions: they are
    flattened to one, so g^T x sums the contribution of every example to
    dL/dW in one matrix product.  Fused into one Function (instead of
    matmul, transpose and add) so a layer costs one graph node.

    The simple version, (N, in) inputs only, is the exercise ``linear``
    (``python -m minigrad.exercises start DIR linear``); this one adds any number of
    leading dimensions, an optional bias, dtype checks, and skips the
    gradients nobody asked for (``ctx.needs_input_grad``).
    """

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        y = x @ weight.T
        return y + bias if ctx.has_bias else y

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        needs_x, needs_w, needs_b = ctx.needs_input_grad
        out_features, in_features = weight.shape
        # (..., out) -> (batch, out): every leading dimension is a batch dimension.
        g2 = g.reshape(-1, out_features)
        grad_x = (g @ weight) if needs_x else None
        grad_w = (g2.T @ x.reshape(-1, in_features)) if needs_w else None
        grad_b = g2.sum(axis=0) if (needs_b and ctx.has_bias) else None
        return grad_x, grad_w, grad_b


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias, with input (..., in), weight (out, in), bias (out,) or None."""
    if weight.ndim != 2:
        raise ShapeError(f"linear: weight must be 2-D (out_features, in_features), got shape {weight.shape}")
    out_features, in_features = weight.shape
    if input.ndim == 0 or input.shape[-1] != in_features:
        raise ShapeError(
            f"linear: input of shape {input.shape} does not fit weight of shape {weight.shape}: the input's last "
            f"dimension must be in_features={in_features}. Make the layer's in_features equal to the input's last "
            "dimension, or reshape (flatten) the input."
        )
    if bias is not None and bias.shape != (out_features,):
        raise ShapeError(
            f"linear: bias has shape {bias.shape} but weight {weight.shape} has out_features={out_features}; "
            f"the bias needs shape ({out_features},)."
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:
            raise TypeError(
                f"linear: input is {input.dtype} but {name} is {t.dtype}; they must match (as in PyTorch). "
                "Convert the input (x.float() / x.double()) or the model (model.float() / model.double())."
            )
    return LinearFunction.apply(input, weight, bias)


class Linear(Module):
    """A fully connected layer: y = x W^T + b.

    Args:
        in_features: size of each input's last dimension.
        out_features: size of each output's last dimension.
        bias: whether to learn an additive bias b.
        dtype: of the parameters (float32 by default).

    Shapes: input (..., in_features) -> output (..., out_features).

    Parameters, initialised as in PyTorch with k = 1 / in_features:
        weight (out_features, in_features) ~ U(-sqrt(k), sqrt(k))
            (that is ``kaiming_uniform_(a=sqrt(5))``);
        bias (out_features,) ~ U(-sqrt(k), sqrt(k)).
    """

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        self.weight = Parameter(backend.cpu.empty((out_features, in_features), dtype=np_dtype))
        if bias:
            self.bias = Parameter(backend.cpu.empty((out_features,), dtype=np_dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

