"""Exercise dropout: Inverted dropout."""
import numpy as np

from .kit import function_checks

NAME = "dropout"
TITLE = "Inverted dropout"
TOPIC = "Regularisation"
DIFFICULTY = "medium"

GUIDED = r'''Exercise dropout: inverted dropout, forward and backward.

Task
    Complete ``Dropout.forward(ctx, x, p, training, generator)`` and
    ``Dropout.backward``.

    In training, each entry is dropped (set to 0) with probability p and the
    survivors are scaled up by 1 / (1 - p):

        keep = generator.random(x.shape) >= p        (True with probability 1 - p)
        y    = x * keep / (1 - p)

    Draw the randomness from ``generator`` (a ``numpy.random.Generator``)
    and nowhere else, so a run can be repeated.  When ``training`` is False,
    or p == 0, dropout does nothing: y = x.  When p == 1 every entry is
    dropped: y = 0.

Derive
    Why 1 / (1 - p)?  E[keep] = 1 - p, so E[y] = x: the layer's expected
    output is the same in training and at evaluation, where nothing is
    dropped or scaled ("inverted" dropout, PyTorch's rule).

    y is x times a constant mask m = keep / (1 - p), so

        dL/dx = g * m

    with the *same* mask as forward: save it.  Return (dL/dx, None, None,
    None); p, training and the generator have no gradient.

Graded
    forward in training: every entry is 0 or x / (1 - p), about a fraction
    p are dropped, and the mean is kept; forward at evaluation and with
    p = 0 and p = 1; the gradient from calling backward directly (same mask
    as forward); a gradcheck of ``Dropout.apply`` with a fixed generator.
'''

DERIVE = r'''TODO'''

SKELETON = r'''import numpy as np

from minigrad import Function


class Dropout(Function):
    """y = x * keep / (1 - p) in training, y = x otherwise"""

    @staticmethod
    def forward(ctx, x, p, training, generator):
        raise NotImplementedError("dropout: write forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("dropout: write backward")


def dropout(x, p=0.5, training=True, generator=None):
    """Apply ``Dropout`` to a minigrad Tensor (a fresh generator when none is given)."""
    return Dropout.apply(x, p, training, generator if generator is not None else np.random.default_rng())
'''

HINTS = [
]
