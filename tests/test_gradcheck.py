"""gradcheck compares backward with central differences and explains what went wrong.

Each planted bug below is a mistake students really make when writing a
backward pass.  gradcheck must fail on it with a report that names the
input, its shape, how many Jacobian entries disagree, the worst entries, and
a hint that points at the bug.
"""
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import Function, GradcheckError, gradcheck


def failure_report(fn, inputs):
    with pytest.raises(GradcheckError) as info:
        gradcheck(fn, inputs)
    return str(info.value)


# ------------------------------------------------------------ correct ones pass
class MatMul(Function):
    """y = A @ B;   dL/dA = g @ B^T,   dL/dB = A^T @ g"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g @ b.T, a.T @ g


class AddBias(Function):
    """y = x + b, b broadcast over rows;   dL/dx = g,   dL/db = g summed over rows"""

    @staticmethod
    def forward(ctx, x, b):
        return x + b

    @staticmethod
    def backward(ctx, g):
        return g, g.sum(axis=0)


class Square(Function):
    """y = x^2;   dL/dx = 2 x g"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


class Tanh(Function):
    """y = tanh(x);   dL/dx = g (1 - y^2)"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tanh(x)  # the array module of x: NumPy, or CuPy on a GPU
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (1 - y * y)


@pytest.mark.parametrize(
    "function, shapes",
    [
        (MatMul, [(2, 3), (3, 4)]),
        (MatMul, [(3, 3), (3, 3)]),
        (AddBias, [(3, 4), (4,)]),
        (Square, [(5,)]),
        (Tanh, [(2, 3)]),
    ],
)
def test_correct_functions_pass(function, shapes, leaf, device):
    assert gradcheck(function.apply, tuple(leaf(*s, device=device) for s in shapes)) is True


def test_builtin_operations_pass(leaf, device):
    assert gradcheck(lambda a, b: (a @ b).tanh().sum(dim=1), (leaf(2, 3, device=device), leaf(3, 4, device=device)))


def test_non_tensor_arguments_are_passed_through(leaf):
    assert gradcheck(lambda x, k: x * k, (leaf(3), 2.5))


def test_several_outputs_are_each_checked(leaf):
    assert gradcheck(lambda x: (x.exp(), x * 3), (leaf(2, 2),))


# ------------------------------------------------------------- planted bugs
class MatMulMissingTranspose(MatMul):
    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g @ b, a.T @ g  # bug: g @ b instead of g @ b.T


def test_missing_transpose_in_a_non_square_matmul_is_a_shape_error(leaf):
    report = failure_report(MatMulMissingTranspose.apply, (leaf(2, 3), leaf(3, 4)))
    assert "ValueError" in report
    assert "(2, 3)" in report and "(3, 4)" in report
    assert "hint: " in report and "transpose is missing" in report
    assert "g @ B^T" in report


def test_missing_transpose_in_a_square_matmul_is_values_in_the_wrong_places(leaf):
    report = failure_report(MatMulMissingTranspose.apply, (leaf(3, 3), leaf(3, 3)))
    assert "gradcheck failed for input 0 (shape (3, 3)" in report
    assert "of 81 Jacobian entries disagree" in report
    assert "worst entries" in report
    assert "same values as the numerical one, but in the wrong places" in report
    assert "transpose is missing" in report


class TransposeForgottenInBackward(Function):
    """y = x^T, whose backward should transpose g back but does not."""

    @staticmethod
    def forward(ctx, x):
        return x.T

    @staticmethod
    def backward(ctx, g):
        return g  # bug: should be g.T


def test_a_gradient_in_the_transposed_shape_is_named(leaf):
    report = failure_report(TransposeForgottenInBackward.apply, (leaf(2, 3),))
    assert "shape (3, 2)" in report and "(2, 3)" in report
    assert "transposed shape (3, 2)" in report and "transpose is missing or extra" in report


def test_a_square_transposed_gradient_is_recognised(leaf):
    report = failure_report(TransposeForgottenInBackward.apply, (leaf(3, 3),))
    assert "hint: the analytical gradient is the numerical one transposed" in report


class AddBiasFirstRowOnly(AddBias):
    @staticmethod
    def backward(ctx, g):
        return g, g[0]  # bug: the bias was used by every row, but only row 0 counts


class AddBiasMean(AddBias):
    @staticmethod
    def backward(ctx, g):
        return g, g.mean(axis=0)  # bug: mean instead of sum over the broadcast rows


def test_forgotten_sum_over_a_broadcast_dimension_loses_contributions(leaf):
    report = failure_report(AddBiasFirstRowOnly.apply, (leaf(3, 4), leaf(4)))
    assert "gradcheck failed for input 1 (shape (4,), minigrad.float64)" in report
    # Rows 1 and 2 of the output each miss their 4 entries.
    assert "8 of 48 Jacobian entries disagree" in report
    assert "hint: the analytical gradient is zero at some entries" in report
    assert "is a sum or an accumulation" in report


def test_mean_instead_of_sum_over_a_broadcast_dimension_names_the_factor(leaf):
    report = failure_report(AddBiasMean.apply, (leaf(3, 4), leaf(4)))
    assert "input 1 (shape (4,)" in report
    assert "12 of 48 Jacobian entries disagree" in report
    assert "0.3333 times the numerical one" in report
    assert "3 is the size of a dimension, so a sum and a mean may be mixed up" in report


class SquareCountedTwice(Square):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g + 2 * x * g  # bug: the same contribution added twice


def test_double_counting_is_a_factor_of_two(leaf):
    report = failure_report(SquareCountedTwice.apply, (leaf(2, 3),))
    assert "gradcheck failed for input 0 (shape (2, 3)" in report
    assert "6 of 36 Jacobian entries disagree" in report
    assert "2 times the numerical one everywhere" in report
    assert "counted twice" in report


class TanhWrongSign(Tanh):
    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (y * y - 1)  # bug: 1 - y^2 written backwards


def test_sign_error(leaf, device):
    report = failure_report(TanhWrongSign.apply, (leaf(4, device=device),))
    assert "input 0 (shape (4,)" in report
    assert "4 of 16 Jacobian entries disagree" in report
    assert "hint: the analytical gradient has the wrong sign everywhere" in report


class TanhZeroGradient(Tanh):
    @staticmethod
    def backward(ctx, g):
        return g * 0  # bug: forgot to write the derivative


def test_all_zero_analytical_gradient(leaf):
    report = failure_report(TanhZeroGradient.apply, (leaf(3),))
    assert "hint: the analytical gradient is zero everywhere" in report


def test_a_detach_inside_fn_gives_the_zero_gradient_hint(leaf):
    report = failure_report(lambda x: x.detach() * x.detach() + 0 * x, (leaf(3),))
    assert "detach()" in report and "zero everywhere" in report


class SqrtOfSquare(Function):
    """y = sqrt(x^2 + 1) written with a backward that divides by x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sqrt(x * x + 1)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g * x * x / (x * np.sqrt(x * x + 1))  # bug: x / x is NaN at x = 0


def test_nan_in_the_analytical_gradient_is_a_failure_not_a_pass():
    x = minigrad.tensor([0.0, 1.0, -2.0], dtype=minigrad.float64, requires_grad=True)
    report = failure_report(SqrtOfSquare.apply, (x,))
    # 0 * NaN is NaN: the whole column of input 0 is NaN, even where the output does not depend on it.
    assert "3 of 9 Jacobian entries disagree" in report
    rows = [line.split() for line in report.splitlines() if line.strip().startswith("(")]
    assert [row[1] for row in rows] == ["(0,)"] * 3 and all(row[3] == "nan" for row in rows)
    assert "hint: the analytical gradient holds NaN or Inf" in report and "detect_anomaly" in report


class WrongShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum(axis=1)

    @staticmethod
    def backward(ctx, g):
        return np.ones((5, 7))  # bug: a gradient that fits no input shape


def test_a_gradient_of_the_wrong_shape_fails_with_both_shapes(leaf):
    report = failure_report(WrongShape.apply, (leaf(2, 3),))
    assert "(5, 7)" in report and "(2, 3)" in report


def test_mismatches_only_at_a_kink_are_recognised():
    x = minigrad.tensor([-1.0, 0.0, 1.5, 0.0], dtype=minigrad.float64, requires_grad=True)
    report = failure_report(minigrad.relu, (x,))
    assert "2 of 16 Jacobian entries disagree" in report
    assert "hint: entries disagree only where the function has a kink" in report


def test_the_table_lists_the_worst_entries_with_both_values(leaf):
    report = failure_report(SquareCountedTwice.apply, (leaf(3),))
    lines = report.splitlines()
    header = next(line for line in lines if "output k" in line)
    assert header.split() == ["output", "k", "input", "j", "numerical", "analytical", "abs", "err", "rel", "err"]
    rows = [line.split() for line in lines[lines.index(header) + 1 :] if line.strip().startswith("(")]
    assert len(rows) == 3
    for output_k, input_j, numerical, analytical, abs_err, _ in rows:
        assert output_k == input_j  # y = x^2 is elementwise: only diagonal entries are non-zero
        assert float(analytical) == pytest.approx(2 * float(numerical), rel=1e-4)
        assert float(abs_err) == pytest.approx(abs(float(numerical)), rel=0.1)


def test_only_the_worst_entries_are_listed(leaf):
    report = failure_report(SquareCountedTwice.apply, (leaf(20),))
    assert "20 of 400" in report
    assert sum(line.strip().startswith("(") for line in report.splitlines()) == 6


# ------------------------------------------------------------------ options
def test_raise_exception_false_returns_false_and_warns(leaf):
    with pytest.warns(UserWarning, match="sign"):
        assert gradcheck(TanhWrongSign.apply, (leaf(3),), raise_exception=False) is False


def test_non_float64_inputs_are_warned_about_and_checked_in_float64():
    x = minigrad.tensor([0.5, -1.0, 2.0], requires_grad=True)  # float32
    with pytest.warns(UserWarning, match="float64"):
        assert gradcheck(Tanh.apply, (x,))


def test_float64_inputs_give_no_warning(leaf):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(Tanh.apply, (leaf(3),))


def test_inputs_that_do_not_require_grad_are_not_checked(leaf):
    constant = minigrad.tensor(np.array([1.0, 2.0, 3.0]))
    assert gradcheck(lambda x, c: SquareCountedTwice.apply(c) + x, (leaf(3), constant))


def test_nothing_to_check_is_an_error():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda x: x * 2, (minigrad.tensor([1.0], dtype=minigrad.float64),))


def test_gradcheck_leaves_the_inputs_unchanged(leaf):
    x = leaf(2, 3)
    before = x.detach().numpy().copy()
    gradcheck(lambda t: (t * t).sum(), (x,))
    np.testing.assert_array_equal(x.detach().numpy(), before)
    assert x.grad is None
