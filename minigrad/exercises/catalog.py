"""The exercises a grading knows: the bank's, then those of the course's own folders.

An ``Exercise`` wraps one exercise module (``bank/<name>.py``, or a
``<name>.py`` in a folder the course file names) and answers what the
grader and ``start`` ask: the checks and their points, the hints, the
student file at a level.  The maximum points come from here - from the
module and the course file - never from a file in a student's folder.
"""
import importlib
import importlib.util
from pathlib import Path

from .bank import LESSONS, ORDER

REQUIRED = ("NAME", "TITLE", "TOPIC", "DIFFICULTY", "TASK", "DERIVATION", "GRADED", "SKELETON", "HINTS", "CHECKS")


class Exercise:
    def __init__(self, module, source):
        missing = [attr for attr in REQUIRED if not hasattr(module, attr)]
        if missing:
            raise ValueError(f"exercise module {source} lacks {', '.join(missing)}; see 'Adding an exercise' in "
                             "minigrad/exercises/README.md")
        self.module = module
        self.source = source  # what the child imports: a dotted module name or a file path
        self.name = module.NAME
        self.title, self.topic, self.difficulty = module.TITLE, module.TOPIC, module.DIFFICULTY
        # the lesson it follows: the bank's table, or an optional LESSON in a course's own exercise
        self.lesson = getattr(module, "LESSON", LESSONS.get(self.name))
        self.checks = list(module.CHECKS)
        self.hints = list(module.HINTS)
        keys = [c.key for c in self.checks]
        if len(set(keys)) != len(keys):
            raise ValueError(f"exercise {self.name}: two checks share a key ({keys})")

    @property
    def file_name(self):
        return f"{self.name}.py"

    def points(self, course=None):
        """{check key: points}, with the course's changes."""
        changes = course.points_of(self.name) if course else {}
        unknown = set(changes) - {c.key for c in self.checks}
        if unknown:
            raise ValueError(f"course file, [exercises.{self.name}] points: no check called {sorted(unknown)}; "
                             f"the checks are {[c.key for c in self.checks]}")
        return {c.key: changes.get(c.key, c.points) for c in self.checks}

    def max_points(self, course=None):
        return sum(self.points(course).values())

    def student_file(self, level="derive"):
        """The file a student starts from: the task, the derivation at ``level`` and what is graded, above the
        skeleton."""
        text = self.module.TASK + self.module.DERIVATION[level] + self.module.GRADED
        return f'"""{text.strip()}\n"""\n{self.module.SKELETON}'


def _bank(name):
    dotted = f"{__package__}.bank.{name}"
    return Exercise(importlib.import_module(dotted), dotted)


def _from_file(path):
    spec = importlib.util.spec_from_file_location(f"minigrad_course_exercise_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Exercise(module, str(path))


def _sources(course=None):
    """{name: loader} of every exercise: the bank's in course order, then those of the course's folders."""
    found = {name: (lambda name=name: _bank(name)) for name in ORDER}
    for folder in (course.folders if course else []):
        folder = Path(folder)
        if not folder.is_dir():
            raise ValueError(f"course file: the exercise folder {folder} does not exist")
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            if path.stem in found:
                raise ValueError(f"{path}: an exercise called {path.stem!r} exists already; rename the file")
            found[path.stem] = lambda path=path: _from_file(path)
    return found


def available(course=None):
    """{name: Exercise} of every exercise known to ``course`` (the bank's alone without one)."""
    return {name: load() for name, load in _sources(course).items()}


def select(names=None, course=None):
    """The exercises called ``names`` (else the course's list, else all), in the order given."""
    sources = _sources(course)
    names = list(names or (course.exercises if course and course.exercises else sources))
    unknown = [n for n in names if n not in sources]
    if unknown:
        raise KeyError(f"no exercise called {', '.join(map(repr, unknown))}; the exercises are: {', '.join(sources)}")
    exercises = [sources[n]() for n in names]
    for name, exercise in zip(names, exercises):
        if exercise.name != name:
            raise ValueError(f"the exercise in {name}.py calls itself {exercise.name!r}: NAME must match the file")
    return exercises


def get(name, course=None):
    return select([name], course)[0]
