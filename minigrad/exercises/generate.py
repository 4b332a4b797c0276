"""The folder ``start`` writes: one student file per exercise, a README, and assignment.json.

A student file is the exercise's docstring at its level (``derive`` by
default, ``guided`` when the course says so) above the exercise's
skeleton, in which every part to write is a ``raise NotImplementedError``
stub.  Nothing of a solution exists in the package to leak: the reference
solutions live in the repository's ``tests/exercises/solutions/``.

``assignment.json`` lists the exercises and their levels, for ``check``'s
default; the grader takes nothing else from it (points come from the
catalogue and the course file).
"""
import json
from pathlib import Path

from ..atomic import atomic_write
from . import catalog

MANIFEST = "assignment.json"
HINTS_FILE = ".hints.json"


def _write(directory, files, force):
    """Write {file name: text} into ``directory``; return (written, skipped) file names."""
    directory.mkdir(parents=True, exist_ok=True)
    written, skipped = [], []
    for file_name, text in files.items():
        path = directory / file_name
        if path.exists() and not force:
            skipped.append(file_name)
            continue
        with atomic_write(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        written.append(file_name)
    return written, skipped


def write_assignment(directory, names=None, course=None, force=False):
    """Write the student files of ``names`` (else the course's, else all), a README.md and assignment.json.

    A student's existing file is never overwritten unless ``force``.
    Returns (written, skipped) file names.
    """
    directory = Path(directory)
    exercises = catalog.select(names, course)
    levels = {e.name: (course.level_of(e.name) if course else "derive") for e in exercises}
    files = {e.file_name: e.student_file(levels[e.name]) for e in exercises}
    for e in exercises:
        compile(files[e.file_name], e.file_name, "exec")  # a skeleton must be valid Python
    written, skipped = _write(directory, files, force)
    manifest = {"exercises": [e.name for e in exercises], "levels": levels}
    more, _ = _write(directory, {"README.md": assignment_readme(exercises, course),
                                 MANIFEST: json.dumps(manifest, indent=2) + "\n"}, force=True)
    return written + more, skipped


def exercises_in(directory, names=None):
    """What ``check`` grades: ``names``, else assignment.json's list, else the exercise files present."""
    if names:
        return list(names)
    manifest = Path(directory) / MANIFEST
    if manifest.is_file():
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8")).get("exercises")
        except (ValueError, AttributeError, RecursionError):  # damaged, not an object, or nested too deep
            listed = None
        if isinstance(listed, list) and all(isinstance(n, str) for n in listed):
            return listed
    known = catalog.available()
    present = [name for name in known if (Path(directory) / f"{name}.py").is_file()]
    if not present:
        raise FileNotFoundError(f"{directory} holds no exercise files; write an assignment there first: "
                                f"python -m minigrad.exercises start {directory}")
    return present


def hints_used(directory):
    """{exercise: hints revealed} recorded in the student's folder (a record the student can edit)."""
    path = Path(directory) / HINTS_FILE
    if not path.is_file():  # absent, or a FIFO or device, whose reading would wait for ever
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: int(v) for k, v in data.items() if isinstance(k, str) and isinstance(v, int)}
    except (OSError, ValueError, AttributeError, RecursionError):
        return {}


def reveal_hint(directory, exercise):
    """Reveal the next graded hint of ``exercise``; return the hints revealed so far."""
    used = hints_used(directory)
    count = min(used.get(exercise.name, 0) + 1, len(exercise.hints))
    used[exercise.name] = count
    with atomic_write(Path(directory) / HINTS_FILE, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(used, indent=2) + "\n")
    return exercise.hints[:count]


def assignment_readme(exercises, course=None):
    """The README.md that ``start`` writes next to the student files."""
    total = sum(e.max_points(course) for e in exercises)
    rows = "\n".join(f"| `{e.file_name}` | {e.title} | {e.topic} | {e.difficulty} | {e.max_points(course)} |"
                     for e in exercises)
    return f"""# minigrad assignment

Derive the backward passes, write them, check them, and grade yourself as
often as you like.  Total: {total} points.

| File | Task | Lecture | Difficulty | Points |
|------|------|---------|------------|--------|
{rows}

## How to work

1. Open a file.  Its docstring states the task: the forward's definition,
   the shapes and dtypes, and what is graded.  Derive the backward on paper
   first.
2. Replace every `raise NotImplementedError(...)` line with your code; leave
   the names, arguments and return values as they are.
3. Forward and backward work on plain NumPy arrays; `ctx.save_for_backward(...)`
   keeps what backward needs and `ctx.saved_tensors` gives it back.
   `grad_output` is read-only, as in minigrad's engine.
4. A submission may import `numpy`, `math`, `from minigrad import Function`
   and your own modules in this folder, nothing else; of NumPy it uses
   `numpy`, `numpy.linalg`, `numpy.random` and `numpy.fft`, and the only
   special method a class of yours may define is `__init__`.
5. Grade yourself from this folder:

       python -m minigrad.exercises check .
       python -m minigrad.exercises check . {exercises[0].name}
       python -m minigrad.exercises check . {exercises[0].name} --hint    # reveal the next graded hint

   The graded run uses other (and larger) random inputs than your
   self-check, so code that fits the self-check's numbers fails there.

## Reading the result

Each exercise is graded by several checks; its points are the points of
the checks it passes.  Your gradients are compared with finite
differences of the exercise's forward, and a failed check says what is
wrong (a shape, a dtype, a factor, a sign, wrong entries) and often why.
One check times your backward on a large input: a backward that calls
forward again for each entry (finite differences) is far too slow.
Hints revealed with `--hint` are recorded in `{HINTS_FILE}`.
"""
