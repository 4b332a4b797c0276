"""The OS wall (confine.py): behind it a submission reads no classmate's file, plants nothing, kills nothing.

A class is graded once, by the command line in a throwaway process (one
hostile file could kill its grader, and that must not be pytest): each
student but the last hands in one hostile file as ``linear.py``, with the
static rules relaxed for it (a course's ``allow``), and ``victim``, graded
last, hands in the reference solution.  Each test reads one student's
JSON.  ``confine`` itself is tested in throwaway interpreters, since a
wall, once raised, stays.  Everything that needs Landlock is skipped, with
the reason, where the kernel does not offer it.
"""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from minigrad.exercises import confine, course as courses, grader, sandbox
from minigrad.exercises.confine import Wall

from .helpers import HOSTILE, SOLUTIONS

ROOT = Path(__file__).resolve().parents[2]
ABI = confine.abi()
WALLED = isinstance(ABI, int)
needs_wall = pytest.mark.skipif(not WALLED, reason=f"no Landlock on this machine: {ABI}")
needs_scopes = pytest.mark.skipif(not WALLED or ABI < 6, reason=f"signals are walled from Landlock ABI 6 on ({ABI})")
needs_tcp = pytest.mark.skipif(not WALLED or ABI < 4, reason=f"TCP is walled from Landlock ABI 4 on ({ABI})")

ALLOW = ["os", "pathlib", "socket", "signal", "subprocess", "_", "__import__", "open", "type"]
STUDENTS = {"a_reader": "os_wall_read_sibling.py", "b_planter": "os_wall_write_outside.py",
            "c_tamperer": "os_wall_tamper.py", "d_killer": "os_wall_kill_grader.py",
            "e_runner": "os_wall_run_program.py", "f_caller": "os_wall_connect.py"}
SECRET = "# the victim's own words, 7f3a9c"
if WALLED and ABI < 6:  # signals are not walled: the killer would end the class's grading
    del STUDENTS["d_killer"]
if WALLED and ABI < 4:
    del STUDENTS["f_caller"]


def run_python(code, *args):
    """Run ``code`` in a fresh isolated interpreter that imports this checkout's minigrad; its stdout."""
    done = subprocess.run([sys.executable, "-I", "-B", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + code,
                           *map(str, args)], capture_output=True, text=True, timeout=120,
                          env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    return done.stdout


# ---------------------------------------------------------------------------------------- a graded class
@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the class with ``python -m minigrad.exercises grade``; every student's JSON, the command's output."""
    if not WALLED:
        pytest.skip(f"no Landlock on this machine: {ABI}")
    top = tmp_path_factory.mktemp("os_wall")
    submissions = top / "submissions"
    for student, hostile in STUDENTS.items():
        (submissions / student).mkdir(parents=True)
        (submissions / student / "linear.py").write_text((HOSTILE / hostile).read_text())
        (submissions / student / "cross_entropy.py").write_text((SOLUTIONS / "cross_entropy.py").read_text())
    (submissions / "victim").mkdir()
    (submissions / "victim" / "linear.py").write_text((SOLUTIONS / "linear.py").read_text() + SECRET + "\n")
    (top / "course.toml").write_text('[course]\nexercises = ["linear", "cross_entropy"]\ntimeout = 20\n'
                                     f'[exercises.linear]\nallow = {json.dumps(ALLOW)}\n')
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    if "f_caller" in STUDENTS:
        (submissions / "f_caller" / "port.txt").write_text(str(listener.getsockname()[1]))
    with listener:
        done = subprocess.run([sys.executable, "-m", "minigrad.exercises", "grade", str(submissions), "--course",
                               str(top / "course.toml"), "--out", str(top / "grades.csv")],
                              capture_output=True, text=True, timeout=600, cwd=ROOT, start_new_session=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
        try:
            listener.accept()
            connected = True
        except BlockingIOError:
            connected = False
    students = {path.stem: json.loads(path.read_text()) for path in (top / "grades").glob("*.json")}
    return {"done": done, "students": students, "submissions": submissions, "connected": connected,
            "marks": {student: {r["name"]: r for r in result["exercises"]} for student, result in students.items()}}


def printed(graded, student):
    return graded["marks"][student]["linear"]["output"]


@needs_scopes
def test_the_grader_survives_a_submission_that_kills_it_and_its_group(graded):
    assert graded["done"].returncode == 0, graded["done"].stderr
    assert sorted(graded["students"]) == sorted(STUDENTS) + ["victim"]
    assert "KILL DENIED" in printed(graded, "d_killer") and "KILLPG DENIED" in printed(graded, "d_killer")


@needs_wall
def test_the_run_says_once_that_the_wall_stood(graded):
    assert graded["done"].stdout.count("OS wall: confined (landlock ABI") == 1
    assert all(result["wall"].startswith("confined (landlock ABI") for result in graded["students"].values())


@needs_wall
def test_a_classmates_file_cannot_be_read_and_printed(graded):
    output = printed(graded, "a_reader")
    assert "SIBLING DENIED PermissionError" in output and "LISTING DENIED PermissionError" in output
    assert SECRET not in output and "victim" not in output


@needs_wall
def test_the_reference_solutions_beside_the_package_cannot_be_read(graded):
    assert "SOLUTION DENIED PermissionError" in printed(graded, "a_reader")


@needs_wall
def test_nothing_is_planted_beside_the_submissions_or_in_tmp(graded):
    submissions = graded["submissions"]
    assert printed(graded, "b_planter").count("PLANT DENIED PermissionError") == 2
    assert not (submissions / "planted.txt").exists()
    assert not (Path("/tmp") / (str(submissions).strip("/").replace("/", "_") + "_planted.txt")).exists()


@needs_wall
def test_files_graded_later_can_be_neither_overwritten_nor_deleted(graded):
    output = printed(graded, "c_tamperer")
    assert output.count("OVERWRITE DENIED PermissionError") == 2 and output.count("DELETE DENIED PermissionError") == 2
    assert graded["marks"]["c_tamperer"]["cross_entropy"]["points"] == 10
    assert graded["marks"]["victim"]["linear"]["points"] == 10
    assert SECRET in (graded["submissions"] / "victim" / "linear.py").read_text()


@needs_wall
def test_no_program_runs(graded):
    output = printed(graded, "e_runner")
    assert "SUBPROCESS DENIED PermissionError" in output
    assert "PROGRAM RAN" not in output and "SYSTEM 0" not in output


@needs_tcp
def test_no_tcp_connection_leaves_the_machine_or_reaches_it(graded):
    assert "CONNECT DENIED PermissionError" in printed(graded, "f_caller")
    assert not graded["connected"]


@needs_wall
def test_honest_files_keep_full_marks_behind_the_wall(graded):
    for student in STUDENTS:
        if student != "c_tamperer":  # its cross_entropy.py was the tamperer's target; it scores 10 there too
            assert graded["marks"][student]["cross_entropy"]["points"] == 10, student
    assert graded["marks"]["victim"]["linear"]["status"] == "pass"


# ------------------------------------------------------------------------------- confine() on its own
PROBE = """
import os, subprocess, threading
assert "_decimal" not in sys.modules  # so that the import below loads it behind the wall
from minigrad.exercises.confine import confine
readable, writable, beside = sys.argv[1:4]
if sys.argv[4] == "thread":
    threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
wall = confine([os.path.dirname(os.__file__), readable, "/does/not/exist"], [writable])
print(wall.code, wall.abi, wall, sep="|")
def attempt(label, work):
    try:
        work()
        print(label, "ok")
    except OSError as error:
        print(label, type(error).__name__)
attempt("read", lambda: open(os.path.join(readable, "a.txt")).read())
attempt("read_beside", lambda: open(os.path.join(beside, "b.txt")).read())
attempt("write", lambda: open(os.path.join(writable, "c.txt"), "w").write("x"))
attempt("write_readable", lambda: open(os.path.join(readable, "c.txt"), "w").write("x"))
attempt("exec", lambda: subprocess.run(["/bin/true"]))
import decimal  # an extension module (_decimal) loaded after the wall: mmap(PROT_EXEC) needs no EXECUTE right
print("decimal", decimal.Decimal(1) / 4)
"""


def probe(tmp_path, mode="plain"):
    folders = []
    for name, file in (("readable", "a.txt"), ("writable", None), ("beside", "b.txt")):
        (tmp_path / name).mkdir()
        if file:
            (tmp_path / name / file).write_text("text")
        folders.append(tmp_path / name)
    lines = run_python(PROBE, *folders, mode).splitlines()
    code, abi, text = lines[0].split("|")
    return code, int(abi), text, dict(line.split(" ", 1) for line in lines[1:])


@needs_wall
def test_confine_allows_exactly_what_it_names(tmp_path):
    code, abi, text, seen = probe(tmp_path)
    assert (code, abi) == ("confined", ABI) and text.startswith(f"landlock ABI {ABI}: files read only below 2 paths, ")
    assert seen == {"read": "ok", "read_beside": "PermissionError", "write": "ok", "write_readable": "PermissionError",
                    "exec": "PermissionError", "decimal": "0.25"}


@needs_wall
def test_confine_refuses_with_a_reason_when_other_threads_run_and_changes_nothing(tmp_path):
    code, _, text, seen = probe(tmp_path, "thread")
    assert code == "threads" and text.startswith("not confined: the process runs several threads")
    assert seen["read_beside"] == "ok" and seen["write_readable"] == "ok" and seen["exec"] == "ok"


def test_confine_says_why_when_the_kernel_has_no_landlock(tmp_path):
    """A system call number the kernel does not know stands in for a kernel without Landlock (ENOSYS)."""
    out = run_python("from minigrad.exercises import confine\nconfine._CREATE_RULESET = 100000\n"
                     "wall = confine.confine(['/'], ['/tmp'])\n"
                     "print(wall.code, 'OS wall' in open(sys.argv[1]).read(), wall, sep='|')", __file__)
    code, still_readable, text = out.split("|", 2)
    expected = "not_linux" if not sys.platform.startswith("linux") else "no_landlock"
    assert code == expected and still_readable == "True"  # nothing changed: this file, outside '/tmp', is readable
    assert text.startswith("not confined: ") and "\n" not in text.strip()


def test_a_path_beneath_rule_is_the_kernels_packed_twelve_bytes():
    import ctypes

    assert ctypes.sizeof(confine._PathBeneathAttr) == 12 and ctypes.sizeof(confine._RulesetAttr) == 24


def test_the_child_reports_exposed_when_the_submissions_lie_inside_what_it_reads(tmp_path):
    """Student folders inside the Python installation: the wall cannot keep them apart, and says so."""
    if not WALLED:
        pytest.skip(f"no Landlock on this machine: {ABI}")
    out = run_python("from pathlib import Path\nimport minigrad\nfrom minigrad.exercises.child import _raise_wall\n"
                     "wall = _raise_wall(Path(sys.argv[1]), Path(sys.prefix) / 'submissions' / 'alice', "
                     "Path(minigrad.__file__).resolve().parent)\nprint(wall.code)", tmp_path)
    assert out.split() == ["exposed"]


# ------------------------------------------------------------------------------- what the grader says
def test_the_grader_words_every_report_itself():
    assert confine.describe("confined", 7) == "confined (landlock ABI 7)"
    assert confine.describe("confined", 3) == "confined (landlock ABI 3); TCP and signals not walled"
    assert confine.describe("disabled").startswith("NOT confined: Landlock is built into the kernel but not enabled")
    assert confine.describe("you have been pwned") == "NOT confined: the child reported something unknown"


def test_a_forged_wall_report_outside_the_vocabulary_is_unreported(tmp_path):
    np.savez(tmp_path / "wall.npz", code=np.array("confined; and full marks"), abi=np.array(7))
    assert sandbox._load_wall(tmp_path / "wall.npz") == ("unreported", 0)
    np.savez(tmp_path / "wall.npz", code=np.array("confined"), abi=np.array(7))
    assert sandbox._load_wall(tmp_path / "wall.npz") == ("confined", 7)
    assert sandbox._load_wall(tmp_path / "missing.npz") == ("unreported", 0)


def test_one_line_for_a_run_and_not_confined_wins():
    results = [{"wall": "confined (landlock ABI 7)"}, {"wall": None}, {"wall": confine.describe("unreported")},
               {"wall": confine.describe("exposed")}]
    assert grader.wall_summary(results[:3]) == "confined (landlock ABI 7)"
    assert grader.wall_summary(results).startswith("NOT confined: the student folders lie inside")
    assert grader.wall_summary(results).endswith("; grade untrusted code in a container or a VM")
    assert grader.wall_summary([{"wall": None}]) is None


# ----------------------------------------------------------------------------- require_confinement
def test_require_confinement_must_be_true_or_false(tmp_path):
    (tmp_path / "course.toml").write_text('[course]\nrequire_confinement = "yes"\n')
    with pytest.raises(courses.CourseError, match="require_confinement: 'yes' should be true or false"):
        courses.load(tmp_path / "course.toml")
    (tmp_path / "course.toml").write_text("[course]\nrequire_confinement = true\n")
    assert courses.load(tmp_path / "course.toml").require_confinement is True


def test_a_course_that_requires_the_wall_is_refused_in_one_line_where_there_is_none(tmp_path, monkeypatch, capsys):
    from minigrad.exercises.__main__ import main

    monkeypatch.setattr(confine, "abi", lambda: Wall("not confined: ...", "disabled"))
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    (tmp_path / "subs" / "alice" / "sigmoid.py").write_text((SOLUTIONS / "sigmoid.py").read_text())
    (tmp_path / "course.toml").write_text('[course]\nexercises = ["sigmoid"]\nrequire_confinement = true\n')
    assert main(["grade", str(tmp_path / "subs"), "--course", str(tmp_path / "course.toml"),
                 "--out", str(tmp_path / "grades.csv")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "require_confinement = true" in error and "not enabled at boot" in error
    assert not (tmp_path / "grades.csv").exists()


@needs_wall
def test_a_course_that_requires_the_wall_grades_behind_it(tmp_path):
    (tmp_path / "sigmoid.py").write_text((SOLUTIONS / "sigmoid.py").read_text())
    result = grader.grade_folder(tmp_path, ["sigmoid"], courses.Course(timeout=20.0, require_confinement=True))
    assert result["points"] == 10 and result["wall"] == confine.describe("confined", ABI)
