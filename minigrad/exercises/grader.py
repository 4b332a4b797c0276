"""The autograder: each exercise in its own process, with a time limit, then a score table.

``grade(directory)`` grades the student's files in ``directory``.  For each
exercise it starts a fresh Python process (``runner.py``) that imports only
that one file, so an exercise that crashes, prints without end or never
returns costs that exercise its points and nothing more:

- the process is stopped after ``timeout`` seconds and the exercise scores 0
  with the reason "time limit";
- the student's output is kept only up to a bound, and reported truncated;
- the process writes no bytecode (``-B``), so no ``.pyc`` of the student's
  files - or of anything else - appears next to them.

Random inputs are seeded from the exercise's name (and ``seed``, 0 unless
an instructor picks another), so a submission gets the same grade every
time it is graded.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from . import catalog
from .generate import MANIFEST

DEFAULT_TIMEOUT = 10.0
PIPE_LIMIT = 4000  # bytes kept of what the child writes to its real stdout/stderr
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds the minigrad package
_CHILD = (
    "import sys; sys.dont_write_bytecode = True; sys.path.insert(0, sys.argv.pop(1)); "
    "from minigrad.exercises.runner import main; main()"
)


def exercises_in(directory, names=None):
    """The exercises to grade: ``names``, else those of the folder's assignment.json, else the files present."""
    directory = Path(directory)
    if names:
        return catalog.select(names)
    manifest = directory / MANIFEST
    if manifest.is_file():
        try:
            return catalog.select(json.loads(manifest.read_text(encoding="utf-8"))["exercises"])
        except (ValueError, KeyError, TypeError):
            pass
    present = [e for e in catalog.EXERCISES if (directory / e.file_name).is_file()]
    if not present:
        raise FileNotFoundError(
            f"no exercise files in {directory}; start an assignment there first: "
            f"python -m minigrad.exercises start {directory}"
        )
    return present


def grade(directory, names=None, timeout=DEFAULT_TIMEOUT, seed=0):
    """Grade the student's files in ``directory``; return the result as plain data (what --json prints)."""
    directory = Path(directory)
    results = [grade_exercise(directory, e, timeout=timeout, seed=seed) for e in exercises_in(directory, names)]
    return {
        "directory": str(directory),
        "points": sum(r["points"] for r in results),
        "max_points": sum(r["max_points"] for r in results),
        "passed": sum(r["status"] == "pass" for r in results),
        "exercises": results,
        "timeout": timeout,
        "seed": seed,
    }


def grade_exercise(directory, exercise, timeout=DEFAULT_TIMEOUT, seed=0):
    """Grade one exercise's file in its own process; never raises for anything the student's code does."""
    path = Path(directory).resolve() / exercise.file_name
    if not path.is_file():
        return _zero(exercise, "missing", f"{exercise.file_name} is not in {directory}; write it with: "
                     f"python -m minigrad.exercises start {directory} {exercise.name}")
    with tempfile.TemporaryDirectory(prefix="minigrad-grade-") as scratch:
        result_path = Path(scratch) / "result.json"
        command = [sys.executable, "-B", "-c", _CHILD, _PACKAGE_ROOT, exercise.name, str(path), str(result_path),
                   str(seed)]
        outcome = _run(command, scratch, timeout)
        if outcome["timed_out"]:
            return _zero(exercise, "timeout",
                         f"time limit: stopped after {timeout:g} s without finishing (an endless loop, or "
                         "code far too slow?).", outcome)
        try:
            result = json.loads(result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return _zero(exercise, "error",
                         f"the grading process ended without a result (exit code {outcome['returncode']}): did "
                         "your code end the process (os._exit) or crash the interpreter?", outcome)
    if outcome["output"]:
        result["output"] = ((result.get("output") or "") + "\n" + outcome["output"]).strip("\n")
        result["output_chars"] = result.get("output_chars", 0) + outcome["output_bytes"]
    return result


def _zero(exercise, status, reason, outcome=None):
    from . import checks

    return {
        "name": exercise.name,
        "points": 0,
        "max_points": sum(c.points for c in checks.load(exercise.name).CHECKS),
        "status": status,
        "reason": reason,
        "checks": [],
        "output": outcome["output"] if outcome else "",
        "output_chars": outcome["output_bytes"] if outcome else 0,
    }


def _run(command, cwd, timeout):
    """Run ``command``; stop it (and any process it started) after ``timeout`` s; keep a bounded output."""
    env = dict(os.environ)
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    posix = os.name == "posix"
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=posix)
    kept = bytearray()
    total = [0]

    def drain():
        for chunk in iter(lambda: process.stdout.read(65536), b""):
            total[0] += len(chunk)
            if len(kept) < PIPE_LIMIT:
                kept.extend(chunk[: PIPE_LIMIT - len(kept)])

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    timed_out = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            if posix:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
    reader.join(timeout=2)
    process.stdout.close()
    return {
        "timed_out": timed_out,
        "returncode": process.returncode,
        "output": kept.decode("utf-8", errors="replace")
        + (f"\n... ({total[0] - len(kept)} more bytes not shown)" if total[0] > len(kept) else ""),
        "output_bytes": total[0],
    }


# ---------------------------------------------------------------------------------------- the table
def format_table(result, show_output=False):
    """The score table that ``check`` prints: one line per exercise, and what went wrong under a failure."""
    width = max([len("exercise")] + [len(r["name"]) for r in result["exercises"]]) + 2
    lines = [f"{'exercise':<{width}}{'points':>8}  result", f"{'-' * (width - 2):<{width}}{'-' * 8}  {'-' * 15}"]
    for r in result["exercises"]:
        label = {"pass": "pass", "fail": "FAIL", "not implemented": "not implemented", "timeout": "FAIL (time limit)",
                 "error": "FAIL (error)", "missing": "missing"}.get(r["status"], r["status"])
        lines.append(f"{r['name']:<{width}}{r['points']:>4}/{r['max_points']:<3}  {label}")
        if r.get("reason"):
            lines.extend("    " + part for part in r["reason"].splitlines())
        if r["status"] not in ("pass", "not implemented"):
            for check in r["checks"]:
                if check["passed"]:
                    continue
                lines.append(f"    - {check['description']} (0/{check['max_points']})")
                lines.extend("        " + part for part in (check["message"] or "").splitlines())
                if check.get("report"):
                    lines.extend("        " + part for part in check["report"].splitlines())
                if check.get("hint"):
                    lines.append(f"        hint: {check['hint']}")
        if r.get("output_chars"):
            if show_output:
                lines.append("    your code printed:")
                lines.extend("      | " + part for part in r["output"].splitlines())
            else:
                lines.append(f"    (your code printed {r['output_chars']} characters; see them with --show-output)")
    lines.append(f"{'-' * (width - 2):<{width}}{'-' * 8}")
    lines.append(f"{'total':<{width}}{result['points']:>4}/{result['max_points']:<3}  "
                 f"{result['passed']} of {len(result['exercises'])} exercises passed")
    return "\n".join(lines)

