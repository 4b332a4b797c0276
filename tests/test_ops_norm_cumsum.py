"""norm (p = 1, 2, inf, any p >= 1) and cumsum: values, gradients, PyTorch's numbers, edge cases and errors."""
import numpy as np
import pytest

import minigrad
from minigrad import ShapeError, gradcheck

INF = float("inf")
# shape, dim, keepdim: the whole tensor, one dim, a negative dim, a tuple, keepdim, a size-1 dim, a 0-d tensor
NORMS = [((3, 4), None, False), ((3, 4), 0, False), ((3, 4), -1, True), ((2, 3, 4), (0, 2), False),
         ((2, 3, 4), (-1, 0), True), ((2, 1, 4), 1, False), ((5,), 0, False), ((), None, False)]


def np_norm(v, p, dim, keepdim):
    axis = dim if dim is None or isinstance(dim, int) else tuple(dim)
    a = np.abs(v)
    if p == INF:
        return a.max(axis=axis, keepdims=keepdim)
    return (a ** p).sum(axis=axis, keepdims=keepdim) ** (1 / p)


@pytest.mark.parametrize("shape, dim, keepdim", NORMS, ids=str)
@pytest.mark.parametrize("p", [1, 2, INF, 3, 1.5, "fro", None])
def test_norm_values_and_gradients(p, shape, dim, keepdim, leaf, device):
    x = leaf(*shape, device=device)
    out = x.norm(p, dim, keepdim)
    expected = np_norm(x.detach().numpy(), 2 if p in ("fro", None) else p, dim, keepdim)
    assert out.shape == expected.shape and str(out.device).startswith(device)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12)
    assert gradcheck(lambda t: minigrad.norm(t, p=p, dim=dim, keepdim=keepdim), (x,))


# PyTorch 2.13: x.norm(p=p, dim=-1, keepdim=True) and torch.autograd.grad((y * W).sum(), x), float64, x = X below
# (row 2 is a zero vector, row 3 has a tie for the largest |x|: -3 and 3)
X = [[0.5, -1.5, 2.0, 0.25], [0.0, 0.0, 0.0, 0.0], [1.0, -3.0, 3.0, 2.0]]
W = [[1.0], [2.0], [-1.0]]
TORCH_NORMS = {
    1: ([4.25, 0.0, 9.0], [[1.0, -1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 1.0, -1.0, -1.0]]),
    2: ([2.561737691489899, 0.0, 4.795831523312719],
        [[0.195180014589707, -0.58554004376912, 0.780720058358827, 0.097590007294853], [0.0, 0.0, 0.0, 0.0],
         [-0.208514414057075, 0.625543242171224, -0.625543242171224, -0.41702882811415]]),
    INF: ([2.0, 0.0, 3.0], [[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.5, -0.5, 0.0]]),
    3: ([2.258200528070204, 0.0, 3.979057207896392],
        [[0.049024706172487, -0.441222355552387, 0.784395298759799, 0.012256176543122], [0.0, 0.0, 0.0, 0.0],
         [-0.063159638220578, 0.568436743985199, -0.568436743985199, -0.252638552882311]]),
}


@pytest.mark.parametrize("p", list(TORCH_NORMS), ids=str)
def test_norm_matches_pytorch_with_a_zero_vector_and_a_tie(p, device):
    x = minigrad.tensor(X, dtype=minigrad.float64, requires_grad=True, device=device)
    y = x.norm(p=p, dim=-1, keepdim=True)
    (y * minigrad.tensor(W, dtype=minigrad.float64, device=device)).sum().backward()
    values, grads = TORCH_NORMS[p]
    np.testing.assert_allclose(y.detach().numpy().ravel(), values, rtol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), grads, rtol=1e-12, atol=1e-15)  # the zero row: 0, not nan


def test_norm_of_the_whole_tensor_matches_pytorch():
    # PyTorch 2.13: x.norm() (p='fro') of X, then torch.autograd.grad(y, x)
    x = minigrad.tensor(X, dtype=minigrad.float64, requires_grad=True)
    y = x.norm()
    y.backward()
    assert y.item() == pytest.approx(5.437140792732887, rel=1e-15)
    np.testing.assert_allclose(x.grad.numpy(), [[0.091960097974341, -0.275880293923022, 0.367840391897362,
                                                 0.04598004898717], [0.0, 0.0, 0.0, 0.0],
                                                [0.183920195948681, -0.551760587846043, 0.551760587846043,
                                                 0.367840391897362]], rtol=1e-12)


@pytest.mark.parametrize("p", [1, 2, 3, INF])
def test_the_gradient_at_a_zero_vector_is_zero_not_nan(p):
    x = minigrad.zeros(3, dtype=minigrad.float64, requires_grad=True)
    y = x.norm(p)
    y.backward()
    assert y.item() == 0.0 and x.grad.tolist() == [0.0, 0.0, 0.0]
    # The composition it replaces gives nan there: why norm is one Function.
    z = minigrad.zeros(3, dtype=minigrad.float64, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (z * z).sum().sqrt().backward()
    assert np.isnan(z.grad.numpy()).all()


def test_ties_for_the_largest_magnitude_share_the_inf_norms_gradient():
    # PyTorch 2.13: torch.tensor([1., -3., 3., 2.]).norm(p=inf) -> 3, gradient [0, -0.5, 0.5, 0]
    x = minigrad.tensor([1.0, -3.0, 3.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    x.norm(INF).backward()
    assert x.grad.tolist() == [0.0, -0.5, 0.5, 0.0]


def test_norm_keeps_float32_and_reads_an_empty_or_single_value():
    x = minigrad.tensor([3.0, 4.0], requires_grad=True)
    y = x.norm()
    y.backward()
    assert y.dtype == x.grad.dtype == minigrad.float32 and y.item() == 5.0
    assert minigrad.zeros(0, 3).norm(dim=0).tolist() == [0.0, 0.0, 0.0]  # a sum of no terms
    assert minigrad.tensor(-5.0).norm().item() == minigrad.tensor(-5.0).norm(dim=0).item() == 5.0


@pytest.mark.parametrize("p", [0, 0.5, -1, -INF, "nuc", True, "2"])
def test_unsupported_p_is_one_line_naming_what_works(p):
    with pytest.raises(ValueError, match=r"norm: p=.* is not supported; use 1, 2, float\('inf'\)"):
        minigrad.tensor([1.0, 2.0]).norm(p)


def test_norm_errors_name_the_operation():
    with pytest.raises(TypeError, match="norm: needs a floating-point tensor, got .*int64.*float()"):
        minigrad.tensor([1, 2]).norm()
    with pytest.raises(ShapeError, match=r"norm\(p=inf\): cannot reduce over dimension 0"):
        minigrad.zeros(0).norm(INF)
    with pytest.raises(IndexError, match="norm: dimension 2 is out of range"):
        minigrad.zeros(2, 3).norm(dim=2)


# ------------------------------------------------------------------ cumsum
@pytest.mark.parametrize("shape, dim", [((5,), 0), ((3, 4), 0), ((3, 4), 1), ((3, 4), -1), ((2, 3, 4), 1),
                                        ((2, 3, 4), -3), ((1, 4), 0), ((), 0), ((), -1), ((0, 3), 0)], ids=str)
def test_cumsum_values_and_gradients(shape, dim, leaf, device):
    x = leaf(*shape, device=device)
    out = minigrad.cumsum(x, dim)
    expected = np.cumsum(x.detach().numpy(), axis=dim) if shape else x.detach().numpy()
    assert out.shape == x.shape and str(out.device).startswith(device)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12)
    assert gradcheck(lambda t: t.cumsum(dim), (x,))


@pytest.mark.parametrize("dim, values, grad", [
    # PyTorch 2.13: torch.cumsum(c, dim) and torch.autograd.grad((y * WC).sum(), c), float64, c = C below
    (0, [[1.0, -2.0, 0.5], [4.0, -1.75, -0.5]], [[0.0, 2.5, 5.0], [-1.0, 0.5, 2.0]]),
    (1, [[1.0, -1.0, -0.5], [3.0, 3.25, 2.25]], [[6.0, 5.0, 3.0], [1.5, 2.5, 2.0]]),
    (-1, [[1.0, -1.0, -0.5], [3.0, 3.25, 2.25]], [[6.0, 5.0, 3.0], [1.5, 2.5, 2.0]]),
])
def test_cumsum_matches_pytorch(dim, values, grad, device):
    c = minigrad.tensor([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]], dtype=minigrad.float64, requires_grad=True,
                        device=device)
    y = minigrad.cumsum(c, dim)
    (y * minigrad.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=minigrad.float64, device=device)).sum().backward()
    assert y.tolist() == values and c.grad.tolist() == grad


def test_cumsum_of_integers_and_booleans_is_int64_and_dtype_converts_first():
    # PyTorch 2.13: torch.cumsum(torch.tensor([True, False, True]), 0) -> tensor([1, 1, 2]) (int64)
    flags = minigrad.tensor([True, False, True]).cumsum(0)
    assert flags.dtype == minigrad.int64 and flags.tolist() == [1, 1, 2]
    assert minigrad.tensor([1, 2, 3]).cumsum(0).tolist() == [1, 3, 6]
    halves = minigrad.cumsum(minigrad.tensor([1, 2]), 0, dtype=minigrad.float32)
    assert halves.dtype == minigrad.float32 and halves.tolist() == [1.0, 3.0]


def test_cumsum_needs_one_dim_in_range():
    with pytest.raises(TypeError, match="cumsum: dim must be one int"):
        minigrad.cumsum(minigrad.ones(2, 3), None)
    with pytest.raises(TypeError, match="cumsum: dim must be one int"):
        minigrad.cumsum(minigrad.ones(2, 3), (0, 1))
    with pytest.raises(IndexError, match="cumsum: dimension 2 is out of range"):
        minigrad.ones(2, 3).cumsum(2)
