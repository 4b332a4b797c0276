"""Shared fixtures for the engine tests: seeded random float64 leaves for gradient checks."""
import sys

import numpy as np
import pytest

import minigrad


@pytest.fixture
def rng():
    """A fresh, seeded NumPy generator: every test sees the same numbers on every run."""
    return np.random.default_rng(20240601)


@pytest.fixture
def leaf(rng):
    """``leaf(*shape, low=-2, high=2, device='cpu')``: a float64 tensor of uniform values that requires grad."""

    def make(*shape, low=-2.0, high=2.0, device="cpu"):
        return minigrad.tensor(rng.uniform(low, high, shape), requires_grad=True, device=device)

    return make


# ------------------------------------------------------------------ devices
def _cuda_param():
    reason = minigrad.cuda.unavailable_reason()
    return pytest.param("cuda", marks=pytest.mark.skipif(reason is not None, reason=f"no usable GPU: {reason}"))


@pytest.fixture(params=["cpu", _cuda_param(), "stand-in"])
def device(request):
    """'cpu'; 'cuda' where a GPU is usable (skipped, with the reason, elsewhere); and the GPU stand-in.

    The stand-in (tests/_fake_device.py, registered as 'cuda' for the test)
    runs everywhere: its arrays refuse NumPy, so an operation that calls
    NumPy directly or converts to the host behind the user's back fails it.
    Make the tensors of a test with ``device=device`` (or ``.to(device)``);
    ``.numpy()`` / ``.tolist()`` bring results back to compare.
    """
    if request.param == "stand-in":
        request.getfixturevalue("fake_cuda")
        return "cuda"
    return request.param


@pytest.fixture
def fake_cuda(monkeypatch):
    """Register the NumPy-backed stand-in (tests/_fake_device.py) as the 'cuda' device for one test."""
    from minigrad import backend, device_checks
    from ._fake_device import fakecupy, fakecupyx

    monkeypatch.setitem(backend._modules, "cuda", fakecupy)
    monkeypatch.setitem(backend._array_types, fakecupy.ndarray, "cuda")
    # backend.erf imports cupyx.scipy.special on a GPU: the stand-in's answers instead.
    for name, module in (("cupyx", fakecupyx), ("cupyx.scipy", fakecupyx.scipy),
                         ("cupyx.scipy.special", fakecupyx.scipy.special)):
        monkeypatch.setitem(sys.modules, name, module)
    fakecupy.downloads = fakecupy.waits = 0
    monkeypatch.setattr(device_checks, "_pending", [])  # no verdict queued by one test reaches the next
    return fakecupy
