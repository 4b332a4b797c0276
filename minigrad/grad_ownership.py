"""May a leaf keep, as its ``.grad``, the very array that backward made, instead of a copy of it?

Only if nothing else refers to that array.  The same array may also be
another leaf's gradient (``a + b`` hands one gradient to both), a value a
``Function`` saved and handed back, the ``gradient=`` a caller passed to
``backward``, or a non-leaf's retained ``.grad``; an in-place change of one
(``p.grad.zero_()``, gradient clipping) would then change the others.  A
copy is always safe, and on a GPU it costs a kernel per parameter per step,
so PyTorch's AccumulateGrad keeps the array when its reference count says
it is alone, and so does ``run_backward`` here.

The count is CPython's ``sys.getrefcount``.  What it reports for an array
held by one variable depends on the interpreter (the call's own arguments
count too), so it is measured once, at import, through the same chain of
calls, not assumed.  Without ``sys.getrefcount`` (PyPy) nothing is kept.
A view of another array's memory is never kept.
"""
import sys


def _references(array):
    return sys.getrefcount(array)


def _alone():
    """The count ``unshared`` sees for an array that only its caller's variable refers to: measured, not assumed."""
    probe = object()  # one variable, handed on through one more call, as run_backward hands on a gradient
    return (lambda array: _references(array))(probe)


ALONE = _alone() if hasattr(sys, "getrefcount") else -1


def unshared(array):
    """Whether nothing but the caller's one variable refers to ``array``, and it owns its memory.

    Call it on a line of its own (``owned = unshared(grad)``): inside another
    call's arguments, the arguments already evaluated hold references too.
    """
    return getattr(array, "base", 0) is None and _references(array) <= ALONE
