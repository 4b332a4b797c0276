"""How the grader compares what a submission returned with what it should be, and says what is wrong.

Runs in the trusted parent only.  The messages say *what* is wrong - a
shape, a dtype, how many entries, a sign, a constant factor, a transpose,
the broadcast dimensions left unsummed - and never print an expected
value or a formula, so that they serve the ``derive`` level too.
"""
import numpy as np

SLOW = ("a backward that evaluates forward again for each entry (finite differences) is far slower than the "
        "derivative written out: derive it, and compute it with whole-array operations.")


class Failed(Exception):
    """A graded check found a mistake: ``message`` says what, ``hint`` the likely cause."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def returned(result, prefix, index, what):
    """Value ``index`` that the submission returned under ``prefix`` (``out``, ``grad``, ``r``), as an array."""
    raise_error(result)
    count = int(result[f"{prefix}_count"])
    if index >= count:
        raise Failed(f"{what} is missing: {count} value(s) came back.",
                     hint="return one value per item the task asks for, in its order.")
    kind = str(result[f"{prefix}_types"][index])
    if kind == "None":
        raise Failed(f"{what} is None.", hint="is a return statement missing, or a gradient left as None?")
    if kind == "Tensor":
        raise Failed(f"{what} is a minigrad Tensor.",
                     hint="forward and backward work on plain NumPy arrays: return an array.")
    if kind not in ("array", "strings"):
        raise Failed(f"{what} is a {kind}, not a NumPy array.")
    return result[f"{prefix}{index}"]


def count_of(result, prefix):
    raise_error(result)
    return int(result[f"{prefix}_count"])


def is_none(result, prefix, index):
    return index < int(result[f"{prefix}_count"]) and str(result[f"{prefix}_types"][index]) == "None"


class StudentError(Exception):
    """The submission raised (or exited) during a call: ``kind`` is not_implemented, exit, budget or exception."""

    def __init__(self, kind, text, line):
        super().__init__(text)
        self.kind, self.text, self.line = kind, text, line


def raise_error(result):
    if "error" in result:
        raise StudentError(str(result["error_kind"]), str(result["error"]), str(result["error_line"]))


def expect_close(got, want, what, rtol=1e-6, atol=1e-8, hint=None, name="the input"):
    """Fail unless ``got`` has ``want``'s shape and dtype and values close to it; explain the difference."""
    got = np.asarray(got)
    if got.dtype.kind not in "biuf":
        raise Failed(f"{what} has dtype {got.dtype}, not a number type.")
    if got.shape != want.shape:
        raise Failed(f"{what} has shape {got.shape}; it should have shape {want.shape}.",
                     hint=shape_hint(got.shape, want.shape, name))
    if got.dtype != want.dtype:
        raise Failed(f"{what} has dtype {got.dtype}; it should be {want.dtype}.",
                     hint="keep the input's dtype: an array made without dtype= (np.zeros(shape)) is float64 and "
                     "promotes float32 results; np.zeros_like(x) or dtype=x.dtype keep it.")
    finite = np.isfinite(want)
    if not np.isfinite(got[finite]).all():
        raise Failed(f"{what} contains NaN or Inf where it should be finite.",
                     hint=(hint and hint(got, want)) or "an exponential overflowed, or something was divided "
                     "by zero.")
    close = np.isclose(got, want, rtol=rtol, atol=atol)
    if close.all():
        return got
    worst = np.unravel_index(np.argmax(np.where(close, -1.0, np.abs(got.astype(np.float64) - want))), got.shape)
    where = str(tuple(int(i) for i in worst)) if got.ndim else "the value"
    raise Failed(f"{what} is wrong at {int((~close).sum())} of {close.size} entries (the largest error at {where}).",
                 hint=(hint and hint(got, want)) or diagnose(got, want))


def shape_hint(got, want, name="it"):
    """Why an array of shape ``got`` may have come back where ``want`` was due."""
    got, want = tuple(got), tuple(want)
    if len(want) >= 2 and got == tuple(reversed(want)):
        return f"{got} is {name}'s shape transposed: a transpose is missing or extra."
    axes = broadcast_axes(got, want)
    if axes is not None:
        return (f"{got} is the broadcast shape: {name} (shape {want}) was broadcast over dimension(s) {axes} in "
                "forward, so every copy contributes to its gradient, which must come back in the input's shape.")
    if len(got) > len(want) and _contains(got, want):
        return (f"{got} still has dimensions that {name} (shape {want}) does not have: {name} was broadcast over "
                "them in forward; sum the gradient over every one of them, not just some.")
    return f"a gradient always has the shape of its input: {name} has shape {want}."


def _contains(longer, shorter):
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


def diagnose(got, want, rtol=1e-5, atol=1e-7):
    """Name the mistake when ``got`` differs from ``want`` in a familiar way (no values, no formula)."""
    got = got.astype(np.float64)
    want = want.astype(np.float64)

    def close(p, q):
        return bool(np.allclose(p, q, rtol=rtol, atol=atol))

    if not got.any() and want.any():
        return "your result is zero everywhere: is a contribution, or the factor grad_output, missing?"
    if close(-got, want):
        return "the sign is wrong everywhere: a sign error."
    if (want * want).sum() > 0:
        scale = float((got * want).sum() / (want * want).sum())
        if abs(scale - 1) > 1e-3 and close(got, scale * want):
            if abs(scale - 2) < 1e-3:
                return "your result is exactly twice the right one: a gradient is counted twice."
            if abs(scale - 0.5) < 1e-3:
                return "your result is exactly half the right one: a contribution is lost, or there is an extra 1/2."
            if abs(scale - round(scale)) < 1e-3 or abs(1 / scale - round(1 / scale)) < 1e-3:
                return (f"your result is {scale:.4g} times the right one everywhere: a factor is off - compare it "
                        "with the sizes of the input (a mean divides by its count).")
            return "your result is off by a constant factor everywhere."
    if got.ndim >= 2 and got.shape[-1] == got.shape[-2] and close(np.swapaxes(got, -1, -2), want):
        return "your result is the right one transposed: a transpose is missing or extra."
    missing = ~np.isclose(got, want, rtol=rtol, atol=atol) & (got == 0)
    if missing.any() and np.isclose(got[~missing], want[~missing], rtol=rtol, atol=atol).all():
        return "some entries are 0 where they should not be, and the rest are right: contributions are lost."
    return None


def vjp(forward, args, wrt, grad_output, h=1e-6):
    """dL/d args[i] for L = sum(grad_output * forward(*args)), every i in ``wrt``, by central differences.

    The grader's own derivative, in float64, of the exercise's own public
    forward: nothing of a reference backward is stored anywhere.
    """
    args = [np.array(a, dtype=np.float64) if i in wrt else a for i, a in enumerate(args)]
    g = np.asarray(grad_output, dtype=np.float64)
    grads = {}
    for i in wrt:
        x = args[i]
        grad = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            original = x[index]
            x[index] = original + h
            plus = float((g * forward(*args)).sum())
            x[index] = original - h
            minus = float((g * forward(*args)).sum())
            x[index] = original
            grad[index] = (plus - minus) / (2 * h)
        grads[i] = grad
    return grads
