"""Checking a backward pass against finite differences.

The derivative of f at x is the limit of (f(x + eps) - f(x - eps)) / (2 eps);
with a small eps this *central difference* is accurate to about eps^2.
``gradcheck`` computes it for every entry of every input and compares it
with what backward returns, entry by entry: the full Jacobian
J[k, j] = d output_k / d input_j, numerical against analytical.

Differences need float64: in float32, (f(x + eps) - f(x - eps)) loses most of
its digits to rounding.  When a check fails, the report says which input,
how many entries disagree, the worst ones, and - when the pattern is a
familiar one - what the bug probably is.
"""
import warnings

from . import autograd, backend
from .errors import GradcheckError
from .tensor import Tensor

_SHOWN = 6


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Compare ``fn``'s backward with central differences, in float64.

    ``fn`` takes the ``inputs`` (a Tensor or a tuple; non-Tensors are passed
    through) and returns a Tensor or a tuple of Tensors.  Inputs with
    ``requires_grad=True`` are checked.  An entry passes when
    |analytical - numerical| <= atol + rtol * |numerical|.

    Returns True.  On failure raises ``GradcheckError`` with the report, or,
    with ``raise_exception=False``, warns with the report and returns False.
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    inputs = _float64_copies(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError(
            "gradcheck: no input requires grad, so there is nothing to check; create the inputs "
            "with requires_grad=True."
        )
    try:
        _check(fn, inputs, checked, eps, atol, rtol)
    except GradcheckError as failure:
        if raise_exception:
            raise
        warnings.warn(str(failure), stacklevel=2)
        return False
    return True


def _float64_copies(inputs):
    copies = []
    for i, t in enumerate(inputs):
        if isinstance(t, Tensor) and t.requires_grad and t.dtype != "float64":
            warnings.warn(
                f"gradcheck: input {i} is {t.dtype}; finite differences need float64 to be accurate, so it is "
                "checked as a float64 copy. Create inputs with dtype=minigrad.float64.",
                stacklevel=3,
            )
        if isinstance(t, Tensor) and t.requires_grad:
            t = Tensor._from_array(t._data.astype("float64")).requires_grad_()
        copies.append(t)
    return tuple(copies)


def _outputs(fn, inputs):
    out = fn(*inputs)
    out = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in out if isinstance(o, Tensor) and o.is_floating_point()]


def _check(fn, inputs, checked, eps, atol, rtol):
    outputs = _outputs(fn, inputs)
    if not outputs:
        raise ValueError("gradcheck: fn returned no floating-point Tensor to check")
    analytical = _analytical(outputs, [inputs[i] for i in checked])
    numerical, kinks = _numerical(fn, inputs, checked, outputs, eps)
    for n_out, out in enumerate(outputs):
        for slot, i in enumerate(checked):
            a = analytical[n_out][slot]  # both Jacobians are host arrays
            n = numerical[n_out][slot]
            # Written as 'not close' so that a NaN on either side counts as a disagreement.
            bad = ~(abs(a - n) <= atol + rtol * abs(n))
            if bad.any():
                raise GradcheckError(
                    _report(i, inputs[i], n_out, out, a, n, bad, kinks[n_out][slot], atol, rtol, len(outputs))
                )


def _analytical(outputs, tensors):
    """J[k, j] = d out_k / d x_j from one backward pass per output entry."""
    result = []
    for out in outputs:
        xp = out.xp
        # The Jacobian is for the report: it lives on the host, wherever the tensors are.
        rows = [backend.cpu.zeros((out.numel(), t.numel())) for t in tensors]
        if not out.requires_grad:
            result.append(rows)
            continue
        for k in range(out.numel()):
            seed = xp.zeros(out.numel(), dtype=out._data.dtype)
            seed[k] = 1
            try:
                grads = autograd.grad(out, tensors, grad_outputs=seed.reshape(out.shape), retain_graph=True)
            except NotImplementedError:
                raise  # an unwritten backward is not a wrong one
            except RuntimeError as err:
                raise GradcheckError(_backward_failed(err, tensors)) from None
            except ValueError as err:
                raise GradcheckError(
                    f"gradcheck: backward raised ValueError: {err}\n"
                    f"  the checked inputs have shapes {_describe(tensors)}\n"
                    "  hint: shapes inside backward do not fit together; in a matrix product this usually "
                    "means a transpose is missing (dL/dA = g @ B^T, dL/dB = A^T @ g)."
                ) from None
            for slot, (t, g) in enumerate(zip(tensors, grads)):
                if g.shape != t.shape or g.dtype != t.dtype:
                    raise GradcheckError(
                        f"gradcheck: the gradient of input {slot} has shape {g.shape} and dtype {g.dtype}, but the "
                        f"input has shape {t.shape} and dtype {t.dtype}."
                    )
                rows[slot][k] = backend.to_numpy(g._data).reshape(-1)
        result.append(rows)
    return result


def _describe(tensors):
    return ", ".join(str(t.shape) for t in tensors)


def _backward_failed(err, tensors):
    message = f"gradcheck: backward failed: {err}\n  the checked inputs have shapes {_describe(tensors)}"
    for t in tensors:
        if t.ndim >= 2 and tuple(reversed(t.shape)) in _shapes_in(str(err)):
            message += (
                f"\n  hint: a gradient came back with the transposed shape {tuple(reversed(t.shape))} of an input of "
                f"shape {t.shape}: a transpose is missing or extra in backward."
            )
            break
    return message


def _shapes_in(text):
    """The tuples of ints written in ``text`` (to recognise a transposed shape in an error)."""
    shapes = []
    for part in text.split("(")[1:]:
        inside = part.split(")")[0]
        try:
            shapes.append(tuple(int(s) for s in inside.split(",") if s.strip()))
        except ValueError:
            continue
    return shapes


def _numerical(fn, inputs, checked, outputs, eps):
    """J[k, j] ~ (out_k(x_j + eps) - out_k(x_j - eps)) / (2 eps), and where one-sided slopes disagree."""
    base = [backend.to_numpy(o._data).reshape(-1).astype("float64") for o in outputs]
    numerical = [[None] * len(checked) for _ in outputs]
    kinks = [[None] * len(checked) for _ in outputs]
    for slot, i in enumerate(checked):
        flat = inputs[i]._data.reshape(-1)
        columns = [[] for _ in outputs]
        kink_columns = [[] for _ in outputs]
        for j in range(flat.size):
            original = backend.to_numpy(flat[j]).item()
            flat[j] = original + eps
            plus = _evaluate(fn, inputs)
            flat[j] = original - eps
            minus = _evaluate(fn, inputs)
            flat[j] = original
            for n_out in range(len(outputs)):
                columns[n_out].append((plus[n_out] - minus[n_out]) / (2 * eps))
                right = (plus[n_out] - base[n_out]) / eps
                left = (base[n_out] - minus[n_out]) / eps
                # Away from a kink both one-sided slopes agree to about eps; at a kink they differ by the jump.
                kink_columns[n_out].append(abs(right - left) > 1e-3 * (1 + abs(right) + abs(left)))
        np = backend.cpu
        for n_out, out in enumerate(outputs):
            numerical[n_out][slot] = np.stack(columns[n_out], axis=1) if flat.size else np.zeros((out.numel(), 0))
            kinks[n_out][slot] = (
                np.stack(kink_columns[n_out], axis=1) if flat.size else np.zeros((out.numel(), 0), dtype=bool)
            )
    return numerical, kinks


def _evaluate(fn, inputs):
    with autograd.no_grad():
        return [backend.to_numpy(o._data).reshape(-1).astype("float64") for o in _outputs(fn, inputs)]


def _report(i, x, n_out, out, a, n, bad, kinks, atol, rtol, n_outputs):
    np = backend.cpu
    which = f", output {n_out} (shape {out.shape})" if n_outputs > 1 else f", output shape {out.shape}"
    lines = [
        f"gradcheck failed for input {i} (shape {x.shape}, {x.dtype}){which}:",
        f"  {int(bad.sum())} of {bad.size} Jacobian entries disagree "
        f"(allowed: |analytical - numerical| <= {atol:g} + {rtol:g} * |numerical|).",
        "  worst entries (J[k, j] = d output[k] / d input[j]):",
        f"    {'output k':<14}{'input j':<14}{'numerical':>12}{'analytical':>12}{'abs err':>10}{'rel err':>10}",
    ]
    error = np.where(bad, np.nan_to_num(abs(a - n), nan=np.inf), -1.0)  # NaN entries count as the worst
    for flat in np.argsort(-error, axis=None)[: min(_SHOWN, int(bad.sum()))]:
        k, j = np.unravel_index(flat, a.shape)
        abs_err = abs(a[k, j] - n[k, j])
        rel_err = abs_err / max(abs(n[k, j]), 1e-12)
        lines.append(
            f"    {_index(k, out.shape):<14}{_index(j, x.shape):<14}{n[k, j]:>12.6g}{a[k, j]:>12.6g}"
            f"{abs_err:>10.2g}{rel_err:>10.2g}"
        )
    hint = _hint(a, n, bad, kinks, x, out, atol, rtol)
    if hint:
        lines.append(f"  hint: {hint}")
    return "\n".join(lines)


def _index(flat, shape):
    return str(tuple(int(v) for v in backend.cpu.unravel_index(flat, shape))) if shape else "()"


def _hint(a, n, bad, kinks, x, out, atol, rtol):
    """Name the bug when the disagreement has a familiar shape."""
    np = backend.cpu

    def close(p, q):
        return bool((abs(p - q) <= atol + rtol * abs(q)).all())

    if not np.isfinite(n).all():
        return "the numerical gradient holds NaN or Inf: fn is not finite near these inputs; move them into its domain."
    if not np.isfinite(a).all():
        return (
            "the analytical gradient holds NaN or Inf where the numerical one is finite: backward divides by zero "
            "or takes the log or square root of 0 (at x = 0, sqrt(x) has slope 1 / (2 sqrt(x)) = inf). Run the "
            "backward inside `with minigrad.detect_anomaly():` to find the operation."
        )
    if not a.any() and n.any():
        return (
            "the analytical gradient is zero everywhere: backward returns zeros, or the input is cut off from the "
            "output (detach(), no_grad, .data or an integer conversion inside fn)."
        )
    if a.any() and not n.any():
        return "the output does not depend on this input, yet backward returns a non-zero gradient for it."
    if bad[~kinks].sum() == 0:
        return (
            "entries disagree only where the function has a kink or a tie (relu at 0, max with equal values): "
            "finite differences straddle the kink there. Move the test points away from kinks, or check that "
            "backward picks the subgradient you intend."
        )
    if close(-a, n):
        return "the analytical gradient has the wrong sign everywhere: a sign error in backward."
    scale = float((a * n).sum() / (n * n).sum())
    if abs(scale - 1) > 10 * rtol and close(a, scale * n):
        return _factor_hint(scale, x, out)
    if x.ndim >= 2 and x.shape[-1] == x.shape[-2]:
        a_t = np.swapaxes(a.reshape((a.shape[0],) + x.shape), -1, -2).reshape(a.shape)
        if close(a_t, n):
            return "the analytical gradient is the numerical one transposed: a transpose is missing or extra."
    if close(np.sort(a, axis=None), np.sort(n, axis=None)):
        return (
            "the analytical Jacobian holds the same values as the numerical one, but in the wrong places: a "
            "transpose is missing or extra (for y = A @ B, dL/dA = g @ B^T, not g @ B), or two axes are mixed up."
        )
    missing = bad & (a == 0) & (n != 0)
    if missing.any() and (bad & ~missing).sum() == 0:
        return (
            "the analytical gradient is zero at some entries where the numerical one is not, and right "
            "elsewhere: some contributions are lost. When an input is used several times (broadcasting, repeated "
            "indices, a tensor used twice) its gradient must add up every use; is a sum or an accumulation "
            "(scatter_add instead of assignment) missing?"
        )
    if close(a.sum(axis=0), n.sum(axis=0)):
        return (
            "summed over the outputs the gradients agree, but entry by entry they do not: the gradient reaches "
            "the right inputs from the wrong outputs (a wrong index or a mixed-up axis)."
        )
    return None


def _factor_hint(scale, x, out):
    sizes = set(x.shape) | set(out.shape)
    text = f"the analytical gradient is {scale:.4g} times the numerical one everywhere: a constant factor is off"
    if abs(scale - 2) < 1e-3:
        return text + " (a contribution counted twice, or a missing 1/2)."
    if abs(scale - 0.5) < 1e-3:
        return text + " (a contribution lost, or an extra 1/2)."
    for size in sorted(sizes):
        if size > 1 and (abs(scale - size) < 1e-3 * size or abs(scale - 1 / size) < 1e-3 / size):
            return text + (
                f"; {size} is the size of a dimension, so a sum and a mean may be mixed up, or a sum over a "
                "broadcast dimension was replaced by something else."
            )
    return text + " (check the constants in the formula)."
