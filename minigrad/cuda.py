"""``minigrad.cuda``: is a GPU usable here, and if not, why (PyTorch's ``torch.cuda.is_available``).

    device = "cuda" if minigrad.cuda.is_available() else "cpu"
    model.to(device)

A GPU counts as usable only when CuPy can really allocate and compute on it,
not merely when ``import cupy`` succeeds: CuPy installed on a machine without
an NVIDIA driver is reported as unusable, with the reason, and minigrad keeps
working on the CPU.  The check runs once, the first time it is needed.
"""
from . import backend, device_checks


def is_available():
    """True when tensors can be put on ``'cuda'``."""
    return backend.is_cuda_available()


def unavailable_reason():
    """Why no GPU is usable, in words (what is missing, what to install); None when one is."""
    return backend.cuda_unavailable_reason()


def device_count():
    """How many GPUs CuPy sees (0 when none is usable)."""
    if not is_available():
        return 0
    xp = backend.array_module_for("cuda")
    runtime = getattr(getattr(xp, "cuda", None), "runtime", None)
    return runtime.getDeviceCount() if runtime is not None else 1


def synchronize():
    """Wait until the GPU has finished all queued work (for timing; a no-op without a GPU).

    GPU operations return before they finish; time a piece of GPU code only
    after calling this, or the clock stops early.
    """
    if is_available():
        device_checks.settle()  # a wait for the GPU: report the value checks queued on it (device_checks.py)
        xp = backend.array_module_for("cuda")
        runtime = getattr(getattr(xp, "cuda", None), "runtime", None)
        if runtime is not None:
            runtime.deviceSynchronize()
