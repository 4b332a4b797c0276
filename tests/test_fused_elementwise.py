"""fusion.elementwise: the gradients' small formulas, one GPU kernel each, equal to the formula as written.

Each formula the engine fuses runs on every device of the ``device``
fixture (the CPU, a real GPU where there is one, the stand-in) with
broadcast shapes and boolean masks, and must give the plain NumPy result
in the same dtype: CuPy's fusion picks result types by its own rules, and a
float16 or float64 that crept in would change every later step.
"""
import numpy as np
import pytest

import minigrad
from minigrad import backend, fusion
from minigrad.nn.classification_loss import softmax_minus_target, weighted_nll
from minigrad.nn.dropout import kept
from minigrad.ops.activation import relu_grad
from minigrad.ops.reduce import share_among_ties

rng = np.random.default_rng(0)
F32 = np.float32


def arrays():
    """Arguments for each fused formula: float32 arrays, boolean masks and float32 numbers, broadcasting."""
    g, y = rng.standard_normal((4, 3, 5)).astype(F32), rng.standard_normal((4, 3, 5)).astype(F32)
    is_max = rng.random((4, 3, 5)) < 0.3
    count = rng.integers(1, 4, (4, 3, 1)).astype(F32)
    exp = rng.random((6, 4)).astype(F32) + 0.1
    return {
        relu_grad: (g, y),
        share_among_ties: (g, is_max, count),
        kept: (g, is_max, F32(2.0)),
        weighted_nll: (rng.standard_normal(6).astype(F32), rng.standard_normal(6).astype(F32), rng.random(6) < 0.7),
        softmax_minus_target: (exp, exp.sum(axis=1, keepdims=True), rng.random((6, 1)).astype(F32),
                               rng.random((6, 4)) < 0.25, rng.random((6, 1)).astype(F32)),
    }


@pytest.mark.parametrize("formula", list(arrays()), ids=lambda f: f.__name__)
def test_each_fused_formula_equals_the_plain_one_in_value_and_dtype(device, formula):
    host = arrays()[formula]
    expected = formula.formula(*host)
    xp = backend.array_module_for(device)
    on_device = [xp.asarray(a) if isinstance(a, np.ndarray) else a for a in host]
    got = backend.to_numpy(formula(*on_device))
    assert got.dtype == expected.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_on_a_device_the_formula_runs_through_fuse(fake_cuda):
    fake_cuda.fused_calls = 0
    g = minigrad.randn(3, 4, device="cuda")
    relu_grad(g._data, g._data)
    assert fake_cuda.fused_calls == 1


def test_on_the_cpu_the_formula_itself_runs():
    calls = []

    def double(x):
        calls.append(x)
        return x * 2

    np.testing.assert_array_equal(fusion.elementwise(double)(np.ones(2, F32)), [2.0, 2.0])
    assert len(calls) == 1 and fusion.elementwise(double).formula is double


def test_a_training_step_on_the_stand_in_uses_the_fused_gradients(fake_cuda):
    from minigrad.models import TextCNN
    import minigrad.nn.functional as F

    minigrad.manual_seed(0)
    model = TextCNN(30, 2, embed_dim=6, num_filters=4, kernel_sizes=(2, 3), dropout=0.5).to("cuda")
    ids, y = minigrad.randint(1, 30, (3, 7), device="cuda"), minigrad.tensor([0, 1, 1], device="cuda")
    fake_cuda.fused_calls = 0
    F.cross_entropy(model(ids), y).backward()
    # ReLU and amax twice each, dropout forward and backward, the loss forward and backward
    assert fake_cuda.fused_calls == 2 + 2 + 2 + 2
