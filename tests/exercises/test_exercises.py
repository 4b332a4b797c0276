"""The exercise bank and its autograder (issue 6).

What is checked:
- the reference solutions score full marks, an untouched assignment scores 0
  with "not implemented" for every exercise;
- each planted bug fails exactly the exercise it breaks, with a hint that
  names the cause;
- the grader survives code that loops forever, prints a lot, raises, returns
  the wrong shape or dtype, or ends the process;
- grades repeat, --json parses, and no solution text or bytecode reaches the
  student's folder.

Every grading starts one process per exercise, so the tests grade only the
exercises they need, with short time limits.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from minigrad.exercises import catalog, generate, grader

from .mutations import BUGS, EXTRA_BUGS

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 20.0  # generous: CI machines are slow; the endless-loop test uses its own short limit


def solved(directory, names=None):
    generate.write_solutions(directory, names)
    return Path(directory)


def mutate(directory, name, edits):
    path = Path(directory) / f"{name}.py"
    source = path.read_text()
    for old, new in edits:
        assert old in source, f"the planted bug's text is not in {name}.py: {old!r}"
        source = source.replace(old, new)
    path.write_text(source)


def by_name(result):
    return {r["name"]: r for r in result["exercises"]}


def text_of(exercise_result):
    """Everything a student reads about one exercise: reasons, messages, reports, hints."""
    parts = [exercise_result.get("reason") or ""]
    for check in exercise_result["checks"]:
        parts += [check["message"] or "", check["report"] or "", check["hint"] or ""]
    return "\n".join(parts)


def replace_region(name, body):
    """The reference solution of ``name`` with the body of ``backward`` replaced by ``body``."""
    source = generate.solution_source(name, catalog.get(name).solution_path.read_text())
    head, _, rest = source.partition("    def backward(ctx, grad_output):\n")
    tail = rest[rest.index("\n\n\n") :]
    return head + "    def backward(ctx, grad_output):\n" + body + tail


# ---------------------------------------------------------------------------------------- full and zero
@pytest.fixture(scope="module")
def solutions_result(tmp_path_factory):
    return grader.grade(solved(tmp_path_factory.mktemp("solutions")), timeout=TIMEOUT)


def test_reference_solutions_score_full_marks(solutions_result):
    failed = {r["name"]: text_of(r) for r in solutions_result["exercises"] if r["status"] != "pass"}
    assert not failed
    assert solutions_result["points"] == solutions_result["max_points"] == 10 * len(catalog.EXERCISES)
    assert [r["name"] for r in solutions_result["exercises"]] == [e.name for e in catalog.EXERCISES]


def test_untouched_assignment_scores_zero_with_not_implemented(tmp_path):
    generate.write_assignment(tmp_path)
    result = grader.grade(tmp_path, timeout=TIMEOUT)
    assert result["points"] == 0
    assert len(result["exercises"]) == len(catalog.EXERCISES)
    for r in result["exercises"]:
        assert r["status"] == "not implemented", (r["name"], text_of(r))
        assert r["reason"].startswith(f"not implemented: {r['name']}: ")
    table = grader.format_table(result)
    assert table.count("not implemented:") == len(catalog.EXERCISES)


def test_the_bank_covers_the_issue():
    names = {e.name for e in catalog.EXERCISES}
    assert names >= {"sigmoid", "tanh", "relu", "linear", "cross_entropy", "embedding", "conv1d", "maxpool_time",
                     "dropout", "batchnorm1d", "sgd_momentum", "adam", "gradient_check"}
    for e in catalog.EXERCISES:
        assert e.difficulty in {"easy", "medium", "hard"} and e.topic and e.points == 10
        source = e.solution_path.read_text()
        docstring = source.split('"""')[1]
        assert "Task" in docstring and "Derive" in docstring and "Graded" in docstring, e.name
        assert generate.regions(source, e.name), e.name


# ---------------------------------------------------------------------------------------- planted bugs
@pytest.fixture(scope="module")
def buggy_result(tmp_path_factory):
    """One submission with a planted bug in each of several exercises; the rest are right."""
    directory = solved(tmp_path_factory.mktemp("buggy"))
    mutated = set()
    for _, name, edits, _ in BUGS + EXTRA_BUGS:
        if name not in mutated:  # one bug per file; the other bugs of a file are graded alone below
            mutate(directory, name, edits)
            mutated.add(name)
    return grader.grade(directory, timeout=TIMEOUT), mutated


def test_planted_bugs_fail_exactly_the_exercises_they_break(buggy_result):
    result, mutated = buggy_result
    statuses = {name: r["status"] for name, r in by_name(result).items()}
    assert {name for name, status in statuses.items() if status != "pass"} == mutated
    assert all(statuses[name] == "fail" for name in mutated)
    assert all(by_name(result)[name]["points"] < 10 for name in mutated)


def _first_bug_of_each_file():
    seen, first = set(), []
    for bug in BUGS + EXTRA_BUGS:
        if bug[1] not in seen:
            seen.add(bug[1])
            first.append(bug)
    return first


@pytest.mark.parametrize("bug", _first_bug_of_each_file(), ids=lambda bug: bug[0])
def test_planted_bug_gets_a_hint_that_names_the_cause(buggy_result, bug):
    description, name, _, words = bug
    text = text_of(by_name(buggy_result[0])[name]).lower()
    for word in words:
        assert word.lower() in text, f"{description}: the feedback does not mention {word!r}:\n{text}"


@pytest.mark.parametrize("bug", [b for b in BUGS + EXTRA_BUGS if b not in _first_bug_of_each_file()],
                         ids=lambda bug: bug[0])
def test_other_planted_bugs_of_the_same_file(tmp_path, bug):
    description, name, edits, words = bug
    directory = solved(tmp_path, [name])
    mutate(directory, name, edits)
    (r,) = grader.grade(directory, timeout=TIMEOUT)["exercises"]
    assert r["status"] == "fail"
    text = text_of(r).lower()
    for word in words:
        assert word.lower() in text, f"{description}: the feedback does not mention {word!r}:\n{text}"


def test_the_table_shows_the_gradcheck_report(buggy_result):
    table = grader.format_table(buggy_result[0])
    assert "gradcheck failed for input 0" in table
    assert "worst entries" in table and "hint:" in table
    assert "(input 0 = x (4, 5))" in table  # the line that names the inputs


def test_grades_repeat(buggy_result, tmp_path):
    result, _ = buggy_result
    again = grader.grade(result["directory"], ["embedding", "dropout", "gradient_check"], timeout=TIMEOUT)
    first = by_name(result)
    for r in again["exercises"]:
        assert r == first[r["name"]]


# ---------------------------------------------------------------------------------------- hostile code
def test_an_endless_loop_is_stopped_within_the_time_limit(tmp_path):
    directory = solved(tmp_path, ["sigmoid", "tanh"])
    (directory / "sigmoid.py").write_text(replace_region("sigmoid", "        while True:\n            pass\n"))
    start = time.monotonic()
    result = grader.grade(directory, timeout=3)
    elapsed = time.monotonic() - start
    loop, fine = result["exercises"]
    assert loop["status"] == "timeout" and loop["points"] == 0
    assert "time limit" in loop["reason"] and "3 s" in loop["reason"]
    assert fine["status"] == "pass"  # the next exercise is graded as usual
    assert elapsed < 3 + 10, elapsed
    assert "FAIL (time limit)" in grader.format_table(result)


def test_printing_a_lot_is_survived_and_truncated(tmp_path):
    directory = solved(tmp_path, ["sigmoid"])
    body = (
        "        import os\n"
        "        for i in range(3000):\n"
        "            print('debugging', i)\n"
        "        os.write(1, b'raw bytes ' * 20000)\n"
        "        (y,) = ctx.saved_tensors\n"
        "        return grad_output * y * (1 - y)\n"
    )
    (directory / "sigmoid.py").write_text(replace_region("sigmoid", body))
    result = grader.grade(directory, timeout=TIMEOUT)
    (r,) = result["exercises"]
    assert r["status"] == "pass" and r["points"] == 10
    assert r["output_chars"] > 200_000
    assert len(r["output"]) < 10_000
    assert "more characters not shown" in r["output"] and "more bytes not shown" in r["output"]
    assert "--show-output" in grader.format_table(result)
    assert "| debugging 0" in grader.format_table(result, show_output=True)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("        raise ZeroDivisionError('oops')\n", "ZeroDivisionError: oops"),
        ("        return grad_output.sum()\n", "has shape ()"),
        ("        (y,) = ctx.saved_tensors\n        return (grad_output * y * (1 - y)).astype('float64')\n",
         "dtype float64"),
        ("        return grad_output, grad_output\n", "backward returned 2 value(s)"),
        ("        import os\n        os._exit(3)\n", "ended without a result (exit code 3)"),
        ("        import sys\n        sys.exit(1)\n", "called exit()"),
    ],
    ids=["raises", "wrong shape", "wrong dtype", "too many gradients", "os._exit", "sys.exit"],
)
def test_broken_student_code_scores_zero_with_the_reason(tmp_path, body, expected):
    directory = solved(tmp_path, ["sigmoid"])
    (directory / "sigmoid.py").write_text(replace_region("sigmoid", body))
    (r,) = grader.grade(directory, timeout=TIMEOUT)["exercises"]
    text = text_of(r)
    assert expected in text, text
    assert r["status"] in {"fail", "error"}
    if expected == "dtype float64":
        assert r["points"] == 8  # only the float32 check fails
    else:
        assert r["points"] == 0


def test_the_line_of_an_exception_is_named(tmp_path):
    directory = solved(tmp_path, ["sigmoid"])
    (directory / "sigmoid.py").write_text(replace_region("sigmoid", "        raise ZeroDivisionError('oops')\n"))
    (r,) = grader.grade(directory, timeout=TIMEOUT)["exercises"]
    assert "(your file, line " in text_of(r) and "raise ZeroDivisionError('oops')" in text_of(r)


def test_a_file_that_does_not_import_scores_zero(tmp_path):
    directory = solved(tmp_path, ["relu"])
    (directory / "relu.py").write_text("def broken(:\n")
    (directory / "tanh.py").unlink(missing_ok=True)
    (r,) = grader.grade(directory, ["relu"], timeout=TIMEOUT)["exercises"]
    assert r["status"] == "error" and r["points"] == 0
    assert "importing relu.py failed: SyntaxError" in r["reason"]


def test_a_missing_file_scores_zero(tmp_path):
    directory = solved(tmp_path, ["relu"])
    result = grader.grade(directory, ["relu", "tanh"], timeout=TIMEOUT)
    assert by_name(result)["relu"]["status"] == "pass"
    assert by_name(result)["tanh"]["status"] == "missing"
    assert "start" in by_name(result)["tanh"]["reason"]


# ---------------------------------------------------------------------------------------- the student's files
def _region_lines(source):
    """The stripped lines inside the solution regions (hints aside)."""
    lines = source.splitlines()
    for begin, end, _, _ in generate.regions(source):
        for line in lines[begin + 1 : end]:
            if line.strip() and not line.strip().startswith(generate.HINT):
                yield line.strip()


def _outside_lines(source):
    """The stripped lines outside the regions: given to the student anyway."""
    lines = source.splitlines()
    inside = set()
    for begin, end, _, _ in generate.regions(source):
        inside.update(range(begin, end + 1))
    return {line.strip() for n, line in enumerate(lines) if n not in inside}


@pytest.mark.parametrize("exercise", catalog.EXERCISES, ids=lambda e: e.name)
def test_student_files_hold_no_solution(exercise):
    source = exercise.solution_path.read_text()
    student = generate.student_source(exercise.name, source)
    student_lines = {line.strip() for line in student.splitlines()}
    given = _outside_lines(source)  # e.g. `s = sigmoid(x)` is also in the provided, broken swish_backward
    leaked = [line for line in _region_lines(source) if line in student_lines and line not in given]
    assert not leaked
    assert generate.BEGIN not in student and generate.END not in student and generate.HINT not in student
    assert student.count("raise NotImplementedError(") == len(generate.regions(source))
    compile(student, exercise.file_name, "exec")


def test_solution_files_keep_the_code_and_drop_the_markers(tmp_path):
    for exercise in catalog.EXERCISES:
        source = exercise.solution_path.read_text()
        clean = generate.solution_source(exercise.name, source)
        assert generate.BEGIN not in clean and generate.HINT not in clean
        assert all(line in {l.strip() for l in clean.splitlines()} for line in _region_lines(source))


def test_start_writes_only_sources_and_check_writes_no_bytecode(tmp_path):
    written, skipped = generate.write_assignment(tmp_path, ["sigmoid", "linear"])
    assert sorted(written) == ["README.md", "assignment.json", "linear.py", "sigmoid.py"] and not skipped
    grader.grade(tmp_path, timeout=TIMEOUT)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "assignment.json", "linear.py", "sigmoid.py"]
    readme = (tmp_path / "README.md").read_text()
    assert "python -m minigrad.exercises check ." in readme and "gradcheck report" in readme


def test_start_never_overwrites_a_students_work(tmp_path):
    generate.write_assignment(tmp_path, ["relu"])
    (tmp_path / "relu.py").write_text("# my work\n")
    written, skipped = generate.write_assignment(tmp_path, ["relu"])
    assert skipped == ["relu.py"] and (tmp_path / "relu.py").read_text() == "# my work\n"
    generate.write_assignment(tmp_path, ["relu"], force=True)
    assert "NotImplementedError" in (tmp_path / "relu.py").read_text()


def test_malformed_regions_are_refused():
    with pytest.raises(generate.MarkerError, match="never closed"):
        generate.student_source("x", "def f():\n    # BEGIN SOLUTION\n    return 1\n")
    with pytest.raises(generate.MarkerError, match="without"):
        generate.student_source("x", "def f():\n    return 1\n    # END SOLUTION\n")
    stub = generate.student_source("x", "def f():\n    # BEGIN SOLUTION\n    # HINT: it's 1\n    return 1\n"
                                   "    # END SOLUTION\n")
    assert stub == "def f():\n    raise NotImplementedError(\"x: it's 1\")\n"


# ---------------------------------------------------------------------------------------- command line
def _cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "minigrad.exercises", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_cli_list_start_check_json_and_solutions(tmp_path):
    listing = _cli("list")
    assert listing.returncode == 0
    for e in catalog.EXERCISES:
        assert e.name in listing.stdout and e.topic in listing.stdout
    assert _cli("start", str(tmp_path / "hw"), "relu", "adam").returncode == 0
    assert _cli("solutions", str(tmp_path / "key"), "relu").returncode == 0
    checked = _cli("check", str(tmp_path / "hw"), "--json", "--timeout", str(TIMEOUT))
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert [r["name"] for r in result["exercises"]] == ["relu", "adam"]
    assert result["points"] == 0 and result["max_points"] == 20
    table = _cli("check", str(tmp_path / "key"), "--timeout", str(TIMEOUT)).stdout
    assert "relu" in table and "10/10" in table and "1 of 1 exercises passed" in table


def test_cli_errors_are_short_and_clear(tmp_path):
    unknown = _cli("start", str(tmp_path), "softmax_regression")
    assert unknown.returncode == 2 and "no exercise called 'softmax_regression'" in unknown.stderr
    empty = _cli("check", str(tmp_path))
    assert empty.returncode == 2 and "no exercise files" in empty.stderr
