"""Pooling over time: the max or the average of each window of steps.

Every 1-D pooling here is described by one small table, ``index`` of shape
(L_out, K): row t lists the K input steps that output step t reads.

- ``max_pool1d`` / ``avg_pool1d``: window t reads steps t*stride - padding + k,
  for k = 0..K-1 (the windows slide; they overlap when stride < K);
- ``adaptive_*_pool1d``: the length is split into ``output_size`` bins,
  bin i reading steps floor(i*L/out) up to ceil((i+1)*L/out) - 1, as in
  PyTorch (bins may differ in size by one, and may overlap).

So a pooling is "gather x[..., index], reduce the last axis", and its
backward sends g back to the steps in ``index`` with ``scatter_add``, which
adds up the gradients of a step read by several windows.  Max-over-time
pooling, the one Kim's TextCNN uses, is ``adaptive_max_pool1d(x, 1)``: one
window over the whole sentence.
"""
from ..autograd import Function
from ..errors import ShapeError
from ..ops.shape import scatter_add_along_axis
from .module import Module


# The backward of both poolings: zeros of x's shape, plus values added at positions along the last axis.
_scatter_back = scatter_add_along_axis


class MaxPool1dFunction(Function):
    """y[..., t] = max over k of x[..., index[t, k]];   dL/dx[..., s] = sum of g[..., t] over windows t won by s

    Moving anything but the maximum a little does not change the output, so
    each window sends its whole gradient to ONE step: its maximum, the first
    one among ties (as ``argmax`` picks, and PyTorch does).  A step that is
    the maximum of several overlapping windows collects all their gradients.
    """

    @staticmethod
    def forward(ctx, x, index):
        xp = ctx.xp
        arg = x[..., index].argmax(axis=-1)  # (..., L_out): which of the K steps won
        winner = index[xp.arange(index.shape[0]), arg]  # the winning step's position in x
        ctx.save_for_backward(winner)
        ctx.shape = x.shape
        return xp.take_along_axis(x, winner, axis=-1)

    @staticmethod
    def backward(ctx, g):
        (winner,) = ctx.saved_tensors
        return _scatter_back(ctx.xp, ctx.shape, winner, g), None


class AvgPool1dFunction(Function):
    """y[..., t] = sum_k weight[t, k] * x[..., index[t, k]];   dL/dx[..., index[t, k]] += weight[t, k] * g[..., t]

    ``weight[t, k]`` is 1 / (the window's divisor) for a real step and 0 for
    a padding position, so averaging is a weighted sum, and every step read
    by a window gets that window's gradient times its weight.
    """

    @staticmethod
    def forward(ctx, x, index, weight):
        weight = weight.astype(x.dtype, copy=False)
        ctx.save_for_backward(index, weight)
        ctx.shape = x.shape
        return (x[..., index] * weight).sum(axis=-1)

    @staticmethod
    def backward(ctx, g):
        index, weight = ctx.saved_tensors
        xp = ctx.xp
        positions = xp.broadcast_to(index, g.shape + index.shape[1:])
        return _scatter_back(xp, ctx.shape, positions, g[..., None] * weight), None, None


# ------------------------------------------------------------- window tables
def _sliding_table(xp, length, kernel_size, stride, padding, op):
    """index (L_out, K) of sliding windows, and real (L_out, K): False where a window reads padding.

    Padding positions point at the nearest edge step instead (index is
    clipped): for max that changes nothing - the edge step is in the window
    anyway, and a repeated value never changes a maximum - and for average
    their weight is 0.
    """
    if kernel_size < 1 or stride < 1:
        raise ValueError(f"{op}: kernel_size and stride must be >= 1, got kernel_size={kernel_size}, stride={stride}")
    if not 0 <= padding <= kernel_size // 2:
        raise ValueError(
            f"{op}: padding={padding} must be between 0 and half the kernel size ({kernel_size} // 2 = "
            f"{kernel_size // 2}), as in PyTorch; otherwise a window could hold nothing but padding."
        )
    l_out = (length + 2 * padding - kernel_size) // stride + 1
    if l_out < 1:
        raise ShapeError(
            f"{op}: the input has length {length} (padded to {length + 2 * padding}), shorter than the window "
            f"kernel_size={kernel_size}; use a smaller kernel_size, pad the sequences, or pass padding."
        )
    steps = xp.arange(l_out)[:, None] * stride + xp.arange(kernel_size)[None, :] - padding
    real = (steps >= 0) & (steps < length)
    return xp.clip(steps, 0, length - 1), real


def _adaptive_table(xp, length, output_size, op):
    """index and real for ``output_size`` bins: bin i covers floor(i*L/out) .. ceil((i+1)*L/out) - 1."""
    if isinstance(output_size, (tuple, list)):
        (output_size,) = output_size
    if output_size < 1 or length < 1:
        raise ShapeError(f"{op}: needs output_size >= 1 and a non-empty input, got output_size={output_size} "
                         f"and length {length}")
    i = xp.arange(output_size)
    start = (i * length) // output_size
    end = -((-(i + 1) * length) // output_size)  # ceil division
    width = int((end - start).max())
    steps = start[:, None] + xp.arange(width)[None, :]
    real = steps < end[:, None]
    # Shorter bins repeat their last step: harmless for max; weight 0 for average.
    return xp.minimum(steps, end[:, None] - 1), real


def _check_input(input, op):
    if input.ndim not in (2, 3):
        raise ShapeError(f"{op}: expected input of shape (N, C, L) or (C, L), got shape {input.shape}")


def _stride(kernel_size, stride):
    return kernel_size if stride is None else stride


# ---------------------------------------------------------------- functional
def max_pool1d(input, kernel_size, stride=None, padding=0):
    """The largest value in each window of ``kernel_size`` steps, windows ``stride`` apart (default: kernel_size)."""
    _check_input(input, "max_pool1d")
    index, _ = _sliding_table(input.xp, input.shape[-1], kernel_size, _stride(kernel_size, stride), padding,
                              "max_pool1d")
    return MaxPool1dFunction.apply(input, index)


def avg_pool1d(input, kernel_size, stride=None, padding=0, count_include_pad=True):
    """The mean of each window; with padding, ``count_include_pad`` says whether padded zeros count in the mean."""
    _check_input(input, "avg_pool1d")
    index, real = _sliding_table(input.xp, input.shape[-1], kernel_size, _stride(kernel_size, stride), padding,
                                 "avg_pool1d")
    divisor = kernel_size if count_include_pad else real.sum(axis=1, keepdims=True)
    return AvgPool1dFunction.apply(input, index, real / divisor)


def adaptive_max_pool1d(input, output_size):
    """The largest value in each of ``output_size`` bins; ``output_size=1`` is max-over-time pooling."""
    _check_input(input, "adaptive_max_pool1d")
    index, _ = _adaptive_table(input.xp, input.shape[-1], output_size, "adaptive_max_pool1d")
    return MaxPool1dFunction.apply(input, index)


def adaptive_avg_pool1d(input, output_size):
    """The mean of each of ``output_size`` bins."""
    _check_input(input, "adaptive_avg_pool1d")
    index, real = _adaptive_table(input.xp, input.shape[-1], output_size, "adaptive_avg_pool1d")
    return AvgPool1dFunction.apply(input, index, real / real.sum(axis=1, keepdims=True))


# ------------------------------------------------------------------- modules
class MaxPool1d(Module):
    """Max pooling: (N, C, L) -> (N, C, L_out),  L_out = (L + 2*padding - kernel_size) // stride + 1.

    The simple version, the max over the whole sequence with its ties, is
    the exercise ``maxpool_time`` (``python -m minigrad.exercises start DIR maxpool_time``); the
    library describes every window by a table of the steps it reads, so one
    Function serves any kernel size, stride and padding (and
    ``adaptive_max_pool1d(x, 1)`` is the exercise's case).
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, _stride(kernel_size, stride), padding

    def forward(self, input):
        return max_pool1d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(Module):
    """Average pooling: (N, C, L) -> (N, C, L_out), L_out as for ``MaxPool1d``."""

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, _stride(kernel_size, stride), padding
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size=({self.kernel_size},), stride=({self.stride},), padding=({self.padding},)"


class _AdaptivePool1d(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptivePool1d):
    """Max over ``output_size`` bins: (N, C, L) -> (N, C, output_size), whatever L is."""

    def forward(self, input):
        return adaptive_max_pool1d(input, self.output_size)


class AdaptiveAvgPool1d(_AdaptivePool1d):
    """Mean over ``output_size`` bins: (N, C, L) -> (N, C, output_size)."""

    def forward(self, input):
        return adaptive_avg_pool1d(input, self.output_size)
