"""From one source, two versions: the student's file and the instructor's.

A reference solution marks what the student must write::

    def backward(ctx, grad_output):
        # BEGIN SOLUTION
        # HINT: get y back with (y,) = ctx.saved_tensors ...
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)
        # END SOLUTION

``student_source`` replaces each region, markers included, by one line at
the indentation of ``# BEGIN SOLUTION``::

        raise NotImplementedError("sigmoid: get y back with (y,) = ctx.saved_tensors ...")

Nothing else of the region survives - no code, no comment.  The HINT
lines, the only text a region gives away, are meant for the student.
``solution_source`` drops the marker and HINT lines and keeps the code.

``write_assignment`` and ``write_solutions`` write these files into a
folder, as text generated from the sources: no bytecode, nothing copied.
"""
import json
from pathlib import Path

from . import catalog

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
HINT = "# HINT:"
DEFAULT_HINT = "write this part (the docstring at the top of the file says what to compute)"
MANIFEST = "assignment.json"


class MarkerError(ValueError):
    """The solution regions of a source file are not well formed."""


def regions(source, label="<source>"):
    """(begin, end, indent, hints) for every region: line numbers (0-based) of the two markers."""
    found = []
    begin = None
    for number, line in enumerate(source.splitlines()):
        text = line.strip()
        if text == BEGIN:
            if begin is not None:
                raise MarkerError(f"{label}:{number + 1}: {BEGIN} inside the region opened at line {begin + 1}")
            begin, indent, hints = number, line[: len(line) - len(line.lstrip())], []
        elif text == END:
            if begin is None:
                raise MarkerError(f"{label}:{number + 1}: {END} without {BEGIN}")
            found.append((begin, number, indent, hints))
            begin = None
        elif text.startswith(HINT) and begin is not None:
            hints.append(text[len(HINT) :].strip())
        elif (BEGIN in text or END in text) and not text.startswith(("#", '"', "'")):
            raise MarkerError(f"{label}:{number + 1}: a solution marker must stand alone on its line")
    if begin is not None:
        raise MarkerError(f"{label}:{begin + 1}: {BEGIN} is never closed by {END}")
    return found


def student_source(name, source):
    """The student's version of ``source``: every region replaced by a NotImplementedError stub."""
    lines = source.splitlines()
    out = []
    position = 0
    for begin, end, indent, hints in regions(source, name):
        out.extend(lines[position:begin])
        message = f"{name}: {' '.join(hints) or DEFAULT_HINT}"
        out.append(f"{indent}raise NotImplementedError({message!r})")
        position = end + 1
    out.extend(lines[position:])
    text = "\n".join(out) + "\n"
    compile(text, f"{name}.py", "exec")  # the stubs must leave a valid Python file
    return text


def solution_source(name, source):
    """The instructor's version of ``source``: the code of every region, without markers or hints."""
    lines = source.splitlines()
    drop = set()
    for begin, end, _, _ in regions(source, name):
        drop.update((begin, end))
        drop.update(n for n in range(begin + 1, end) if lines[n].strip().startswith(HINT))
    return "\n".join(line for n, line in enumerate(lines) if n not in drop) + "\n"


def reference_source(exercise):
    return exercise.solution_path.read_text(encoding="utf-8")


def _write(directory, files, force):
    """Write {file name: text} into ``directory``; return (written, skipped) file names."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written, skipped = [], []
    for file_name, text in files.items():
        path = directory / file_name
        if path.exists() and not force:
            skipped.append(file_name)
            continue
        path.write_text(text, encoding="utf-8")
        written.append(file_name)
    return written, skipped


def write_assignment(directory, names=None, force=False):
    """Write the student files of ``names`` (all by default), a README.md and assignment.json.

    Existing student files are kept (a student's work is never overwritten)
    unless ``force``.  Returns (written, skipped) file names.
    """
    exercises = catalog.select(names)
    files = {e.file_name: student_source(e.name, reference_source(e)) for e in exercises}
    written, skipped = _write(directory, files, force)
    manifest = {"exercises": [e.name for e in exercises]}
    meta = {
        "README.md": assignment_readme(exercises),
        MANIFEST: json.dumps(manifest, indent=2) + "\n",
    }
    more_written, _ = _write(directory, meta, force=True)
    return written + more_written, skipped


def write_solutions(directory, names=None, force=False):
    """Write the instructor's solution files of ``names`` (all by default) and an assignment.json."""
    exercises = catalog.select(names)
    files = {e.file_name: solution_source(e.name, reference_source(e)) for e in exercises}
    files[MANIFEST] = json.dumps({"exercises": [e.name for e in exercises]}, indent=2) + "\n"
    return _write(directory, files, force)


def assignment_readme(exercises):
    """The README.md that ``start`` writes next to the student files."""
    total = sum(e.points for e in exercises)
    rows = "\n".join(
        f"| `{e.file_name}` | {e.title} | {e.topic} | {e.difficulty} | {e.points} |" for e in exercises
    )
    names = " ".join(e.name for e in exercises)
    return f"""# minigrad assignment

Write the forward and backward passes marked below, check them with finite
differences, and grade yourself as often as you like.  Total: {total} points.

| File | Task | Lecture | Difficulty | Points |
|------|------|---------|------------|--------|
{rows}

## How to work

1. Open a file.  Its docstring states the task and the formula to derive:
   derive it on paper first.
2. Every place you must fill in raises
   `NotImplementedError("<exercise>: <hint>")`.  Replace that line with your
   code; leave the rest of the file (names, arguments, return values) as it is.
3. Forward and backward work on plain NumPy arrays; `ctx.save_for_backward(...)`
   keeps what backward needs, and `ctx.saved_tensors` gives it back.
4. Grade yourself from this folder:

       python -m minigrad.exercises check .                 # every exercise
       python -m minigrad.exercises check . {exercises[0].name}          # just one

   An exercise that is not written yet scores 0 with "not implemented".

Exercises in this assignment: `{names}`.

## Reading the result

Each exercise is graded by several checks, and its points are the points of
the checks it passes.  A failed check prints what was wrong and a `hint:`
line that names the likely cause.  The checks compare your forward with the
reference on fresh random inputs, call your backward directly (so a gradient
in the wrong shape is seen, even where minigrad would quietly sum it for
you), and run `minigrad.gradcheck`.

A gradcheck report looks like this:

    gradcheck failed for input 2 (shape (3,), float64), output shape (3, 3):
      3 of 9 Jacobian entries disagree (allowed: |analytical - numerical| <= 1e-05 + 0.001 * |numerical|).
      worst entries (J[k, j] = d output[k] / d input[j]):
        output k      input j          numerical  analytical   abs err   rel err
        (0, 0)        (0,)                     1           2         1         1
      hint: the analytical gradient is 2 times the numerical one everywhere: ...

- **input i** is the argument of `forward` whose gradient is wrong (the line
  above the report names the inputs: `input 0 = x`, `input 1 = weight`, ...).
- Each row is one entry of the Jacobian: how much output entry *k* moves when
  input entry *j* moves.  **numerical** comes from finite differences
  (f(x + eps) - f(x - eps)) / (2 eps), **analytical** from your backward.
- The **hint** names the pattern: a sign error, a factor of 2 (a gradient
  counted twice), a transpose, contributions that are lost (a missing sum or
  accumulation), or a disagreement only at kinks and ties.

Grades do not change from run to run: the random inputs are seeded by the
exercise's name.  Each exercise runs in its own process with a time limit,
so an endless loop costs that exercise only.
"""
