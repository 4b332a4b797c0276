"""What the exercise tests share: the reference solutions, planting a mistake, reading a result."""
import shutil
from pathlib import Path

from minigrad.exercises import Course

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
HOSTILE = HERE / "hostile"
COURSE = Course(timeout=20.0)  # generous: CI machines are slow and shared


def solved(folder, names):
    """A student folder holding the reference solutions of ``names``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SOLUTIONS / f"{name}.py", folder / f"{name}.py")
    return folder


def plant(folder, name, edits):
    """Apply the textual ``edits`` [(old, new)] to ``name``'s reference solution in ``folder``."""
    source = (SOLUTIONS / f"{name}.py").read_text()
    for old, new in edits:
        assert old in source, f"the planted mistake's text is not in {name}.py: {old!r}"
        source = source.replace(old, new)
    (Path(folder) / f"{name}.py").write_text(source)


def by_name(result):
    return {r["name"]: r for r in result["exercises"]}


def failed_keys(exercise_result):
    return [c["key"] for c in exercise_result["checks"] if not c["passed"]]


def text_of(exercise_result):
    """Everything a student reads about one exercise: reason, messages, hints."""
    parts = [exercise_result.get("reason") or ""]
    for check in exercise_result["checks"]:
        parts += [check["message"] or "", check["hint"] or ""]
    return "\n".join(parts)
