"""fusion.fused: an elementwise update written once, run in one pass (GPU kernel, or cache-sized CPU blocks).

The fused run must give what the plain formula gives: block by block on
NumPy, through the array library's ``fuse`` on a device (here the stand-in,
whose ``fuse`` runs the formula as written and counts its calls).
"""
import numpy as np
import pytest

import minigrad
from minigrad import fusion
from minigrad.nn.module import Parameter
from minigrad.optim import Adam, AdamW
from minigrad.optim import adam as adam_module


def axpy(y, x, a):
    """y = y + a * x, in place: the smallest formula."""
    y += a * x


def test_numpy_blocks_cover_every_element_including_a_short_last_block(monkeypatch):
    monkeypatch.setattr(fusion, "FUSED_BLOCK", 4)
    y, x = np.arange(11.0).reshape(11), np.ones(11)
    fusion.fused(axpy)(y, x, 2.0)
    np.testing.assert_array_equal(y, np.arange(11.0) + 2)


def test_numpy_blocks_write_through_to_multidimensional_arrays(monkeypatch):
    monkeypatch.setattr(fusion, "FUSED_BLOCK", 5)
    y, x = np.zeros((3, 7)), np.arange(21.0).reshape(3, 7)
    fusion.fused(axpy)(y, x, -1.0)
    np.testing.assert_array_equal(y, -x)


def test_a_non_contiguous_argument_runs_the_formula_on_the_whole_arrays(monkeypatch):
    monkeypatch.setattr(fusion, "FUSED_BLOCK", 2)
    y, x = np.zeros((4, 3)), np.arange(12.0).reshape(3, 4).T  # x is a transposed view
    fusion.fused(axpy)(y, x, 1.0)
    np.testing.assert_array_equal(y, x)


def test_the_fused_function_keeps_the_formula_for_reading_and_comparing():
    fused = fusion.fused(axpy)
    assert fused.formula is axpy and fused.__name__ == "axpy" and "y = y + a * x" in fused.__doc__


# ----------------------------------------------------------------------- Adam
def adam_steps(optimizer_cls, device, steps=4, **options):
    """Parameters after a few steps of ``optimizer_cls`` on ``device``, as NumPy arrays."""
    rng = np.random.default_rng(0)
    shapes = [(40, 3), (5,), (2, 3, 4)]
    values = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(steps)]
    params = [Parameter(minigrad.tensor(v, device=device)) for v in values]
    opt = optimizer_cls(params, lr=0.1, **options)
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = minigrad.tensor(g, device=device)
        opt.step()
    return [p.detach().cpu().numpy() for p in params]


@pytest.mark.parametrize("options", [{}, {"amsgrad": True}, {"weight_decay": 0.1, "maximize": True}])
@pytest.mark.parametrize("cls", [Adam, AdamW])
def test_fused_adam_on_the_stand_in_device_equals_the_plain_numpy_step(fake_cuda, cls, options):
    fake_cuda.fused_calls = 0
    on_cpu = adam_steps(cls, "cpu", **options)
    on_device = adam_steps(cls, "cuda", **options)
    assert fake_cuda.fused_calls > 0  # the device path went through fuse, not the plain formula
    for a, b in zip(on_cpu, on_device):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)


def test_fused_adam_is_one_kernel_per_parameter_per_step(fake_cuda):
    fake_cuda.fused_calls = 0
    adam_steps(Adam, "cuda", steps=4)
    assert fake_cuda.fused_calls == 3 * 4


def test_blocked_adam_equals_the_formula_run_on_whole_arrays(monkeypatch):
    # A parameter spanning several blocks, with a short last one.
    monkeypatch.setattr(fusion, "FUSED_BLOCK", 16)
    rng = np.random.default_rng(1)
    theta, g = rng.standard_normal(100).astype(np.float32), rng.standard_normal(100).astype(np.float32)
    m, v = rng.standard_normal(100).astype(np.float32), rng.random(100).astype(np.float32)
    plain = [a.copy() for a in (theta, g, m, v)]
    scalars = (1e-3, 0.9, 0.999, 1e-8, 1 - 0.9**3, 1 - 0.999**3)
    adam_module.fused_adam_step(theta, g, m, v, *scalars)
    adam_module.adam_step(*plain, *scalars)
    for fused, whole in zip((theta, m, v), (plain[0], plain[2], plain[3])):
        np.testing.assert_array_equal(fused, whole)
