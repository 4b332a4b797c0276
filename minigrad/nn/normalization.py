"""Normalisation layers: ``BatchNorm1d`` and ``LayerNorm``, and their functional forms.

Both shift and scale their input to mean 0 and variance 1, then let the
network choose a new scale and shift (``weight`` and ``bias``):

    x_hat = (x - mean) / sqrt(var + eps),    y = weight * x_hat + bias

They differ only in which values share a mean:

- BatchNorm1d: each channel, over the batch (and time): axes (0,) for
  (N, C), (0, 2) for (N, C, L).  In evaluation it uses running averages
  gathered during training instead, so one example's output does not
  depend on the rest of its batch.
- LayerNorm: each example, over its last dimensions (``normalized_shape``).
"""
from typing import NamedTuple

from .. import backend, dtypes
from ..autograd import Function, no_grad
from ..errors import ShapeError
from ..tensor import Tensor
from . import init
from .module import Module, Parameter


class NormalizeOptions(NamedTuple):
    """The settings of one normalisation, passed to ``Normalize`` as one argument (none has a gradient)."""

    eps: float
    axes: tuple  # the axes each mean and variance was taken over
    param_axes: tuple  # the axes weight and bias are broadcast over
    param_shape: tuple  # weight and bias reshaped to this to broadcast
    batch_stats: bool  # mean and var are this batch's (True) or fixed running averages (False)


class Normalize(Function):
    """y = weight * x_hat + bias,  x_hat = (x - mean) * inv_std,  inv_std = 1 / sqrt(var + eps)

    ``mean`` and ``var`` were computed over ``axes`` (keepdims), M values per
    mean.  With g_hat = g * weight (= dL/dx_hat):

    - statistics of this batch (training; LayerNorm always): x reaches the
      loss directly, through the mean and through the variance, and the
      three paths add up to
          dL/dx = (1/M) * inv_std * (M * g_hat - sum(g_hat) - x_hat * sum(g_hat * x_hat))
      (the sums over ``axes``);
    - fixed statistics (BatchNorm in evaluation): dL/dx = g_hat * inv_std.

    weight and bias were broadcast over ``param_axes``, so their gradients
    sum over them:  dL/dweight = sum(g * x_hat),  dL/dbias = sum(g).

    The simple version, BatchNorm of (N, C) in training mode, is the exercise
    ``batchnorm1d`` (``python -m minigrad.exercises start DIR batchnorm1d``); this one serves
    BatchNorm1d and LayerNorm alike (the axes differ, the formula does not),
    (N, C, L) inputs, and fixed running statistics in evaluation.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, mean, var, options):
        inv_std = 1 / ctx.xp.sqrt(var + options.eps)
        x_hat = (x - mean) * inv_std
        y = x_hat if weight is None else x_hat * weight.reshape(options.param_shape)
        if bias is not None:
            y = y + bias.reshape(options.param_shape)
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.options = options
        ctx.bias_shape = None if bias is None else bias.shape
        return y

    @staticmethod
    def backward(ctx, g):
        x_hat, inv_std, weight = ctx.saved_tensors
        axes, param_axes = ctx.options.axes, ctx.options.param_axes
        g_hat = g if weight is None else g * weight.reshape(ctx.options.param_shape)
        if ctx.options.batch_stats:
            m = x_hat.size // inv_std.size
            grad_x = (inv_std / m) * (
                m * g_hat - g_hat.sum(axis=axes, keepdims=True)
                - x_hat * (g_hat * x_hat).sum(axis=axes, keepdims=True)
            )
        else:
            grad_x = g_hat * inv_std
        grad_w = None if weight is None else (g * x_hat).sum(axis=param_axes).reshape(weight.shape)
        grad_b = None if ctx.bias_shape is None else g.sum(axis=param_axes).reshape(ctx.bias_shape)
        return grad_x, grad_w, grad_b, None, None, None  # mean and var (constants here), options


def _apply_normalize(input, weight, bias, mean, var, options):
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:
            raise TypeError(f"normalisation: input is {input.dtype} but {name} is {t.dtype}; they must match")
    return Normalize.apply(input, weight, bias, mean, var, options)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel of input (N, C) or (N, C, L).

    ``training=True``: use this batch's mean and (biased) variance, and, if
    running_mean / running_var are given, update them in place:
        running = (1 - momentum) * running + momentum * batch statistic
    with the *unbiased* variance (divided by count - 1) for running_var, as
    PyTorch does.  ``training=False``: use running_mean and running_var.
    """
    if input.ndim not in (2, 3):
        raise ShapeError(f"batch_norm: expected input of shape (N, C) or (N, C, L), got shape {input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.shape != (channels,):
            raise ShapeError(
                f"batch_norm: {name} has shape {t.shape} but the input of shape {input.shape} has {channels} "
                f"channels (dimension 1); it needs shape ({channels},). Is num_features right?"
            )
    axes = (0,) if input.ndim == 2 else (0, 2)
    param_shape = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        count = input.numel() // channels
        if count <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got input of shape "
                f"{input.shape}: the variance of one value is undefined. Use a batch of 2 or more, or call "
                "model.eval() to use the running statistics."
            )
        with no_grad():
            mean = input.mean(dim=axes, keepdim=True)
            var = input.var(dim=axes, correction=0, keepdim=True)
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(mean.reshape(channels) * momentum)
            if running_var is not None:
                unbiased = var.reshape(channels) * (count / (count - 1))
                running_var.mul_(1 - momentum).add_(unbiased * momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: training=False needs running_mean and running_var to normalise with")
        mean, var = running_mean.reshape(param_shape), running_var.reshape(param_shape)
    options = NormalizeOptions(eps, axes, axes, param_shape, training)
    return _apply_normalize(input, weight, bias, mean, var, options)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise each example over its last ``len(normalized_shape)`` dimensions."""
    normalized_shape = _as_shape(normalized_shape)
    k = len(normalized_shape)
    if input.ndim < k or input.shape[input.ndim - k :] != normalized_shape:
        raise ShapeError(
            f"layer_norm: the input of shape {input.shape} must end in normalized_shape {normalized_shape}; make "
            f"normalized_shape the input's last dimension(s), here {input.shape[input.ndim - k:]}."
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != normalized_shape:
            raise ShapeError(f"layer_norm: {name} has shape {t.shape}, but normalized_shape is {normalized_shape}")
    axes = tuple(range(input.ndim - k, input.ndim))
    with no_grad():
        mean = input.mean(dim=axes, keepdim=True)
        var = input.var(dim=axes, correction=0, keepdim=True)
    leading = tuple(range(input.ndim - k))
    options = NormalizeOptions(eps, axes, leading, normalized_shape, True)
    return _apply_normalize(input, weight, bias, mean, var, options)


def _as_shape(shape):
    return (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)


class BatchNorm1d(Module):
    """Batch normalisation over (N, C) or (N, C, L) inputs, one mean and variance per channel.

    Args:
        num_features: C.   eps: added to the variance before the square root.
        momentum: weight of the newest batch in the running averages; None
            means a plain cumulative average over every batch seen.
        affine: learn weight (init 1) and bias (init 0).
        track_running_stats: keep running_mean (init 0) and running_var
            (init 1) for evaluation; without them batch statistics are used always.

    Buffers: running_mean (C,), running_var (C,), num_batches_tracked (int64).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, dtype=None):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        if affine:
            self.weight = Parameter(backend.cpu.ones(num_features, np_dtype))
            self.bias = Parameter(backend.cpu.zeros(num_features, np_dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(backend.cpu.zeros(num_features, np_dtype)))
            self.register_buffer("running_var", Tensor(backend.cpu.ones(num_features, np_dtype)))
            self.register_buffer("num_batches_tracked", Tensor(0, dtype=dtypes.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self):
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def forward(self, input):
        if input.ndim not in (2, 3):
            raise ShapeError(f"BatchNorm1d: expected input of shape (N, C) or (N, C, L), got shape {input.shape}")
        if input.shape[1] != self.num_features:
            raise ShapeError(
                f"BatchNorm1d: the input of shape {input.shape} has {input.shape[1]} channels (dimension 1), but "
                f"the layer was built with num_features={self.num_features}."
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                momentum = 1.0 / self.num_batches_tracked.item()  # cumulative average of every batch so far
        # Without running statistics there is nothing else to use, even in evaluation.
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return batch_norm(
            input, self.running_mean if track else None, self.running_var if track else None,
            self.weight, self.bias, use_batch, momentum, self.eps,
        )

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class LayerNorm(Module):
    """Layer normalisation over the last dimensions, given by ``normalized_shape`` (an int or a tuple).

    Parameters (with ``elementwise_affine``): weight (init 1) and bias (init 0), of shape normalized_shape.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, dtype=None):
        super().__init__()
        self.normalized_shape, self.eps = _as_shape(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        if elementwise_affine:
            self.weight = Parameter(backend.cpu.ones(self.normalized_shape, np_dtype))
            self.bias = Parameter(backend.cpu.zeros(self.normalized_shape, np_dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
