"""1-D convolution over time: ``Conv1d`` and its functional form ``conv1d``.

A filter of width K slides along the sequence; at each position it takes a
weighted sum of K consecutive steps of every input channel:

    y[n, o, t] = b[o] + sum_c sum_k W[o, c, k] x[n, c, t*s + k*d]

    x (N, C_in, L),  W (C_out, C_in, K),  b (C_out,),  y (N, C_out, L_out)
    L_out = (L + pad_left + pad_right - d*(K - 1) - 1) // s + 1

with stride s and dilation d (tap k reads k*d steps to the right).  As in
PyTorch it is a cross-correlation: the filter is not flipped.
"""
import math
from collections import namedtuple

from .. import backend, dtypes
from ..autograd import Function
from ..errors import ShapeError
from . import init
from .module import Module, Parameter


# The convolution's fixed settings, passed to Conv1dFunction as one argument (so backward returns one None).
Conv1dSettings = namedtuple("Conv1dSettings", "stride left right dilation")


def _taps(z, stride, dilation, l_out):
    """The entries of Z that output step t sums, Z[n, t*s + k*d, k, o] for every tap k, as a view (N, L_out, K, C_out).

    Both indices, t*s + k*d and k, are affine in (t, k), so strides say it
    and nothing is copied.  Distinct (t, k) reach distinct entries, so the
    view can be written through too.
    """
    n, steps, width, c_out = z.shape
    row = width * c_out  # elements per time step of Z
    return backend.strided_view(z, (n, l_out, width, c_out), (steps * row, stride * row, dilation * row + c_out, 1))


class Conv1dFunction(Function):
    """One matrix product for every filter tap at once, then a shifted sum.

    Lay the (padded) input out time-major, one row per time step:
    X (N*L, C_in).  Put every tap of every filter side by side:
    Wt (C_in, K*C_out) with Wt[c, (k, o)] = W[o, c, k].  Then

        Z = X Wt                        Z[n, l, k, o] = sum_c x[n, c, l] W[o, c, k]
        y[n, t, o] = b[o] + sum_k Z[n, t*s + k*d, k, o]          (a sum over a strided view of Z)

    Backward is the same in reverse.  Each entry of Z feeds at most one
    output, so dL/dZ is g written into the slots the forward read
    (zero elsewhere), and the rest are the gradients of a matrix product:

        dL/dZ[n, t*s + k*d, k, o] = g[n, o, t]
        dL/dX  = dL/dZ Wt^T        (the transposed convolution: every input
                                    step collects g from each window it was in)
        dL/dWt = X^T dL/dZ         dL/db[o] = sum_n sum_t g[n, o, t]

    Why not im2col (copying every window into a row, then one product)?
    That copies the input K times; here nothing is copied, and the time
    spent is the three matrix products, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, settings):
        xp = ctx.xp
        n, c_in, length = x.shape
        c_out, _, width = weight.shape
        stride, left, right, dilation = settings
        rows = x.transpose(0, 2, 1)  # (N, L, C_in): a view; free when x came from (N, L, C) by permute
        if left or right:
            padded = xp.zeros((n, left + length + right, c_in), dtype=x.dtype)
            padded[:, left : left + length] = rows
            rows = padded
        steps = rows.shape[1]
        l_out = (steps - dilation * (width - 1) - 1) // stride + 1
        rows = rows.reshape(n * steps, c_in)  # copies only if x was laid out (N, C, L)
        taps = weight.transpose(1, 2, 0).reshape(c_in, width * c_out)
        z = (rows @ taps).reshape(n, steps, width, c_out)
        y = _taps(z, stride, dilation, l_out).sum(axis=2)  # y[n, t, o] = sum_k Z[n, t*s + k*d, k, o]
        if bias is not None:
            y += bias
        ctx.save_for_backward(rows, taps)
        ctx.sizes = (n, c_in, length, c_out, width, steps, l_out)
        ctx.settings, ctx.has_bias = settings, bias is not None
        return y.transpose(0, 2, 1)  # (N, C_out, L_out), a view of the time-major result

    @staticmethod
    def backward(ctx, g):
        rows, taps = ctx.saved_tensors
        n, c_in, length, c_out, width, steps, l_out = ctx.sizes
        stride, left, _, dilation = ctx.settings
        needs_x, needs_w, needs_b = ctx.needs_input_grad[:3]
        xp = ctx.xp
        grad_z = xp.zeros((n, steps, width, c_out), dtype=g.dtype)
        g_rows = g.transpose(0, 2, 1)  # (N, L_out, C_out)
        _taps(grad_z, stride, dilation, l_out)[...] = xp.expand_dims(g_rows, 2)  # g[n, o, t] into every tap k
        grad_z = grad_z.reshape(n * steps, width * c_out)
        grad_x = grad_w = grad_b = None
        if needs_x:
            grad_x = (grad_z @ taps.T).reshape(n, steps, c_in)
            grad_x = grad_x[:, left : left + length].transpose(0, 2, 1)
        if needs_w:
            grad_w = (rows.T @ grad_z).reshape(c_in, width, c_out).transpose(2, 0, 1)
        if needs_b and ctx.has_bias:
            grad_b = g.sum(axis=(0, 2))
        return grad_x, grad_w, grad_b, None


def _single(value, name):
    """PyTorch accepts 3 or (3,) for a 1-D size."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"conv1d: {name} must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    return int(value)


def _padding_pair(padding, width, stride, dilation):
    """(left, right) zeros to add; 'same' puts the odd one on the right, as PyTorch does."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        if stride != 1:
            raise ValueError(
                "conv1d: padding='same' is not supported for strided convolutions (stride="
                f"{stride}); use stride=1, or give the padding as a number."
            )
        total = dilation * (width - 1)
        return total // 2, total - total // 2
    if isinstance(padding, str):
        raise ValueError(f"conv1d: padding must be an int, 'same' or 'valid', got {padding!r}")
    padding = _single(padding, "padding")
    if padding < 0:
        raise ValueError(f"conv1d: padding must be >= 0, got {padding}")
    return padding, padding


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    """1-D convolution: input (N, C_in, L) or (C_in, L), weight (C_out, C_in, K), bias (C_out,) or None.

    ``padding`` is a number of zeros added at both ends, or 'valid' (none)
    or 'same' (output as long as the input; stride 1 only).
    """
    if input.ndim == 2:
        return conv1d(input.unsqueeze(0), weight, bias, stride, padding, dilation).squeeze(0)
    if input.ndim != 3:
        raise ShapeError(
            f"conv1d: expected input of shape (N, C_in, L) or (C_in, L), got shape {input.shape}. A batch of "
            "embedded sentences (N, L, E) must be permuted first: x.permute(0, 2, 1)."
        )
    if weight.ndim != 3:
        raise ShapeError(f"conv1d: weight must have shape (C_out, C_in, K), got shape {weight.shape}")
    stride, dilation = _single(stride, "stride"), _single(dilation, "dilation")
    if stride < 1 or dilation < 1:
        raise ValueError(f"conv1d: stride and dilation must be >= 1, got stride={stride}, dilation={dilation}")
    c_out, c_in, width = weight.shape
    if input.shape[1] != c_in:
        raise ShapeError(
            f"conv1d: input of shape {input.shape} has {input.shape[1]} channels, but weight of shape "
            f"{weight.shape} expects {c_in} input channels. Make in_channels equal to the input's dimension 1 "
            "(for embedded text: the embedding size, after x.permute(0, 2, 1))."
        )
    if bias is not None and bias.shape != (c_out,):
        raise ShapeError(f"conv1d: bias has shape {bias.shape}, but weight {weight.shape} needs shape ({c_out},)")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:
            raise TypeError(
                f"conv1d: input is {input.dtype} but {name} is {t.dtype}; they must match. Convert the input "
                "(x.float() / x.double()) or the model (model.float() / model.double())."
            )
    left, right = _padding_pair(padding, width, stride, dilation)
    length = input.shape[2]
    span = dilation * (width - 1) + 1
    if length + left + right < span:
        raise ShapeError(
            f"conv1d: the input has length {length} (padded to {length + left + right}), shorter than the "
            f"{span} steps the kernel spans (kernel_size={width}, dilation={dilation}). Pad every sequence to "
            f"at least {span} steps (e.g. a minimum length in the collate function), or pass padding."
        )
    return Conv1dFunction.apply(input, weight, bias, Conv1dSettings(stride, left, right, dilation))


class Conv1d(Module):
    """A 1-D convolution layer: ``conv1d(x, weight, bias, stride, padding, dilation)``.

    Args:
        in_channels, out_channels: C_in and C_out (for text: embedding size and number of filters).
        kernel_size: K, the filter width (how many consecutive steps each filter sees).
        stride, padding, dilation: as in ``conv1d``; padding may be 'same' or 'valid'.
        bias: whether to learn b.   dtype: of the parameters (float32 by default).

    Shapes: input (N, C_in, L) -> output (N, C_out, L_out).

    Parameters, initialised as in PyTorch with fan_in = C_in * K:
        weight (C_out, C_in, K) ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))  (``kaiming_uniform_(a=sqrt(5))``);
        bias (C_out,) ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    The simple version, stride 1 and no padding, looping over the K taps, is
    the exercise ``conv1d`` (``python -m minigrad.exercises start DIR conv1d``); the library's
    ``Conv1dFunction`` does every tap in one matrix product and then adds
    the shifted results, and handles stride, padding and dilation.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True,
                 dtype=None):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = (_single(kernel_size, "kernel_size"),)
        self.stride = (_single(stride, "stride"),)
        self.dilation = (_single(dilation, "dilation"),)
        _padding_pair(padding, self.kernel_size[0], self.stride[0], self.dilation[0])  # fail now, not at forward
        self.padding = padding if isinstance(padding, str) else (_single(padding, "padding"),)
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        self.weight = Parameter(backend.cpu.empty((out_channels, in_channels) + self.kernel_size, np_dtype))
        if bias:
            self.bias = Parameter(backend.cpu.empty((out_channels,), np_dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_channels * self.kernel_size[0]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return conv1d(input, self.weight, self.bias, self.stride[0], padding, self.dilation[0])

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if isinstance(self.padding, str) or self.padding != (0,):
            s += f", padding={self.padding}"
        if self.dilation != (1,):
            s += f", dilation={self.dilation}"
        if self.bias is None:
            s += ", bias=False"
        return s
