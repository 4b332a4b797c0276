"""The grader: the trusted parent that holds the checks, runs the student's code elsewhere, and gives points.

For one exercise of one student folder, ``grade_exercise``:

1. reads the student's file with the rules (``rules.py``); a violation
   scores 0 with the line it is on, and nothing runs;
2. builds every check's plan from a generator seeded by the exercise's
   name and the course's seed (``kit.py``);
3. runs the calls of every check in one child (``sandbox.py``),
   which writes one result file per call as it goes: when the child
   crashes, hangs or writes garbage, the checks whose calls came back
   are judged, and the rest score 0 with the reason;
4. runs the timed checks last in the same child, and counts them only
   when the backward is right (a fast wrong backward earns nothing);
5. judges each check here, from the arrays alone, with the points of the
   catalogue and the course file;
6. records whether the child was walled in (``confine.py``), which
   ``wall_summary`` says once per run.

``grade_folder`` grades a folder; ``grade_submissions`` a folder of
student folders, with a CSV gradebook and one JSON per student.
"""
import csv
import io
import json
import os
import re
import zlib
from pathlib import Path

import numpy as np

from . import catalog, confine, rules, sandbox
from .compare import SLOW, Failed, StudentError
from .course import Course



def exercise_seed(name, seed):
    return [zlib.crc32(name.encode("utf-8")), int(seed)]


def grade_exercise(folder, exercise, course=None):
    """Grade ``exercise`` in the student's ``folder``; never raises for anything the student's code does."""
    course = course or Course()
    points = exercise.points(course)
    result = {"name": exercise.name, "points": 0, "max_points": sum(points.values()), "status": "fail",
              "reason": None, "checks": [], "output": "", "output_chars": 0, "wall": None}
    if Path(folder).is_symlink():  # submissions/mallory -> alice would grade alice's files under mallory's name
        return _all_zero(result, exercise, points, "refused",
                         f"{folder} is a symbolic link (to {os.readlink(folder)}); a student's folder holds the "
                         "student's own files")
    path = Path(folder).resolve() / exercise.file_name
    if not path.is_file() and not path.is_symlink():
        return _all_zero(result, exercise, points, "missing",
                         f"{exercise.file_name} is not in {folder}; write it with: "
                         f"python -m minigrad.exercises start {folder} {exercise.name}")
    problems = rules.check_file(path, allow=course.allow_of(exercise.name))
    if problems:
        return _all_zero(result, exercise, points, "refused",
                         "the file breaks the rules of a submission, so it was not run:\n" + "\n".join(problems[:5]))
    limits = sandbox.Limits(wall=course.timeout_of(exercise.name), cpu=course.timeout_of(exercise.name),
                            memory_mb=course.memory_mb)
    plans = []
    for index, check in enumerate(exercise.checks):
        rng = np.random.default_rng(exercise_seed(exercise.name, course.seed) + [index])
        plans.append(check.build(rng, course.scale))
    # One child for every call, the timed ones last: results come back one file per call, so whatever was
    # judged before a crash, a hang or garbage keeps its points.
    order = sorted(range(len(plans)), key=lambda i: exercise.checks[i].timed)
    outcome, slices = _run_plans(exercise, path, [plans[i] for i in order], limits, course.require_confinement)
    result["wall"] = confine.describe(*outcome.wall)
    _add_output(result, outcome)
    if course.require_confinement and outcome.wall[0] != "confined":
        return _all_zero(result, exercise, points, "error", "not graded: the course requires the OS wall "
                         f"(require_confinement), and the process running it was {result['wall']}")
    if outcome.import_error is not None:
        error = _student_error(outcome.import_error)
        return _all_zero(result, exercise, points, "error", f"importing {exercise.file_name} failed: {error.text}"
                         + (f" ({error.line})" if error.line else ""))
    rows = {}
    for i, (start, stop) in zip(order, slices):
        rows[i] = _judge(exercise.checks[i], plans[i], outcome.results[start:stop], stop - start, outcome)
    for i, check in enumerate(exercise.checks):
        timed_work_right = all(rows[j]["passed"] for j, c in enumerate(exercise.checks)
                               if not c.timed and c.key.startswith(check.right_first))
        if check.timed and not timed_work_right:  # a fast wrong answer earns nothing
            rows[i] = dict(_row(check, False, f"not counted: the {check.right_first} checks must pass first."),
                           skipped=True)
    result["checks"] = [rows[i] for i in range(len(exercise.checks))]
    for row, check in zip(result["checks"], exercise.checks):
        row["max_points"] = points[check.key]
        row["points"] = points[check.key] if row["passed"] else 0
    result["points"] = sum(row["points"] for row in result["checks"])
    if all(row["passed"] for row in result["checks"]):
        result["status"] = "pass"
    elif result["points"] == 0 and all(row["not_implemented"] or row.get("skipped") for row in result["checks"]):
        result["status"] = "not implemented"
    elif outcome.ended == "timeout":
        result["status"] = "timeout"
    if outcome.ended != "ok":
        result["reason"] = _ended(outcome)
    return result


def _run_plans(exercise, path, plans, limits, require_wall=False):
    """Run the calls of ``plans`` in one child; return the outcome and each plan's (start, stop) in it."""
    calls, arrays, slices = [], {}, []
    for j, plan in enumerate(plans):
        start = len(calls)
        for call in plan.calls:
            call = json.loads(json.dumps(call))
            for spec in call["args"] + list(call.get("kwargs", {}).values()):
                if "array" in spec:
                    spec["array"] = f"c{j}{spec['array']}"
            if "grad" in call:
                call["grad"] = f"c{j}{call['grad']}"
            calls.append(call)
        arrays.update({f"c{j}{key}": value for key, value in plan.arrays.items()})
        slices.append((start, len(calls)))
    outcome = sandbox.run(exercise.name, path, calls, arrays, limits, exercise.source, require_wall)
    return outcome, slices


def _judge(check, plan, results, expected, outcome):
    if len(results) < expected:
        return _row(check, False, f"not finished: the process running your code {_ended(outcome)}.",
                    "an endless loop, or code far too slow?" if outcome.ended == "timeout" else None)
    try:
        plan.judge(results)
    except Failed as failure:
        return _row(check, False, failure.message, failure.hint)
    except StudentError as error:
        return _student_row(check, error)
    return _row(check, True)


def _student_row(check, error):
    where = f" ({error.line})" if error.line else ""
    if error.kind == "not_implemented":
        return _row(check, False, f"not implemented: {error.text.partition(': ')[2]}", not_implemented=True)
    if error.kind == "exit":
        return _row(check, False, "your code called exit().", "a graded function returns its result.")
    if error.kind == "budget":
        return _row(check, False, "the graded code ran past its CPU budget on a large input.", SLOW)
    return _row(check, False, f"your code raised {error.text}{where}", _exception_hint(error.text))


def _exception_hint(text):
    if "read-only" in text:
        return ("grad_output and forward's inputs are read-only, as in minigrad's engine: compute into a new array "
                "instead of changing them in place (g = g * m, not g *= m).")
    if "matmul" in text or "aligned" in text or "operand" in text:
        return "the shapes of a matrix product do not fit: print both shapes; a transpose may be missing or extra."
    if "broadcast" in text:
        return "two arrays whose shapes do not broadcast were combined: print their shapes."
    if text.startswith("IndexError"):
        return "an index is out of range or has the wrong number of dimensions: print the shapes involved."
    if text.startswith("AttributeError"):
        return "a name is misspelt, or something is None that should not be (a missing return?)."
    return None


def _student_error(arrays):
    return StudentError(str(arrays["error_kind"]), str(arrays["error"]), str(arrays["error_line"]))


def _ended(outcome):
    return {"timeout": "was stopped: " + outcome.detail, "died": "ended early: " + outcome.detail,
            "garbage": "wrote a result the grader refused: " + outcome.detail}.get(outcome.ended, "ended")


def _row(check, passed, message=None, hint=None, not_implemented=False):
    return {"key": check.key, "description": check.description, "points": 0, "max_points": check.points,
            "passed": passed, "not_implemented": not_implemented, "message": message, "hint": hint}


def _all_zero(result, exercise, points, status, reason):
    result.update(status=status, reason=reason, points=0)
    result["checks"] = [dict(_row(c, False, "not run"), max_points=points[c.key]) for c in exercise.checks]
    return result


def _add_output(result, outcome):
    if outcome.output_bytes:
        result["output"] = (result["output"] + "\n" + outcome.output).strip("\n")
        result["output_chars"] += outcome.output_bytes


# ------------------------------------------------------------------------------------- folders and classes
def grade_folder(folder, names=None, course=None, hints_used=None):
    """Grade the student's files in ``folder``: what ``check --json`` prints."""
    course = course or Course()
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder; make one with: python -m minigrad.exercises start "
                                f"{folder}")
    exercises = catalog.select(names, course)
    refuse_without_wall(course)
    results = [grade_exercise(folder, e, course) for e in exercises]
    for r in results:
        r["hints_used"] = (hints_used or {}).get(r["name"], 0)
    return {"directory": str(folder), "points": sum(r["points"] for r in results),
            "max_points": sum(r["max_points"] for r in results), "passed": sum(r["status"] == "pass" for r in results),
            "exercises": results, "seed": course.seed, "scale": course.scale, "wall": wall_summary(results)}


def refuse_without_wall(course):
    """Refuse, in one line, to grade a course that requires the OS wall on a machine that cannot raise it."""
    version = confine.abi() if course.require_confinement else None
    if isinstance(version, confine.Wall):
        raise ValueError(f"the course file requires the OS wall (require_confinement = true), but this machine "
                         f"has none: {confine.WHY[version.code]}; grade on Linux 5.13 or newer with Landlock enabled, "
                         f"or remove the setting and grade in a container")


def wall_summary(results):
    """How the children that ran were walled in, in one line ("NOT confined" over "confined"); None if none ran."""
    unreported = confine.describe("unreported")
    walls = [r["wall"] for r in results if r.get("wall") and r["wall"] != unreported]
    if not walls:
        return unreported if any(r.get("wall") for r in results) else None
    worst = next((wall for wall in walls if wall.startswith("NOT")), walls[0])
    return worst + ("; grade untrusted code in a container or a VM" if worst.startswith("NOT") else "")


def grade_submissions(submissions, course=None):
    """Grade every student folder in ``submissions``: {student: result}, in name order."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise FileNotFoundError(f"{submissions} is not a folder of student folders")
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise FileNotFoundError(f"{submissions} holds no student folders (one folder per student)")
    return {p.name: grade_folder(p, course=course) for p in students}


def gradebook_csv(graded):
    """The CSV gradebook: student, each exercise's points, total (and a header with the maximum of each)."""
    first = next(iter(graded.values()))
    names = [r["name"] for r in first["exercises"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student"] + names + ["total"])
    writer.writerow(["(max)"] + [r["max_points"] for r in first["exercises"]] + [first["max_points"]])
    for student, result in graded.items():
        writer.writerow([_text_cell(student)] + [r["points"] for r in result["exercises"]] + [result["points"]])
    return buffer.getvalue()


def _text_cell(text):
    """A folder name as a spreadsheet shows it, never as a formula: a student folder named ``=HYPERLINK(...)``
    or ``+cmd|...`` would otherwise run in the instructor's spreadsheet.  A leading quote keeps it text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# ---------------------------------------------------------------------------------------------- the table
LABELS = {"pass": "pass", "fail": "FAIL", "not implemented": "not implemented", "timeout": "FAIL (time limit)",
          "error": "FAIL (error)", "missing": "missing", "refused": "FAIL (rules)"}


def format_table(result, show_output=False):
    """The score table ``check`` prints: one line per exercise, what went wrong under a failure."""
    width = max([len("exercise")] + [len(r["name"]) for r in result["exercises"]]) + 2
    lines = [f"{'exercise':<{width}}{'points':>8}  result", f"{'-' * (width - 2):<{width}}{'-' * 8}  {'-' * 15}"]
    for r in result["exercises"]:
        lines.append(f"{r['name']:<{width}}{r['points']:>4}/{r['max_points']:<3}  {LABELS.get(r['status'], r['status'])}")
        if r.get("reason"):
            lines.extend("    " + part for part in r["reason"].splitlines())
        if r["status"] not in ("pass", "not implemented", "refused", "missing", "error"):
            for check in r["checks"]:
                if check["passed"]:
                    continue
                lines.append(f"    - {check['description']} (0/{check['max_points']})")
                lines.extend("        " + part for part in (check["message"] or "").splitlines())
                if check.get("hint"):
                    lines.append(f"        hint: {check['hint']}")
        for number, hint in enumerate(r.get("revealed", []), 1):
            lines.append(f"    graded hint {number}: {hint}")
        if r.get("output_chars"):
            if show_output:
                lines.append("    your code printed:")
                lines.extend("      | " + part for part in r["output"].splitlines())
            else:
                lines.append(f"    (your code printed {r['output_chars']} characters; see them with --show-output)")
    lines.append(f"{'-' * (width - 2):<{width}}{'-' * 8}")
    lines.append(f"{'total':<{width}}{result['points']:>4}/{result['max_points']:<3}  "
                 f"{result['passed']} of {len(result['exercises'])} exercises passed")
    if result.get("wall"):
        lines.append(f"OS wall: {result['wall']}")
    return shown("\n".join(lines))


# Terminal control characters (ESC starts the sequences that move the cursor, recolour, retitle the window or
# write the clipboard): a student's printed output, error messages and folder names are shown, never obeyed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text):
    """``text`` as it may reach a terminal: control characters escaped (ESC as ``\\x1b``), newlines and tabs kept."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
