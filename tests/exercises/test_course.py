"""The instructor's workflow: a course file, `start` from it, `grade` a class into a gradebook; the wheel."""
import ast
import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from minigrad.exercises import catalog
from minigrad.exercises.__main__ import main

from .helpers import HERE, SOLUTIONS, plant, solved

ROOT = HERE.parents[1]

COURSE = """
[course]
exercises = ["linear", "cube"]
folders = ["{folder}"]
timeout = 20

[exercises.linear]
points = {{ forward = 5 }}
level = "guided"
"""


@pytest.fixture
def course_file(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text(COURSE.format(folder=(HERE / "course_exercises").as_posix()))
    return path


def test_the_course_file_sets_the_list_the_points_and_the_level(tmp_path, course_file, capsys):
    assert main(["start", str(tmp_path / "hw"), "--course", str(course_file)]) == 0
    files = sorted(p.name for p in (tmp_path / "hw").iterdir())
    assert files == ["README.md", "assignment.json", "cube.py", "linear.py"]
    assert "g^T x" in (tmp_path / "hw" / "linear.py").read_text()  # guided, as the course says
    assert "| 13 |" in (tmp_path / "hw" / "README.md").read_text()  # forward 5 instead of 2
    assert main(["list", "--course", str(course_file)]) == 0
    assert "linear: forward 5, forward_float32 1" in capsys.readouterr().out


def test_grade_three_students_into_a_gradebook(tmp_path, course_file, capsys):
    submissions = tmp_path / "submissions"
    solved(submissions / "alice", ["linear"])
    (submissions / "alice" / "cube.py").write_text(
        "def cube_backward(x, grad_output):\n    return 3 * x * x * grad_output\n")
    assert main(["start", str(submissions / "bob"), "--course", str(course_file)]) == 0
    (submissions / "carol").mkdir()
    plant(submissions / "carol", "linear", [("grad_bias = grad_output.sum(axis=0)", "grad_bias = grad_output")])
    out = tmp_path / "grades.csv"
    assert main(["grade", str(submissions), "--course", str(course_file), "--out", str(out)]) == 0
    rows = list(csv.reader(out.open()))
    assert rows == [["student", "linear", "cube", "total"], ["(max)", "13", "3", "16"],
                    ["alice", "13", "3", "16"], ["bob", "0", "0", "0"], ["carol", "6", "0", "6"]]
    alice = json.loads((tmp_path / "grades" / "alice.json").read_text())
    assert alice["points"] == 16 and [r["name"] for r in alice["exercises"]] == ["linear", "cube"]
    capsys.readouterr()
    assert main(["grade", str(submissions), "--course", str(course_file), "--out", str(out)]) == 2
    assert "exists already" in capsys.readouterr().err  # a gradebook is never silently replaced


def test_a_folder_name_never_becomes_a_spreadsheet_formula(tmp_path):
    from minigrad.exercises.grader import gradebook_csv

    empty = {"points": 0, "max_points": 3, "exercises": [{"name": "cube", "points": 0, "max_points": 3}]}
    names = ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-1+2", "@SUM(A1)", "dana-lee"]
    rows = list(csv.reader(io.StringIO(gradebook_csv(dict.fromkeys(names, empty)))))[2:]
    assert [row[0] for row in rows] == ["'" + n for n in names[:4]] + ["dana-lee"]


def test_a_folder_name_holding_terminal_escapes_is_printed_escaped(tmp_path, capsys):
    solved(tmp_path / "submissions" / "\x1b[2Jeve", ["sigmoid"])
    assert main(["grade", str(tmp_path / "submissions"), "--out", str(tmp_path / "grades.csv")]) == 0
    out = capsys.readouterr().out
    assert "\\x1b[2Jeve: 10/10" in out and "\x1b" not in out


def test_check_hint_reveals_one_hint_at_a_time_and_records_it(tmp_path, capsys):
    assert main(["start", str(tmp_path), "relu"]) == 0
    for count in (1, 2):
        capsys.readouterr()
        assert main(["check", str(tmp_path), "relu", "--hint", "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert result["exercises"][0]["hints_used"] == count
        assert len(result["exercises"][0]["revealed"]) == count


def test_damaged_records_in_the_students_folder_are_read_as_missing(tmp_path, capsys):
    """assignment.json and .hints.json are the student's to edit: nested too deep for JSON, they count as absent."""
    assert main(["start", str(tmp_path), "relu"]) == 0
    for name in ("assignment.json", ".hints.json"):
        (tmp_path / name).write_text("[" * 100_000 + "]" * 100_000)
    capsys.readouterr()
    assert main(["check", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in result["exercises"]] == ["relu"] and result["exercises"][0]["hints_used"] == 0


@pytest.mark.parametrize("text, words", [
    ("[course]\nlevel = 'easy'\n", "level"),
    ("[course]\nseeed = 3\n", "seeed"),
    ("[exercises.linear]\npoints = { forwrd = 3 }\n", "forwrd"),
    ("[course\n", "not valid TOML"),
])
def test_a_bad_course_file_is_named_in_one_line(tmp_path, capsys, text, words):
    path = tmp_path / "course.toml"
    path.write_text(text)
    code = main(["list", "--course", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1


def test_the_solutions_command_is_gone(capsys):
    with pytest.raises(SystemExit):
        main(["solutions", "key"])


# The update rules of the optimizer exercises are their published task, and the central difference is the
# grader's own tool, so the answers that must not ship are the backward passes.
ANSWERS = ("backward", "fixed_backward")


def solution_code():
    """The statements that answer an exercise: the bodies of the solutions' backward passes."""
    lines = set()
    for path in SOLUTIONS.glob("*.py"):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and node.name in ANSWERS:
                for statement in node.body:
                    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                        continue
                    lines.update(line.strip() for line in ast.get_source_segment(source, statement).splitlines())
    return sorted(line for line in lines if ("grad" in line or line.startswith("return")) and len(line) > 12)


def test_the_wheel_holds_no_solution(tmp_path):
    """Build the wheel from a copy of the repository and list its files."""
    source = tmp_path / "src"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(tmp_path / "src.tar"), "HEAD"],
                   check=True)
    source.mkdir()
    subprocess.run(["tar", "-xf", str(tmp_path / "src.tar"), "-C", str(source)], check=True)
    # Built as pip builds it on install (an isolated build with pyproject.toml's setuptools): a fresh virtual
    # environment's own setuptools may be too old to build wheels by itself.
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q",
                    "-w", str(tmp_path / "dist")], check=True, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "minigrad/exercises/bank/linear.py" in names
    assert not [n for n in names if "solution" in n or n.startswith("tests/")]
    shipped = "\n".join(zipfile.ZipFile(wheel).read(n).decode("utf-8", "replace") for n in names
                        if n.startswith("minigrad/exercises/"))
    leaked = [line for line in solution_code() if line in shipped]
    assert not leaked, leaked


def test_a_fifo_in_place_of_the_hint_record_is_read_as_absent_not_waited_on(tmp_path):
    import os
    import threading

    from minigrad.exercises import generate

    os.mkfifo(tmp_path / ".hints.json")  # opening it for reading would wait for a writer for ever
    found = []
    reader = threading.Thread(target=lambda: found.append(generate.hints_used(tmp_path)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert found == [{}]
