"""Elementwise arithmetic: values against NumPy, gradients against finite differences, kinks, dtype promotion."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad import gradcheck

# Pairs of shapes that broadcast: equal, a missing leading dim, size-1 dims on both sides, a scalar.
BROADCAST_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 1, 4), (3, 1)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((1,), (2, 3)),
]

# name, minigrad op, NumPy formula, (low, high) of the first and second operand
BINARY = [
    ("add", minigrad.add, np.add, (-2, 2), (-2, 2)),
    ("sub", minigrad.sub, np.subtract, (-2, 2), (-2, 2)),
    ("mul", minigrad.mul, np.multiply, (-2, 2), (-2, 2)),
    ("div", minigrad.div, np.divide, (-2, 2), (0.5, 2)),
    ("pow", minigrad.pow, np.power, (0.5, 2), (-2, 2)),
    ("maximum", minigrad.maximum, np.maximum, (-2, 2), (-2, 2)),
    ("minimum", minigrad.minimum, np.minimum, (-2, 2), (-2, 2)),
]


@pytest.mark.parametrize("name, op, formula, range_a, range_b", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("shape_a, shape_b", BROADCAST_SHAPES, ids=str)
def test_binary_values_and_gradients_with_broadcasting(
    name, op, formula, range_a, range_b, shape_a, shape_b, leaf, device
):
    a = leaf(*shape_a, low=range_a[0], high=range_a[1], device=device)
    b = leaf(*shape_b, low=range_b[0], high=range_b[1], device=device)
    out = op(a, b)
    np.testing.assert_allclose(out.detach().numpy(), formula(a.detach().numpy(), b.detach().numpy()), rtol=1e-12)
    assert gradcheck(op, (a, b))


def test_operators_are_the_functions(leaf):
    a, b = leaf(2, 3, low=0.5), leaf(3, low=0.5)
    for expression, function in [
        (a + b, minigrad.add(a, b)),
        (a - b, minigrad.sub(a, b)),
        (a * b, minigrad.mul(a, b)),
        (a / b, minigrad.div(a, b)),
        (a**b, minigrad.pow(a, b)),
        (-a, minigrad.neg(a)),
        (abs(a), minigrad.abs(a)),
    ]:
        np.testing.assert_array_equal(expression.detach().numpy(), function.detach().numpy())


def test_python_numbers_on_either_side(leaf):
    x = leaf(3, low=0.5)
    v = x.detach().numpy()
    np.testing.assert_allclose((2 - x).detach().numpy(), 2 - v)
    np.testing.assert_allclose((2 / x).detach().numpy(), 2 / v)
    np.testing.assert_allclose((2**x).detach().numpy(), 2**v)
    np.testing.assert_allclose((x**2).detach().numpy(), v**2)
    assert gradcheck(lambda t: 3 - 2 / t + 2**t + t**3, (x,))


def test_numpy_arrays_on_the_left_are_handed_to_the_tensor(leaf):
    x = leaf(3)
    result = np.ones(3) * x
    assert isinstance(result, minigrad.Tensor) and result.requires_grad


# name, op, NumPy formula, (low, high) of the inputs (inside the domain), kinks to keep away from
UNARY = [
    ("neg", minigrad.neg, np.negative, (-2, 2), []),
    ("exp", minigrad.exp, np.exp, (-2, 2), []),
    ("log", minigrad.log, np.log, (0.2, 3), []),
    ("sqrt", minigrad.sqrt, np.sqrt, (0.2, 3), []),
    ("abs", minigrad.abs, np.abs, (-2, 2), [0.0]),
    ("clamp", lambda x: minigrad.clamp(x, -0.5, 0.5), lambda v: np.clip(v, -0.5, 0.5), (-2, 2), [-0.5, 0.5]),
    ("clamp min", lambda x: x.clamp(min=0.0), lambda v: np.maximum(v, 0.0), (-2, 2), [0.0]),
    ("clamp max", lambda x: x.clamp(max=0.0), lambda v: np.minimum(v, 0.0), (-2, 2), [0.0]),
    ("clone", minigrad.clone, np.copy, (-2, 2), []),
]


def away_from_kinks(x, kinks):
    """``x`` with every value near a kink moved off it, so that finite differences do not straddle the kink."""
    values = x.detach().numpy()
    for kink in kinks:
        values = np.where(np.abs(values - kink) < 0.05, kink + 0.1, values)
    return minigrad.tensor(values, requires_grad=True, device=x.device)


@pytest.mark.parametrize("name, op, formula, bounds, kinks", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("shape", [(), (5,), (2, 1, 3)], ids=str)
def test_unary_values_and_gradients(name, op, formula, bounds, kinks, shape, leaf, device):
    x = away_from_kinks(leaf(*shape, low=bounds[0], high=bounds[1], device=device), kinks)
    np.testing.assert_allclose(op(x).detach().numpy(), formula(x.detach().numpy()), rtol=1e-12)
    assert gradcheck(op, (x,))


def test_log_and_sqrt_outside_their_domain_give_nan_and_inf_like_pytorch():
    assert np.isnan(minigrad.log(minigrad.tensor(-1.0)).item())
    assert minigrad.log(minigrad.tensor(0.0)).item() == -np.inf
    assert np.isnan(minigrad.sqrt(minigrad.tensor(-1.0)).item())


# ------------------------------------------------------------------ kinks
def grad_of(op, values, dtype=minigrad.float64):
    x = minigrad.tensor(values, dtype=dtype, requires_grad=True)
    op(x).sum().backward()
    return x.grad.tolist()


def test_abs_has_gradient_zero_at_zero():
    assert grad_of(minigrad.abs, [-2.0, 0.0, 3.0]) == [-1.0, 0.0, 1.0]


def test_clamp_passes_the_gradient_at_its_bounds_and_blocks_it_outside():
    # PyTorch's choice: x equal to a bound counts as inside.
    assert grad_of(lambda x: x.clamp(-1.0, 1.0), [-2.0, -1.0, 0.0, 1.0, 2.0]) == [0.0, 1.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize(
    "op, expected_a, expected_b",
    [(minigrad.maximum, [1.0, 0.5, 0.0], [0.0, 0.5, 1.0]), (minigrad.minimum, [0.0, 0.5, 1.0], [1.0, 0.5, 0.0])],
)
def test_maximum_and_minimum_share_the_gradient_at_ties(op, expected_a, expected_b):
    a = minigrad.tensor([3.0, 2.0, 1.0], requires_grad=True)
    b = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    op(a, b).sum().backward()
    assert a.grad.tolist() == expected_a and b.grad.tolist() == expected_b


def test_maximum_with_a_number_is_relu_like():
    assert grad_of(lambda x: minigrad.maximum(x, 0.0), [-1.0, 0.0, 2.0]) == [0.0, 0.5, 1.0]


# -------------------------------------------------------------------- pow
def test_pow_with_a_tensor_exponent(leaf):
    base, exponent = leaf(2, 3, low=0.5, high=2.0), leaf(2, 3)
    assert gradcheck(lambda a, b: a**b, (base, exponent))
    (base**exponent).sum().backward()
    a, b = base.detach().numpy(), exponent.detach().numpy()
    np.testing.assert_allclose(exponent.grad.numpy(), a**b * np.log(a))
    np.testing.assert_allclose(base.grad.numpy(), b * a ** (b - 1))


def test_pow_exponent_gradient_is_zero_where_the_base_is_zero():
    base = minigrad.tensor([0.0, 2.0], dtype=minigrad.float64)
    exponent = minigrad.tensor([2.0, 3.0], dtype=minigrad.float64, requires_grad=True)
    (base**exponent).sum().backward()
    np.testing.assert_allclose(exponent.grad.numpy(), [0.0, 8 * np.log(2)])


def test_square_of_negative_numbers(leaf):
    assert gradcheck(lambda x: x**2 + x**3, (leaf(4),))


# ------------------------------------------------------------------ where
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 1), (3, 4), (4,)), ((4,), (), (3, 4))], ids=str)
def test_where_values_and_gradients(shapes, leaf, rng, device):
    condition = minigrad.tensor(rng.uniform(size=shapes[0]) > 0.5, device=device)
    a, b = leaf(*shapes[1], device=device), leaf(*shapes[2], device=device)
    out = minigrad.where(condition, a, b)
    expected = np.where(condition.numpy(), a.detach().numpy(), b.detach().numpy())
    np.testing.assert_array_equal(out.detach().numpy(), expected)
    assert gradcheck(lambda x, y: minigrad.where(condition, x, y), (a, b))


def test_where_sends_each_gradient_to_the_chosen_side():
    a = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = minigrad.tensor([10.0, 20.0, 30.0], requires_grad=True)
    condition = minigrad.tensor([True, False, True])
    minigrad.where(condition, a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 0.0, 1.0] and b.grad.tolist() == [0.0, 1.0, 0.0]
    assert a.where(condition, b).tolist() == [1.0, 20.0, 3.0]


def test_where_needs_a_bool_condition():
    with pytest.raises(TypeError, match="bool"):
        minigrad.where(minigrad.tensor([1.0]), minigrad.tensor([1.0]), minigrad.tensor([2.0]))


def test_masked_fill(leaf):
    x = leaf(2, 3)
    mask = minigrad.tensor([[True, False, False], [False, False, True]])
    out = x.masked_fill(mask, -1e9)
    expected = np.where(mask.numpy(), -1e9, x.detach().numpy())
    np.testing.assert_array_equal(out.detach().numpy(), expected)
    out.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 1.0], [1.0, 1.0, 0.0]]


# -------------------------------------------------------- dtype promotion
@pytest.mark.parametrize(
    "make, dtype",
    [
        (lambda: minigrad.tensor([1, 2]) + 0.5, minigrad.float32),
        (lambda: 0.5 * minigrad.tensor([1, 2]), minigrad.float32),
        (lambda: minigrad.tensor([1.0, 2.0]) + minigrad.tensor([1, 2]), minigrad.float32),
        (lambda: minigrad.tensor([1, 2]) * minigrad.tensor([1.0, 2.0]), minigrad.float32),
        (lambda: minigrad.tensor([1.0], dtype=minigrad.float64) + minigrad.tensor([1, 2]), minigrad.float64),
        (lambda: minigrad.tensor([1, 2]) / minigrad.tensor([2, 4]), minigrad.float32),
        (lambda: minigrad.tensor([1, 2]) / 2, minigrad.float32),
        (lambda: 1 / minigrad.tensor([1, 2]), minigrad.float32),
        (lambda: minigrad.tensor([1, 2]) + minigrad.tensor([1, 2]), minigrad.int64),
        (lambda: minigrad.tensor([1, 2]) * 3, minigrad.int64),
        (lambda: minigrad.tensor([1.0]) + minigrad.tensor([1.0], dtype=minigrad.float64), minigrad.float64),
        (lambda: minigrad.tensor([1.0]) * 2, minigrad.float32),
        (lambda: minigrad.tensor([1.0]) * 2.5, minigrad.float32),
        # NumPy scalars count as Python numbers, as in PyTorch: they do not turn float32 into float64.
        (lambda: minigrad.tensor([1.0]) * np.sqrt(2.0), minigrad.float32),
        (lambda: np.float64(2.0) * minigrad.tensor([1.0]), minigrad.float32),
        (lambda: minigrad.tensor([1, 2]) * np.float64(0.5), minigrad.float32),
        (lambda: minigrad.tensor([1, 2]) + np.int64(1), minigrad.int64),
    ],
)
def test_type_promotion_follows_pytorch(make, dtype):
    assert make().dtype == dtype


def test_int_division_values():
    assert (minigrad.tensor([1, 3]) / minigrad.tensor([2, 2])).tolist() == [0.5, 1.5]


def test_gradient_of_a_promoted_operation_has_the_leaf_dtype():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x * minigrad.tensor([3, 4])).sum().backward()
    assert x.grad.dtype == minigrad.float32 and x.grad.tolist() == [3.0, 4.0]


def test_float32_stays_float32_through_every_operation():
    x = minigrad.tensor([0.5, 1.5], requires_grad=True)
    y = ((x * 2 + 1) / 3 - 0.5) ** 2
    y = minigrad.maximum(y.exp().log().sqrt().abs().clamp(0, 5), 0.1)
    assert y.dtype == minigrad.float32
    y.sum().backward()
    assert x.grad.dtype == minigrad.float32


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
def test_shapes_that_do_not_broadcast_name_the_operation_and_both_shapes(op):
    with pytest.raises(minigrad.ShapeError, match=rf"{op}: shapes \(2, 3\) and \(4, 3\) cannot be broadcast"):
        getattr(minigrad, op)(minigrad.ones(2, 3), minigrad.ones(4, 3))


def test_a_shape_error_is_also_a_value_error_and_a_runtime_error():
    with pytest.raises(ValueError):
        minigrad.ones(2) + minigrad.ones(3)
    with pytest.raises(RuntimeError):
        minigrad.ones(2) + minigrad.ones(3)


def test_where_that_does_not_broadcast():
    with pytest.raises(minigrad.ShapeError, match=r"where: shapes \(2,\) and \(3,\)"):
        minigrad.where(minigrad.tensor([True, False]), minigrad.ones(2), minigrad.ones(3))


def test_clamp_needs_a_bound():
    with pytest.raises(ValueError, match="clamp"):
        minigrad.ones(2).clamp()


# --------------------------------------------------------------- properties
float_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    elements=st.floats(-10, 10, allow_nan=False),
)


@settings(max_examples=40, deadline=None)
@given(float_arrays)
def test_property_add_and_mul_match_numpy_and_their_gradients_are_exact(array):
    x = minigrad.tensor(array, requires_grad=True)
    y = x * x + 3 * x
    np.testing.assert_allclose(y.detach().numpy(), array * array + 3 * array)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * array + 3)


@settings(max_examples=40, deadline=None)
@given(
    hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
)
def test_property_broadcast_gradients_have_the_input_shapes(shapes):
    a = minigrad.ones(*shapes.input_shapes[0], requires_grad=True)
    b = minigrad.ones(*shapes.input_shapes[1], requires_grad=True)
    out = a * b
    assert out.shape == shapes.result_shape
    out.sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    # Each input entry was used once per copy made by broadcasting.
    copies_a = int(np.prod(shapes.result_shape)) // max(a.numel(), 1)
    np.testing.assert_array_equal(a.grad.numpy(), np.full(a.shape, copies_a, dtype=np.float32))


def test_a_0d_float64_tensor_does_not_turn_a_float32_tensor_into_float64():
    # As in PyTorch, a 0-d tensor takes part in type promotion like a Python number.
    x = minigrad.ones(3)
    assert (x * minigrad.tensor(2.0, dtype=minigrad.float64)).dtype == minigrad.float32
    assert (minigrad.tensor(2.0, dtype=minigrad.float64) + x).dtype == minigrad.float32
    assert (x.double() * minigrad.tensor(2.0)).dtype == minigrad.float64


def test_converting_dtypes_passes_gradcheck(leaf):
    # ToDtype's backward converts g back: float64 -> float32 -> float64 keeps the gradient, rounded to float32.
    x = leaf(3, 4)
    assert gradcheck(lambda t: t.float().double() * 3, (x,), eps=1e-3, atol=1e-3)
    y = x.float()
    y.sum().backward()
    assert x.grad.dtype == minigrad.float64 and x.grad.tolist() == [[1.0] * 4] * 3
