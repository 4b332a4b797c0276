"""Exercise dropout: Inverted dropout."""
import numpy as np

from ..compare import Failed, expect_close, returned
from .kit import Plan, check, generator, timed_backward, upstream

NAME = "dropout"
TITLE = "Inverted dropout"
TOPIC = "Regularisation"
DIFFICULTY = "medium"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise dropout: inverted dropout, forward and backward.

Task
    Complete ``Dropout.forward(ctx, x, p, training, generator)`` and
    ``Dropout.backward``.  In training, each entry is dropped (set to 0)
    with probability p and the survivors are scaled up by 1 / (1 - p):

        keep = generator.random(x.shape) >= p        (True with probability 1 - p)
        y    = x * keep / (1 - p)

    Draw the randomness from ``generator`` (a ``numpy.random.Generator``)
    and nowhere else, so a run can be repeated.  When ``training`` is False,
    or p == 0, y = x.  When p == 1 every entry is dropped: y = 0.  y has
    x's dtype.  backward returns (dL/dx, None, None, None).

'''

DERIVATION = {
    "derive": r'''Derive
    Why 1 / (1 - p)?  Compare the expected output in training with the
    output at evaluation.  Then: for a fixed mask, what is y as a function
    of x, and which mask must backward use?

''',
    "guided": r'''Derive
    Why 1 / (1 - p)?  E[keep] = 1 - p, so E[y] = x: the layer's expected
    output is the same in training and at evaluation, where nothing is
    dropped or scaled ("inverted" dropout, PyTorch's rule).

    y is x times a constant mask m = keep / (1 - p), so

        dL/dx = g * m

    with the *same* mask as forward: save it.  Return (dL/dx, None, None,
    None); p, training and the generator have no gradient.

''',
}

GRADED = r'''Graded
    forward in training: every entry is 0 or x / (1 - p), about a fraction
    p are 0, float32 stays float32; forward at evaluation, with p = 0 and
    with p = 1; the gradient from calling backward directly (read-only
    grad_output): it must use forward's own mask; backward's time on a
    large input.  The mask is yours to draw, so the checks test what every
    correct inverted dropout does rather than compare masks.

The library's version is ``minigrad/nn/dropout.py`` (``F.dropout``):
the same rule, with the mask drawn where x lives (CPU or GPU) from
minigrad's seeded generator, and p checked with a clear error.
'''

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
    "E[keep] = 1 - p, so E[x * keep / (1 - p)] = x: training and evaluation agree on average.",
    "For a fixed mask, y is x times a constant: the derivative is that constant, entry by entry.",
    "Save the mask in forward (ctx.save_for_backward) and use it in backward; never draw a second one.",
]

P = 0.3


def forward(x, p, training, generator):
    """One correct inverted dropout (the grader's; a student's mask may be drawn differently)."""
    if not training or p == 0:
        return x.copy()
    return x * (np.random.default_rng(generator["generator"]).random(x.shape) >= p) / (1 - p)


def _x(rng, shape=(200, 50), dtype="float64"):
    return rng.uniform(0.5, 1.5, shape).astype(dtype)


def _output(result, x):
    y = returned(result, "out", 0, "forward's output")
    if y.shape != x.shape or y.dtype != x.dtype:
        raise Failed(f"forward's output has shape {y.shape} and dtype {y.dtype}; it should have x's, {x.shape} "
                     f"and {x.dtype}.", hint="keep x's dtype: divide by a Python float, or cast the mask to "
                     "x.dtype.")
    return y


@check("forward", 3, "forward in training: entries are 0 or x / (1 - p), a fraction p of them 0")
def forward_training(rng, scale):
    plan = Plan()
    x = _x(rng, (200 * scale, 50))
    k = plan.forward("Dropout", (x, P, True, generator(rng.integers(2**31))))

    def judge(results):
        y = _output(results[k], x)
        kept = y != 0
        if kept.any() and np.allclose(y[kept], x[kept]):
            raise Failed("the entries that survive equal x: dropout is not rescaled.",
                         hint="inverted dropout divides the survivors by (1 - p), so that the expected output "
                         "stays x.")
        if not np.allclose(y[kept], x[kept] / (1 - P)):
            raise Failed(f"some entries are neither 0 nor x / (1 - p) (p = {P}).")
        fraction = 1 - kept.mean()
        if abs(fraction - P) > 0.03:
            raise Failed(f"{fraction:.1%} of the entries were dropped with p = {P}.",
                         hint="p is the probability to drop an entry, not to keep it."
                         if abs(fraction - (1 - P)) < 0.03 else "each entry must be dropped with probability p.")

    plan.judge = judge
    return plan


@check("forward_float32", 1, "forward: float32 in, float32 out")
def forward_float32(rng, scale):
    plan = Plan()
    x = _x(rng, (20, 10), "float32")
    k = plan.forward("Dropout", (x, P, True, generator(rng.integers(2**31))))
    plan.judge = lambda results: _output(results[k], x)
    return plan


@check("special", 2, "forward at evaluation (training=False), with p = 0 and with p = 1")
def forward_special(rng, scale):
    plan = Plan()
    x = _x(rng, (20, 10))
    cases = [(plan.forward("Dropout", (x, P, False, generator(0))), x, "at evaluation (training=False)",
              "at evaluation dropout does nothing: return x (no mask, no scaling)."),
             (plan.forward("Dropout", (x, 0.0, True, generator(0))), x, "with p = 0", "with p = 0 nothing is dropped."),
             (plan.forward("Dropout", (x, 1.0, True, generator(0))), np.zeros_like(x), "with p = 1",
              "with p = 1 every entry is dropped, and 0 / 0 must not make NaN.")]

    def judge(results):
        for k, want, what, hint in cases:
            expect_close(_output(results[k], x), want, f"the output {what}", hint=lambda g, w, hint=hint: hint)

    plan.judge = judge
    return plan


@check("backward", 2, "backward: the gradient uses forward's own mask and scale")
def backward_values(rng, scale):
    plan = Plan()
    x = _x(rng, (30, 20))
    g = upstream(rng, x.shape)
    k = plan.backward("Dropout", (x, P, True, generator(rng.integers(2**31))), g)

    def judge(results):
        y = _output(results[k], x)
        got = returned(results[k], "grad", 0, "the gradient for x")

        def hint(got, want):
            if np.allclose(got, g * (y != 0)):
                return "the gradient is not rescaled: backward scales by the same factor as forward."
            if ((got != 0) != (y != 0)).any():
                return "backward must use the very mask forward drew: save it; do not draw a new one."
            return None

        expect_close(got, g * y / x, "the gradient for x", hint=hint, name="x")

    plan.judge = judge
    return plan


def _large(rng):
    return (rng.uniform(0.5, 1.5, (2000, 1000)), P, True, generator(1))


CHECKS = [forward_training, forward_float32, forward_special, backward_values, timed_backward("Dropout", forward,
                                                                                              _large, points=2)]
