"""The grading of one exercise, inside its own child process.

The grader (``grader.py``) starts one process per exercise::

    python -B -c "...; from minigrad.exercises.runner import main; main()" NAME FILE RESULT SEED

and this module, in that process, imports the student's FILE on its own
(by path, under a private module name, writing no bytecode), runs the
exercise's graded checks one by one, and writes the outcome as JSON to
RESULT.  Whatever the student's code prints is caught in a bounded buffer
and reported, truncated, with the result; an exception fails the check it
happened in, with the line of the student's file it came from.  The time
limit is the grader's business: it ends this process when it runs too long.
"""
import importlib
import importlib.util
import json
import sys
import traceback
import zlib

OUTPUT_LIMIT = 4000  # characters of the student's printed output that are kept
MEMORY_LIMIT = 4 * 2**30  # bytes of address space; beyond it the student's code gets a MemoryError


class BoundedOutput:
    """A stand-in for stdout/stderr that keeps the first OUTPUT_LIMIT characters and counts the rest."""

    def __init__(self, limit=OUTPUT_LIMIT):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.total = 0

    def write(self, text):
        text = str(text)
        self.total += len(text)
        if self.kept < self.limit:
            piece = text[: self.limit - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def text(self):
        text = "".join(self.parts)
        if self.total > self.kept:
            text += f"\n... ({self.total - self.kept} more characters not shown)"
        return text


def exercise_seed(name):
    """The seed of an exercise's random inputs: fixed by its name, so every grading draws the same inputs."""
    return zlib.crc32(name.encode("utf-8"))


def load_student(name, path):
    """Import the student's file by path, under a private name, without writing bytecode."""
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location(f"_student_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def describe_exception(error, path):
    """What the student's code raised, where in their file, and - for familiar errors - why."""
    text = f"{type(error).__name__}: {error}"
    if len(text) > 600:
        text = text[:600] + " ..."
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    if frames:
        frame = frames[-1]
        text += f"  (your file, line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()})"
    hint = None
    message = str(error)
    if isinstance(error, ValueError) and ("matmul" in message or "aligned" in message or "operand" in message):
        hint = (
            "the shapes of a matrix product do not fit: print the shapes of both operands; a transpose (.T) is "
            "probably missing or extra."
        )
    elif isinstance(error, ValueError) and "broadcast" in message:
        hint = "two arrays with shapes that do not broadcast were combined: print their shapes."
    elif isinstance(error, IndexError):
        hint = "an index is out of range or has the wrong number of dimensions: print the shapes involved."
    elif isinstance(error, AttributeError) and "saved_tensors" not in message:
        hint = "a name is misspelt, or something is None that should not be (a missing return?)."
    elif isinstance(error, RecursionError):
        hint = "a function calls itself without end."
    return text, hint


def run_checks(name, path, seed=0):
    """Grade the student's ``path`` for exercise ``name``; return the result as plain data."""
    import numpy as np

    from . import catalog, checks
    from .checking import CheckFailed

    exercise = catalog.get(name)
    graded = checks.load(name).CHECKS
    reference = importlib.import_module(f"minigrad.exercises.solutions.{name}")
    result = {
        "name": name,
        "points": 0,
        "max_points": sum(c.points for c in graded),
        "status": "fail",
        "reason": None,
        "checks": [],
    }
    rows = result["checks"]
    try:
        student = load_student(name, path)
    except BaseException as error:  # noqa: BLE001 - anything the student's file does on import
        text, hint = describe_exception(error, path)
        result["status"] = "error"
        result["reason"] = f"importing {exercise.file_name} failed: {text}" + (f"\n  hint: {hint}" if hint else "")
        for check in graded:
            rows.append(_row(check, False, "not run: the file could not be imported"))
        return result
    not_implemented = []
    for index, check in enumerate(graded):
        rng = np.random.default_rng([exercise_seed(name), seed, index])
        try:
            with np.errstate(all="ignore"):
                check(student, reference, rng)
        except NotImplementedError as error:
            not_implemented.append(str(error) or exercise.name)
            rows.append(_row(check, False, f"not implemented: {error}", not_implemented=True))
        except CheckFailed as failure:
            rows.append(_row(check, False, failure.message, failure.hint, failure.report))
        except SystemExit as error:
            rows.append(_row(check, False, f"your code called exit() (code {error.code}).",
                             "a graded function must return its result, not end the program."))
        except BaseException as error:  # noqa: BLE001 - the student's code may raise anything
            text, hint = describe_exception(error, path)
            rows.append(_row(check, False, f"your code raised {text}", hint))
        else:
            rows.append(_row(check, True))
    result["points"] = sum(row["points"] for row in rows)
    if all(row["passed"] for row in rows):
        result["status"] = "pass"
    elif len(not_implemented) == len(rows):
        result["status"] = "not implemented"
        result["reason"] = f"not implemented: {not_implemented[0]}"
    return result


def _row(check, passed, message=None, hint=None, report=None, not_implemented=False):
    return {
        "description": check.description,
        "points": check.points if passed else 0,
        "max_points": check.points,
        "passed": passed,
        "not_implemented": not_implemented,
        "message": message,
        "hint": hint,
        "report": report,
    }


def limit_memory(limit=MEMORY_LIMIT):
    """Make a runaway allocation a MemoryError in this process instead of a burden on the machine."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not on this platform, or not allowed: grade without it
        pass


def main(argv=None):
    name, path, result_path, seed = (argv or sys.argv[1:])[:4]
    sys.dont_write_bytecode = True
    limit_memory()
    captured = BoundedOutput()
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    try:
        result = run_checks(name, path, int(seed))
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    result["output"] = captured.text()
    result["output_chars"] = captured.total
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
