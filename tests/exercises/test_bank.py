"""The bank: full marks are reachable, a fresh start scores zero, and the derive level gives no formula away."""
import ast
import re

import pytest

from minigrad.exercises import catalog, generate, grader

from .helpers import COURSE, SOLUTIONS, by_name, solved

LECTURE = ["logistic_regression", "minibatch_gradient", "perceptron", "softmax_temperature", "backprop_two_layer"]
NAMES = LECTURE + ["sigmoid", "tanh", "relu", "linear", "cross_entropy", "embedding", "conv1d", "maxpool_time",
                   "dropout", "batchnorm1d", "sgd_momentum", "adam", "gradient_check", "rnn_cell", "lstm_cell", "bptt",
                   "attention", "crf_forward", "crf_viterbi"]

# The backward formulas of the guided texts (and of the solutions): none may appear at the derive level.
FORMULAS = {
    "logistic_regression": ["p - y", "X^T (p - y)", "X.T @ (p - y)", "(p_n - y_n) x_n"],
    "minibatch_gradient": ["N/B", "N / B) *", "len(y) / len(batch)", "(x_n . w - y_n) x_n", "C(N-1, B-1)"],
    "perceptron": ["w + lr y x", "w <- w + lr", "-y x for w"],
    "softmax_temperature": ["p_k (delta_kj - p_j)", "(g[n, j] - sum_k", "/ ctx.T", "(grad_output - inner)"],
    "backprop_two_layer": ["(P - Y) / N", "dL/dz2^T h", "(1 - h^2)", "(1 - h * h)", "grad_z2.T @ h"],
    "sigmoid": ["y * (1 - y)", "y(1 - y)"],
    "tanh": ["1 - y^2", "1 - y * y", "1 - y**2"],
    "relu": ["g where x > 0"],
    "linear": ["g W", "g^T x", "grad_output @ weight", "grad_output.T @ x"],
    "cross_entropy": ["p - Y", "p - y", "(p - y)"],
    "embedding": ["np.add.at(grad", "sum over positions"],
    "conv1d": ['einsum("noi,oc->nci"', "dL/dW[o, c, k] ="],
    "maxpool_time": ["put_along_axis(grad", "= g[n, c] if"],
    "dropout": ["g * m", "g * keep"],
    "batchnorm1d": ["N * d - sum_n d", "sum over n of g * x_hat", "(N d - sum"],
    "sgd_momentum": [],
    "adam": [],
    "gradient_check": ["(plus - minus) / (2 * eps)", "f'(x) + eps^2"],
    "rnn_cell": ["1 - h'^2", "dL/da W_ih", "dL/da^T x", "grad_a @ w_ih"],
    "lstm_cell": ["dc + dh * o", "dc_total * f", "i (1 - i)", "dL/da_g =", "dh * tanh(c')"],
    "bptt": ["grad_output[t] + dh", "1 - h_t^2", "da_t W_hh", "da_t^T x_t", "da @ w_hh"],
    "attention": ["w^T g", "g v^T", "rowsum(w * dL/dw)", "delta_jm", "dL/ds k"],
    "crf_forward": ["logsumexp_i (alpha_{t-1}[i] + transitions[i, j])", "m + log sum exp(a - m)",
                    "alpha_0[j] = start[j]", "alpha[:, None] + transitions"],
    "crf_viterbi": ["max_i (delta_{t-1}[i] + transitions[i, j])", "y_{t-1} = back_t[y_t]", "argmax_i",
                    "back[t, tags[t]]"],
}


@pytest.fixture(scope="module")
def full_marks(tmp_path_factory):
    return grader.grade_folder(solved(tmp_path_factory.mktemp("key"), NAMES), NAMES, COURSE)


def test_the_bank_keeps_the_lessons_names():
    assert [e.name for e in catalog.select()] == NAMES


def test_the_reference_solutions_score_full_marks(full_marks):
    failed = {r["name"]: [c["message"] for c in r["checks"] if not c["passed"]] for r in full_marks["exercises"]
              if r["status"] != "pass"}
    assert not failed
    assert full_marks["points"] == full_marks["max_points"] == 10 * len(NAMES)


def test_graded_runs_draw_other_and_larger_inputs(tmp_path):
    graded = grader.grade_folder(solved(tmp_path, ["linear", "conv1d"]), ["linear", "conv1d"],
                                 COURSE.__class__(timeout=20.0, seed=31337, scale=3))
    assert graded["points"] == 20
    plan_a = catalog.get("linear").checks[0].build(__import__("numpy").random.default_rng([1, 0, 0]), 1)
    plan_b = catalog.get("linear").checks[0].build(__import__("numpy").random.default_rng([1, 0, 0]), 3)
    assert plan_b.arrays["a0"].shape[0] == 3 * plan_a.arrays["a0"].shape[0]


def test_a_fresh_start_scores_zero_as_not_implemented(tmp_path):
    generate.write_assignment(tmp_path, NAMES)
    result = grader.grade_folder(tmp_path, NAMES, COURSE)
    assert result["points"] == 0
    assert {r["status"] for r in result["exercises"]} == {"not implemented"}


@pytest.mark.parametrize("name", NAMES)
def test_the_derive_level_states_no_backward_formula(name):
    exercise = catalog.get(name)
    student = exercise.student_file("derive")
    for formula in FORMULAS[name]:
        assert formula not in student, f"{name}: {formula!r} is in the derive-level file"
        assert formula not in "\n".join(exercise.hints[:1]), f"{name}: the first hint gives {formula!r} away"
    assert "raise NotImplementedError" in student
    compile(student, exercise.file_name, "exec")


@pytest.mark.parametrize("name", NAMES)
def test_each_solution_fills_exactly_its_skeleton(name):
    """Same top-level names and classes as the skeleton, so the solution is what a student hands in."""
    def names(source):
        tree = ast.parse(source)
        return sorted(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)))

    skeleton = catalog.get(name).module.SKELETON
    assert names((SOLUTIONS / f"{name}.py").read_text()) == names(skeleton)
    assert "NotImplementedError" not in (SOLUTIONS / f"{name}.py").read_text()


@pytest.mark.parametrize("name", NAMES)
def test_each_exercise_names_the_library_version(name):
    text = catalog.get(name).student_file("derive")
    assert re.search(r"``minigrad/(nn|ops|optim)/\w+\.py``|``minigrad/gradcheck\.py``", text)


def test_the_guided_level_keeps_the_formulas():
    assert "y * (1 - y)" in catalog.get("sigmoid").student_file("guided")
    assert "g^T x" in catalog.get("linear").student_file("guided")


def test_full_marks_table_and_json_shape(full_marks):
    table = grader.format_table(full_marks)
    assert f"{10 * len(NAMES)}/{10 * len(NAMES)}" in table
    linear = by_name(full_marks)["linear"]
    assert [c["key"] for c in linear["checks"]] == ["forward", "forward_float32", "backward", "backward_float32",
                                                    "fast"]


def test_list_shows_the_lesson_of_each_exercise_in_the_lectures_order(capsys):
    from minigrad.exercises.__main__ import main

    assert main(["list"]) == 0
    rows = [row.split() for row in capsys.readouterr().out.split("\n\n")[0].splitlines()[1:]]
    assert sorted(row[0] for row in rows) == sorted(NAMES)
    lessons = [int(row[1]) for row in rows]
    assert lessons == sorted(lessons)
    assert {row[0]: int(row[1]) for row in rows if row[0] in LECTURE} == {
        "logistic_regression": 1, "minibatch_gradient": 2, "perceptron": 3, "softmax_temperature": 6,
        "backprop_two_layer": 7}
