"""The toolkit the graded checks are written with.

A graded check is a function ``check(student, reference, rng)``: it gets the
student's module, the reference solution's module and a seeded NumPy
generator, and it either returns (passed) or raises ``CheckFailed`` with a
message, a hint that points at the cause, and - for a failed gradient
check - minigrad's gradcheck report.  Any other exception comes from the
student's code; the runner turns it into a failure with the line it came
from.

The helpers below do what most checks need:

- ``run_forward`` / ``run_backward`` call a Function's static ``forward`` and
  ``backward`` directly on arrays, the way ``Function.apply`` would.  Called
  directly, a gradient in the wrong shape is *seen*: the engine would sum a
  gradient left in a broadcast shape down to the input's shape and hide a
  forgotten sum.
- ``expect_array`` / ``expect_grad`` compare an array with the reference
  (type, shape, dtype, values) and explain the difference.
- ``gradcheck`` runs ``minigrad.gradcheck`` on the student's Function.
"""
import warnings

import numpy as np

import minigrad
from minigrad.errors import GradcheckError


class CheckFailed(Exception):
    """A graded check found a mistake: ``message`` says what, ``hint`` why, ``report`` shows the numbers."""

    def __init__(self, message, hint=None, report=None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.report = report


def graded(points, description):
    """Mark a function as a graded check worth ``points``: ``@graded(3, "backward matches the reference")``."""

    def mark(function):
        function.points = points
        function.description = description
        return function

    return mark


# ------------------------------------------------------------------ calling a Function directly
def run_forward(cls, *args):
    """Call ``cls.forward`` on copies of ``args`` with a fresh ctx; return (ctx, output).

    Fails when forward changes one of its inputs in place.
    """
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    ctx = cls()
    ctx.needs_input_grad = tuple(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in args)
    ctx.xp = np
    out = cls.forward(ctx, *copies)
    for position, (before, after) in enumerate(zip(args, copies)):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
            raise CheckFailed(
                f"forward changed its argument {position} in place.",
                hint="forward must leave its inputs as they are: compute into new arrays "
                "(y = x * m, not x *= m).",
            )
    return ctx, out


def run_backward(cls, ctx, grad_output, n_args):
    """Call ``cls.backward(ctx, grad_output)``; return one gradient per forward argument."""
    grads = cls.backward(ctx, grad_output)
    if isinstance(grads, list):
        grads = tuple(grads)
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != n_args:
        raise CheckFailed(
            f"backward returned {len(grads)} value(s), but forward takes {n_args} argument(s).",
            hint="return one gradient per argument of forward, in the same order, with None for the arguments "
            "that have no gradient (indices, flags, constants).",
        )
    return grads


def random_grad(rng, shape, dtype):
    """A random upstream gradient g = dL/dy (not all ones, so a forgotten ``* g`` shows)."""
    if shape == ():
        return np.asarray(rng.uniform(0.5, 2.0), dtype=dtype)
    return rng.standard_normal(shape).astype(dtype)


# ------------------------------------------------------------------ comparing arrays
def as_array(value, what):
    """``value`` as a NumPy array, or a CheckFailed that says what it is instead."""
    if isinstance(value, minigrad.Tensor):
        raise CheckFailed(
            f"{what} is a minigrad Tensor.",
            hint="forward and backward work on plain NumPy arrays: compute with the arrays you are given and "
            "return an array (Function.apply does the wrapping).",
        )
    if value is None:
        raise CheckFailed(f"{what} is None.", hint="is a return statement missing?")
    if isinstance(value, (np.generic, int, float)) and not isinstance(value, bool):
        return np.asarray(value)  # a scalar (the loss): fine, as for Function.apply
    if not isinstance(value, np.ndarray):
        raise CheckFailed(f"{what} is a {type(value).__name__}, not a NumPy array.")
    return value


def shape_hint(got, want, name="it"):
    """Why an array of shape ``got`` may have come back where ``want`` was due."""
    got, want = tuple(got), tuple(want)
    if len(want) >= 2 and got == tuple(reversed(want)):
        return (
            f"{got} is {name}'s shape transposed: a transpose is missing or extra (for y = x W^T: dL/dx = g W, "
            "dL/dW = g^T x)."
        )
    axes = broadcast_axes(got, want)
    if axes is not None:
        return (
            f"{got} is the broadcast shape: {name} (shape {want}) was broadcast over dimension(s) {axes} in "
            f"forward, so every copy adds to its gradient - sum g over those dimensions (for example "
            f"g.sum(axis={axes[0] if len(axes) == 1 else axes})). minigrad's engine would sum it for you, but a "
            "backward must return each gradient in its input's shape."
        )
    if len(got) > len(want) and _contains(got, want):
        return (
            f"{got} still has dimensions that {name} (shape {want}) does not have: {name} was broadcast over "
            "them in forward, so sum the gradient over every one of them, not just some."
        )
    return f"a gradient always has the shape of its input: {name} has shape {want}."


def _contains(longer, shorter):
    """True when ``shorter`` is a run of consecutive entries of ``longer``."""
    return any(longer[i : i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1))


def broadcast_axes(got, want):
    """The axes of ``got`` that broadcasting ``want`` to ``got`` created, or None if it cannot."""
    extra = len(got) - len(want)
    if extra < 0 or got == want:
        return None
    axes = list(range(extra))
    for axis, size in enumerate(want):
        if size == 1 and got[extra + axis] != 1:
            axes.append(extra + axis)
        elif size != got[extra + axis]:
            return None
    return tuple(axes)


def expect_array(got, want, what, rtol=1e-6, atol=1e-8, hint=None, shape_name=None):
    """Fail unless ``got`` matches ``want`` in type, shape, dtype and values.

    ``hint`` may be a function ``hint(got, want) -> str or None`` that knows
    the exercise's typical mistakes; it runs before the general diagnosis.
    """
    got = as_array(got, what)
    if got.shape != want.shape:
        raise CheckFailed(
            f"{what} has shape {got.shape}; expected {want.shape}.",
            hint=shape_hint(got.shape, want.shape, shape_name or "the input"),
        )
    if got.dtype != want.dtype:
        raise CheckFailed(
            f"{what} has dtype {got.dtype}; expected {want.dtype}.",
            hint="keep the input's dtype: an array made without dtype= (np.zeros(shape)) is float64 and promotes "
            "float32 results; use np.zeros_like(x) or dtype=x.dtype.",
        )
    want_finite = np.isfinite(want)
    if not np.isfinite(got[want_finite]).all():
        raise CheckFailed(
            f"{what} contains NaN or Inf where the reference is finite.",
            hint=(hint and hint(got, want)) or "an exponential overflowed or something was divided by zero.",
        )
    close = np.isclose(got, want, rtol=rtol, atol=atol)
    if close.all():
        return got
    raise CheckFailed(
        f"{what} differs from the reference at {int((~close).sum())} of {close.size} entries; "
        + worst_entries(got, want, close),
        hint=(hint and hint(got, want)) or diagnose(got, want),
    )


def worst_entries(got, want, close, shown=3):
    error = np.where(close, -1.0, np.abs(got.astype(np.float64) - want))
    parts = []
    for flat in np.argsort(-error, axis=None)[: min(shown, int((~close).sum()))]:
        index = np.unravel_index(flat, got.shape)
        where = str(tuple(int(i) for i in index)) if got.ndim else "()"
        parts.append(f"at {where}: got {got[index]:.6g}, expected {want[index]:.6g}")
    return "worst " + "; ".join(parts) + "."


def diagnose(got, want, rtol=1e-5, atol=1e-7):
    """Name the mistake when ``got`` differs from ``want`` in a familiar way."""
    got = got.astype(np.float64)
    want = want.astype(np.float64)

    def close(p, q):
        return bool(np.allclose(p, q, rtol=rtol, atol=atol))

    if not got.any() and want.any():
        return "your result is zero everywhere: is a contribution, or the factor g (grad_output), missing?"
    if close(-got, want):
        return "the sign is wrong everywhere: a sign error (for example y - p instead of p - y)."
    if (want * want).sum() > 0:
        scale = float((got * want).sum() / (want * want).sum())
        if abs(scale - 1) > 1e-3 and close(got, scale * want):
            if abs(scale - 2) < 1e-3:
                return "your result is exactly twice the right one: a gradient is counted twice."
            if abs(scale - 0.5) < 1e-3:
                return "your result is exactly half the right one: a contribution is lost, or there is an extra 1/2."
            return f"your result is {scale:.4g} times the right one everywhere: a constant factor is off."
    if got.ndim >= 2 and got.shape[-1] == got.shape[-2] and close(np.swapaxes(got, -1, -2), want):
        return "your result is the right one transposed: a transpose is missing or extra."
    missing = ~np.isclose(got, want, rtol=rtol, atol=atol) & (got == 0)
    if missing.any() and np.isclose(got[~missing], want[~missing], rtol=rtol, atol=atol).all():
        return "some entries are 0 where they should not be, and the rest are right: contributions are lost."
    return None


def expect_grad(got, want, input_array, name, formula=None, hint=None, rtol=1e-6, atol=1e-8):
    """Fail unless the gradient ``got`` for input ``name`` matches ``want`` and has the input's shape and dtype."""
    what = f"the gradient for {name}"
    if got is None:
        raise CheckFailed(
            f"backward returned None as {what}.",
            hint=f"{name} needs a gradient" + (f": {formula}." if formula else "."),
        )
    got = as_array(got, what)
    if got.shape != input_array.shape:
        text = shape_hint(got.shape, input_array.shape, name)
        raise CheckFailed(
            f"{what} has shape {got.shape}, but {name} has shape {input_array.shape}.",
            hint=text + (f" (The formula: {formula}.)" if formula else ""),
        )

    def explain(g, w):
        text = (hint and hint(g, w)) or diagnose(g, w)
        if text and formula:
            text += f" (The formula: {formula}.)"
        return text or (f"the formula: {formula}." if formula else None)

    return expect_array(got, want, what, rtol=rtol, atol=atol, hint=explain)


def compare_forward(student_cls, reference_cls, args, what="forward's output", rtol=1e-6, atol=1e-8, hint=None):
    """Run both forwards on the same ``args``; fail unless the student's output matches."""
    _, want = run_forward(reference_cls, *args)
    _, got = run_forward(student_cls, *args)
    return expect_array(got, np.asarray(want), what, rtol=rtol, atol=atol, hint=hint)


def compare_backward(
    student_cls, reference_cls, args, names, rng, formulas=None, hints=None, rtol=1e-6, atol=1e-8, grad_output=None
):
    """Run forward then backward of both on the same ``args`` and upstream gradient.

    The upstream gradient is ``grad_output``, or drawn from ``rng``.
    ``names[i]`` names argument i; the gradients of arguments whose
    reference gradient is None are not compared.  ``formulas`` and
    ``hints`` map a name to its formula text and to a hint function.
    """
    formulas = formulas or {}
    hints = hints or {}
    ctx, out = run_forward(reference_cls, *args)
    out = np.asarray(out)
    g = random_grad(rng, out.shape, out.dtype) if grad_output is None else grad_output
    want = run_backward(reference_cls, ctx, g.copy(), len(args))
    ctx, _ = run_forward(student_cls, *args)
    got = run_backward(student_cls, ctx, g.copy(), len(args))
    for name, arg, mine, right in zip(names, args, got, want):
        if right is None:
            continue
        expect_grad(
            mine, right, arg, name, formula=formulas.get(name), hint=hints.get(name), rtol=rtol, atol=atol
        )


# ------------------------------------------------------------------ gradcheck
def gradcheck(fn, arrays, names, hint=None):
    """``minigrad.gradcheck`` of ``fn`` (which takes Tensors) at float64 copies of ``arrays``.

    The function first runs forward and backward once through the engine,
    so that an exception in the student's code (a NotImplementedError stub,
    say) surfaces as itself.  A failure carries gradcheck's report, with a
    line that names the inputs.
    """
    tensors = [minigrad.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    out = fn(*tensors)
    if not isinstance(out, minigrad.Tensor):
        raise CheckFailed(f"apply returned a {type(out).__name__}, not a Tensor.")
    upstream = minigrad.tensor(np.ones(out.shape))
    minigrad.autograd.grad((out * upstream).sum(), tensors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            minigrad.gradcheck(fn, tensors)
        except GradcheckError as error:
            legend = ", ".join(f"input {i} = {name} {tuple(a.shape)}" for i, (name, a) in enumerate(zip(names, arrays)))
            raise CheckFailed(
                "gradcheck: your backward disagrees with finite differences.",
                hint=hint,
                report=f"({legend})\n{error}",
            ) from None
