"""Dropout (Srivastava et al., 2014): randomly silence units while training.

Each training step zeroes every element with probability p, so no unit can
rely on one particular other unit being there; the network learns redundant
features and overfits less.  The kept elements are scaled by 1 / (1 - p)
("inverted dropout"), so the expected value of each output equals its input
and nothing needs rescaling at evaluation time, where dropout does nothing.
"""
from .. import fusion
from .. import random as _random
from ..autograd import Function
from .module import Module


def _check_p(p, where):
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p <= 1:
        raise ValueError(
            f"{where}: dropout probability has to be between 0 and 1, but got {p!r}. p is the fraction of "
            "elements to zero: 0.5 is the usual choice for hidden layers, 0.1-0.3 for embeddings."
        )


@fusion.elementwise
def kept(x, keep, scale):
    """x * m / (1 - p), with keep = m (booleans) and scale = 1 / (1 - p): one GPU kernel, forward and backward."""
    return x * keep * scale


class DropoutFunction(Function):
    """y = x * m / (1 - p),  m ~ Bernoulli(1 - p) per element;   dL/dx = g * m / (1 - p)

    The mask m (True = keep) is drawn in forward and saved as booleans:
    backward sends gradient only through the kept elements, scaled by the
    same factor, with the same formula ``kept``.  With p = 1 every element is dropped
    and y = 0 (PyTorch's convention; 1 / (1 - p) would be a division by zero).

    The simple version is the exercise ``dropout`` (``python -m minigrad.exercises start DIR dropout``),
    which draws from a NumPy generator it is given; this one draws from
    minigrad's seeded generator on the tensor's own device (CPU or GPU).
    """

    @staticmethod
    def forward(ctx, x, p, generator):
        keep = _random.rng(generator, ctx.xp).random(x.shape) >= p  # drawn where x lives (CPU or GPU)
        scale = x.dtype.type(1.0 / (1.0 - p) if p < 1 else 0.0)  # in x's dtype, so the product stays in it
        ctx.save_for_backward(keep)
        ctx.scale = scale
        return kept(x, keep, scale)

    @staticmethod
    def backward(ctx, g):
        (keep,) = ctx.saved_tensors
        return kept(g, keep, ctx.scale), None, None


def dropout(input, p=0.5, training=True, generator=None):
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p); the identity unless ``training``.

    The mask comes from ``minigrad.random`` (or ``generator``), so
    ``minigrad.manual_seed`` makes it repeat.  ``p`` may be 0 (keep all) to 1
    (drop all), as in PyTorch.  With p = 0 it returns ``input`` itself and
    draws nothing, as PyTorch does, so a run with dropout off shuffles its
    batches the same on the CPU and on a GPU (whose masks come from another stream).
    """
    _check_p(p, "dropout")
    if not training or p == 0:
        return input
    return DropoutFunction.apply(input, p, generator)


class Dropout(Module):
    """During training, zero each element with probability p and scale the rest by 1/(1-p).

    In evaluation mode (``model.eval()``) it returns its input unchanged.
    Shapes: input of any shape -> output of the same shape.
    """

    def __init__(self, p=0.5):
        super().__init__()
        _check_p(p, "Dropout")
        self.p = p

    def forward(self, input):
        return dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace=False"
