"""Checks of values that live on a GPU, without making the host wait for it.

Some errors depend on the *values* of a tensor, not its shape: a class target
of 7 with 5 classes, a word id past the end of the embedding table, a
"probability" of 1.3.  On the CPU minigrad checks them at once, in the
operation, and raises.  On a GPU the same check, ``if bad.any(): raise``,
would make the host stop and wait until the GPU has finished everything
queued before it (a *synchronisation*), in every training step: the host can
no longer queue the next kernels while the GPU runs the last ones, and small
batches slow down by a third.

So on a GPU, minigrad does what PyTorch's CUDA kernels do with a device-side
assert, and reports the error later:

- the operation computes the mask of bad entries on the GPU (no wait) and
  queues it here with the error to raise;
- the next time any values come to the host (``item()``, ``numpy()``,
  ``tolist()``, printing, ``cpu()``, ``minigrad.save``,
  ``minigrad.cuda.synchronize()``), one reduction over every queued mask
  says whether any entry is bad, in one transfer; if one is, the first failed
  check raises its error, with the same message as on the CPU and a note
  that the GPU found it earlier.  (A reduction per check, when it is
  queued, would cost the host a kernel's overhead in every step);
- at most ``PENDING_LIMIT`` checks wait: a loop that never reads a value
  still hears of a bad value within a few steps.

Until the error is raised the operation has computed with the bad index:
CuPy wraps an out-of-range index around (its documented behaviour), so the
values are wrong but no memory outside the array is touched; and no value
reaches the host before the error does.

    check(op_values, bad, error)   # error(first_bad_value) -> the exception
    outside(indices, size)         # the usual ``bad`` of an index: not in 0 .. size - 1
"""
from . import backend

# How many checks may wait on the device before they are read.
PENDING_LIMIT = 64
LATER = " [found on the GPU when the operation ran; reported at the next read of values from the GPU]"

_pending = []  # (values, bad mask, error), the masks still on the device


def check(values, bad, error):
    """Raise ``error(v)`` for the first value ``v`` of ``values`` where the boolean array ``bad`` is True.

    On the CPU the check happens now.  On a GPU it is queued, and raised at
    the next host read (see the module's docstring).
    """
    if isinstance(bad, (backend.cpu.ndarray, backend.cpu.generic)):  # on the host (a 0-d one is a NumPy scalar)
        if bad.any():
            raise error(_first(values, bad))
        return
    _pending.append((values, bad, error))
    if len(_pending) >= PENDING_LIMIT:
        settle()


def outside(indices, size):
    """Where the integers ``indices`` are not in 0 .. size - 1, as a boolean array.

    One comparison instead of two (``(i < 0) | (i >= size)``, three array
    operations): read as an unsigned integer of the same width (a view, no
    copy), a negative index is 2**64 + i, larger than any size.
    """
    return indices.view(f"u{indices.dtype.itemsize}") >= size


def settle():
    """Read whether any queued mask holds a bad entry, in one transfer per device kind; raise the first failed check."""
    if not _pending:
        return
    pending = list(_pending)
    _pending.clear()  # first: reading the answer goes through to_numpy, which settles again
    by_module = {}
    for entry in pending:
        by_module.setdefault(backend.get_array_module(entry[1]), []).append(entry)
    for xp, entries in by_module.items():
        if not backend.to_numpy(xp.concatenate([bad.reshape(-1) for _, bad, _ in entries]).any()):
            continue  # the usual answer: nothing was bad
        verdicts = backend.to_numpy(xp.stack([bad.any() for _, bad, _ in entries]))  # which: one more transfer
        for failed, (values, bad, error) in zip(verdicts, entries):
            if failed:
                exception = error(_first(values, bad))
                exception.args = (f"{exception.args[0]}{LATER}",) + exception.args[1:]
                raise exception


def discard():
    """Forget every queued check unread (for tests that leave a bad value behind on purpose)."""
    _pending.clear()


def _first(values, bad):
    """The first offending value, as a Python number."""
    return backend.to_numpy(values[bad]).reshape(-1)[0].item()
