"""Weight initialisation (``torch.nn.init``): fill a tensor in place with chosen random values.

Why it matters: if every layer multiplies the spread of its input by a
factor a little above or below 1, a deep network's activations (and
gradients) explode or vanish.  Xavier (Glorot) and Kaiming (He) choose the
spread of the weights so that, for a given nonlinearity, the variance of the
signal stays the same from layer to layer.

Terms used below, for a weight of shape (out, in, *kernel):
    fan_in  = in  * prod(kernel)   inputs feeding each output unit;
    fan_out = out * prod(kernel)   outputs each input unit feeds;
    gain    = ``calculate_gain(nonlinearity)``, which undoes how much the
              nonlinearity shrinks the variance (sqrt(2) for ReLU, which
              zeroes half of its inputs).
U(a, b) is uniform on [a, b); N(mean, std^2) is normal.  U(-bound, bound) has
std = bound / sqrt(3), which is where the sqrt(3) in the uniform formulas
comes from.

Every function changes ``tensor`` through ``tensor.data`` (so no graph is
recorded), draws from ``minigrad.random`` (so ``manual_seed`` repeats it, or
from ``generator`` if one is given) on the tensor's own device, and returns
``tensor``.
"""
import math
import warnings

from .. import random as _random


def _fill(tensor, values):
    # .data shares memory with tensor but records nothing: an initialisation is not part of the model.
    tensor.data.copy_(values)
    return tensor


def _is_empty(tensor, name):
    if tensor.numel() == 0:
        warnings.warn(f"init.{name}: initialising a zero-element tensor is a no-op", stacklevel=3)
        return True
    return False


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for ``nonlinearity`` (PyTorch's table).

    ============================  ===========================
    linear, conv*, sigmoid        1
    tanh                          5/3
    relu                          sqrt(2)
    leaky_relu                    sqrt(2 / (1 + slope^2)), slope = ``param`` (default 0.01)
    selu                          3/4
    ============================  ===========================
    """
    linear_like = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                   "conv_transpose3d", "sigmoid"]
    if nonlinearity in linear_like:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
        f"{linear_like + ['tanh', 'relu', 'leaky_relu', 'selu']}"
    )


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel): (in * k, out * k), k = prod(kernel)."""
    if tensor.ndim < 2:
        raise ValueError(
            f"init: fan in and fan out need a tensor with at least 2 dimensions (out, in, ...), got shape "
            f"{tensor.shape}. Biases are initialised with uniform_ or zeros_ instead."
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode {mode!r} is not supported; use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with values drawn from U(a, b)."""
    return _fill(tensor, _random.rng(generator, tensor.xp).uniform(a, b, size=tensor.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with values drawn from N(mean, std^2)."""
    # mean + std * z is what NumPy's normal() computes; CuPy's generator has standard_normal but no normal.
    return _fill(tensor, mean + std * _random.rng(generator, tensor.xp).standard_normal(tensor.shape))


def constant_(tensor, val):
    """Fill with ``val``."""
    return _fill(tensor, val)


def zeros_(tensor):
    return _fill(tensor, 0)


def ones_(tensor):
    return _fill(tensor, 1)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot & Bengio (2010):  U(-bound, bound),  bound = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot & Bengio (2010):  N(0, std^2),  std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He et al. (2015):  U(-bound, bound),  bound = gain * sqrt(3 / fan),  gain = calculate_gain(nonlinearity, a).

    ``fan`` is fan_in (keeps the forward signal's variance) or fan_out (keeps
    the backward gradient's).  ``a`` is the negative slope of the leaky ReLU
    that follows; ``Linear`` uses a = sqrt(5), which gives bound = 1 / sqrt(fan_in).
    """
    if _is_empty(tensor, "kaiming_uniform_"):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He et al. (2015):  N(0, std^2),  std = gain / sqrt(fan),  gain = calculate_gain(nonlinearity, a)."""
    if _is_empty(tensor, "kaiming_normal_"):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)
