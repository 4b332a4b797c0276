"""The graph and backward: accumulation along every path, deep graphs, errors, no_grad, anomaly mode, Function."""
import numpy as np
import pytest

import minigrad
from minigrad import Function, autograd


# ------------------------------------------------------------- graph shapes
def test_a_tensor_used_twice_gets_the_sum_of_both_paths():
    x = minigrad.tensor(3.0, requires_grad=True)
    (x * x).backward()  # both factors are x: d(x^2)/dx = 2x
    assert x.grad.item() == 6.0


def test_diamond_graph_sums_both_branches():
    x = minigrad.tensor([1.0, -2.0], requires_grad=True)
    a = x * 2
    b = x.exp()
    y = (a * b).sum()  # dy/dx = 2 e^x + 2x e^x
    y.backward()
    expected = 2 * np.exp([1.0, -2.0]) * (1 + np.array([1.0, -2.0]))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_deep_diamonds_are_each_counted_once_per_path():
    x = minigrad.tensor(1.0, dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(20):
        y = y + y  # each level doubles the number of paths
    y.backward()
    assert x.grad.item() == 2.0**20


def test_a_chain_of_100000_operations_backpropagates_without_recursion_error():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = -y
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]  # an even number of sign flips


def test_gradients_reach_only_what_requires_grad():
    w = minigrad.tensor([2.0], requires_grad=True)
    data = minigrad.tensor([5.0])
    (w * data).sum().backward()
    assert w.grad.tolist() == [5.0] and data.grad is None


def test_backward_from_a_leaf():
    x = minigrad.tensor(2.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


# ------------------------------------------------------------------ errors
def test_backward_on_a_non_scalar_without_gradient_says_what_to_do():
    y = minigrad.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*\.sum\(\).*gradient="):
        y.backward()


def test_backward_on_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="does not require grad.*requires_grad=True"):
        (minigrad.ones(2) * 2).sum().backward()


def test_a_second_backward_through_a_freed_graph_says_retain_graph():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"MulBackward.*second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_in_place_change_after_use_is_detected():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with minigrad.no_grad():
        w.add_(1.0)
    with pytest.raises(RuntimeError, match=r"MulBackward.*modified in place.*clone"):
        y.backward()


def test_in_place_change_through_data_after_use_is_detected():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = w.exp().sum()
    w.data.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_in_place_change_before_use_is_fine():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with minigrad.no_grad():
        w.add_(1.0)
    (w * w).sum().backward()
    assert w.grad.tolist() == [4.0, 6.0]


# ----------------------------------------------------------------- no_grad
def test_no_grad_as_a_context_manager():
    x = minigrad.ones(2, requires_grad=True)
    with minigrad.no_grad():
        assert not minigrad.is_grad_enabled()
        y = x * 2
    assert minigrad.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None


def test_no_grad_as_a_decorator_with_and_without_parentheses():
    x = minigrad.ones(2, requires_grad=True)

    @minigrad.no_grad()
    def double(t):
        return t * 2

    @minigrad.no_grad
    def triple(t):
        return t * 3

    assert not double(x).requires_grad and not triple(x).requires_grad
    assert triple(x).tolist() == [3.0, 3.0]
    assert (x * 2).requires_grad


def test_no_grad_is_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with minigrad.no_grad():
            1 / 0
    assert minigrad.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = minigrad.ones(2, requires_grad=True)
    with minigrad.no_grad():
        with minigrad.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad


# ----------------------------------------------------------- anomaly mode
def test_detect_anomaly_names_the_forward_that_made_nan():
    x = minigrad.tensor([1.0, -1.0], requires_grad=True)
    with minigrad.detect_anomaly():
        y = x * 2
        with pytest.raises(FloatingPointError, match="forward of Log produced NaN"):
            y.log()


def test_detect_anomaly_names_the_backward_that_made_inf():
    x = minigrad.tensor([0.0, 4.0], requires_grad=True)
    with minigrad.detect_anomaly():
        y = x.sqrt().sum()  # sqrt(0) = 0 is fine; its slope 1 / (2 sqrt(0)) is not
        with pytest.raises(FloatingPointError, match=r"SqrtBackward.*produced Inf") as info:
            y.backward()
    assert "test_autograd.py" in str(info.value)  # where the forward call was made


def test_detect_anomaly_names_the_backward_that_made_nan():
    x = minigrad.tensor([0.0, 4.0], requires_grad=True)
    with minigrad.detect_anomaly():
        y = (x.sqrt() * 0).sum()  # the gradient reaching sqrt is 0, and 0 / (2 sqrt(0)) = 0 / 0
        with pytest.raises(FloatingPointError, match=r"SqrtBackward \(the gradient for argument 0\) produced NaN"):
            y.backward()


def test_without_anomaly_mode_nan_passes_silently():
    x = minigrad.tensor([-1.0], requires_grad=True)
    y = x.log()
    assert np.isnan(y.item())


# ------------------------------------------------------ user-defined Function
class Cube(Function):
    """y = x^3;   dL/dx = 3 x^2 g"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * g


class ScaledAdd(Function):
    """y = a + k b for a number k;   dL/da = g,   dL/db = k g,   nothing for k"""

    seen_needs = None

    @staticmethod
    def forward(ctx, a, b, k):
        ctx.k = k
        ScaledAdd.seen_needs = ctx.needs_input_grad
        return a + k * b

    @staticmethod
    def backward(ctx, g):
        grad_a = g if ctx.needs_input_grad[0] else None
        grad_b = ctx.k * g if ctx.needs_input_grad[1] else None
        return grad_a, grad_b, None


def test_a_user_defined_function_records_the_graph():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x)
    assert isinstance(y, minigrad.Tensor) and y.tolist() == [1.0, 8.0]
    assert repr(y.grad_fn) == "<CubeBackward>"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 12.0]


def test_needs_input_grad_says_which_arguments_want_a_gradient():
    a = minigrad.tensor([1.0], requires_grad=True)
    b = minigrad.tensor([2.0])
    y = ScaledAdd.apply(a, b, 10.0)
    assert ScaledAdd.seen_needs == (True, False, False)
    y.sum().backward()
    assert a.grad.tolist() == [1.0] and b.grad is None
    b.requires_grad_()
    ScaledAdd.apply(a, b, 10.0).sum().backward()
    assert b.grad.tolist() == [10.0]


def test_a_user_defined_function_passes_gradcheck(leaf):
    assert minigrad.gradcheck(Cube.apply, (leaf(2, 3),))


def test_backward_returning_the_wrong_number_of_gradients():
    class Forgetful(ScaledAdd):
        @staticmethod
        def backward(ctx, g):
            return g  # forgot the gradients of b and k

    a = minigrad.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"ForgetfulBackward.*1 gradient.*3 argument"):
        Forgetful.apply(a, a, 1.0).sum().backward()


def test_backward_returning_a_gradient_of_the_wrong_shape():
    class Transposing(Function):
        @staticmethod
        def forward(ctx, x):
            return x.T.copy()

        @staticmethod
        def backward(ctx, g):
            return g  # forgot to transpose back

    x = minigrad.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"TransposingBackward.*\(3, 2\).*\(2, 3\)"):
        Transposing.apply(x).sum().backward()


def test_gradients_in_the_broadcast_shape_are_summed_to_the_input_shape():
    class AddBias(Function):
        @staticmethod
        def forward(ctx, x, b):
            return x + b

        @staticmethod
        def backward(ctx, g):
            return g, g  # g has x's shape (3, 2); the engine sums it down for b (2,)

    x = minigrad.ones(3, 2, requires_grad=True)
    b = minigrad.ones(2, requires_grad=True)
    AddBias.apply(x, b).sum().backward()
    assert b.grad.tolist() == [3.0, 3.0]


@pytest.mark.parametrize(
    "grad_shape, input_shape, summed",
    [((4, 3), (3,), (0,)), ((4, 3), (1, 3), (0,)), ((2, 4, 3), (4, 1), (0, 2)), ((5,), (5,), ())],
)
def test_sum_to_shape(grad_shape, input_shape, summed):
    g = np.arange(np.prod(grad_shape), dtype=float).reshape(grad_shape)
    expected = g.sum(axis=summed).reshape(input_shape) if summed else g
    np.testing.assert_array_equal(autograd.sum_to_shape(g, input_shape), expected)


def test_saved_tensors_are_freed_after_backward():
    x = minigrad.tensor([1.0], requires_grad=True)
    y = Cube.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.grad_fn.saved_tensors


# ---------------------------------------------------------- autograd.grad
def test_autograd_grad_returns_gradients_without_touching_grad():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    w = minigrad.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()
    gx, gw = autograd.grad(y, [x, w])
    assert gx.tolist() == [3.0, 4.0] and gw.tolist() == [1.0, 2.0]
    assert x.grad is None and w.grad is None


def test_autograd_grad_of_a_single_input_and_an_unused_one():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    unused = minigrad.tensor([5.0], requires_grad=True)
    assert autograd.grad((x * x).sum(), x).tolist() == [2.0, 4.0]
    assert autograd.grad((x * x).sum(), [unused])[0].tolist() == [0.0]


def test_autograd_grad_with_respect_to_an_intermediate_tensor():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    (gh,) = autograd.grad(y, [h], retain_graph=True)
    assert gh.tolist() == [6.0, 12.0]
    y.backward()
    assert x.grad.tolist() == [18.0, 36.0]


def test_autograd_grad_with_grad_outputs():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    g = autograd.grad(x * x, x, grad_outputs=minigrad.tensor([1.0, -1.0]))
    assert g.tolist() == [2.0, -4.0]


def test_autograd_grad_of_an_output_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="autograd.grad: the output does not require grad"):
        autograd.grad(minigrad.ones(2).sum(), [minigrad.ones(2)])


def test_changing_a_no_grad_input_in_place_before_backward_is_caught():
    # Mul saved x for dL/dw = g * x; a later x[0] = 9 would silently change that gradient.
    w = minigrad.ones(3, requires_grad=True)
    x = minigrad.tensor([1.0, 2.0, 3.0])
    y = (w * x).sum()
    x[0] = 9.0
    with pytest.raises(RuntimeError, match="modified in place after this operation used it"):
        y.backward()
