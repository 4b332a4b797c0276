"""What the two optimizer exercises share: calling a step function and naming a known wrong rule."""
import numpy as np

from ..checking import CheckFailed, as_array


def call_step(function, names, arrays, **options):
    """Call the student's step on copies of ``arrays``; return its results as a tuple of arrays."""
    result = function(*[a.copy() for a in arrays], **options)
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise CheckFailed(
            f"the step returned {type(result).__name__}"
            + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
            + f"; expected a tuple ({', '.join(names)}).",
            hint=f"end with return {', '.join(names)}.",
        )
    return tuple(as_array(r, name) for r, name in zip(result, names))


def expect_step(got, want, names, variants, what):
    """Fail unless every returned array matches; name the wrong rule when a known variant matches."""
    for mine, right, name, position in zip(got, want, names, range(len(names))):
        if mine.shape != right.shape:
            raise CheckFailed(f"{what}: {name} has shape {mine.shape}; expected {right.shape}.",
                              hint="each returned array has the parameter's shape.")
        if not np.allclose(mine, right, rtol=1e-7, atol=1e-12):
            hint = None
            for rule, text in variants:
                if all(np.allclose(m, r, rtol=1e-7, atol=1e-12) for m, r in zip(got, rule)):
                    hint = text
                    break
            worst = np.unravel_index(np.argmax(np.abs(mine - right)), right.shape)
            raise CheckFailed(
                f"{what}: the new {name} differs from the published rule; at {tuple(int(i) for i in worst)} "
                f"got {mine[worst]:.8g}, expected {right[worst]:.8g}.",
                hint=hint or "follow the update rule in the docstring line by line, in order.",
            )
