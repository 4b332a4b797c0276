"""The course file: which exercises, at which level, for how many points, with which limits.

    [course]
    exercises = ["linear", "cross_entropy", "softmax_temperature"]
    level = "derive"              # or "guided": the text of the student files
    seed = 31337                  # graded inputs differ from a student's self-check (keep it secret)
    scale = 2                     # graded inputs this many times larger than the self-check's
    timeout = 10                  # wall-clock seconds per exercise (and CPU seconds)
    memory_mb = 2048              # address space of the process that runs the student's code
    folders = ["my_exercises"]    # the instructor's own exercises (relative to this file)
    require_confinement = true    # grade only behind the OS wall (Linux's Landlock; confine.py)

    [exercises.linear]
    points = { forward = 3, backward = 5 }   # the keys are the check keys `list --checks` shows
    level = "guided"
    allow = ["time"]              # modules or builtins the rules otherwise refuse
    timeout = 30

Read with the standard library's ``tomllib`` (``tomli`` on Python 3.10).
Every value is checked here, with a message that names the key and what to
write instead, so that a typo never grades with a default.
"""
import sys
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("derive", "guided")
COURSE_KEYS = {"exercises", "level", "seed", "scale", "timeout", "memory_mb", "folders", "require_confinement"}
EXERCISE_KEYS = {"points", "level", "allow", "timeout"}


class CourseError(ValueError):
    """The course file cannot be used: the message names the key and the fix."""


@dataclass
class Course:
    exercises: list = None  # names, in order; None: every exercise of the bank
    level: str = "derive"
    seed: int = 0
    scale: int = 1
    timeout: float = 10.0
    memory_mb: int = 2048
    folders: list = field(default_factory=list)
    require_confinement: bool = False
    per_exercise: dict = field(default_factory=dict)  # name -> {"points": {...}, "level", "allow", "timeout"}
    path: str = None

    def level_of(self, name):
        return self.per_exercise.get(name, {}).get("level", self.level)

    def points_of(self, name):
        return self.per_exercise.get(name, {}).get("points", {})

    def allow_of(self, name):
        return tuple(self.per_exercise.get(name, {}).get("allow", ()))

    def timeout_of(self, name):
        return float(self.per_exercise.get(name, {}).get("timeout", self.timeout))


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def _expect(condition, where, text):
    if not condition:
        raise CourseError(f"course file, {where}: {text}")


def load(path):
    """The Course of the file at ``path``; a CourseError naming the key otherwise."""
    path = Path(path)
    try:
        data = _toml().loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"course file {path} does not exist") from None
    except ValueError as error:  # tomllib.TOMLDecodeError is a ValueError
        raise CourseError(f"course file {path} is not valid TOML: {error}") from None
    unknown = set(data) - {"course", "exercises"}
    _expect(not unknown, "top level", f"unknown table(s) {sorted(unknown)}; use [course] and [exercises.NAME]")
    top = data.get("course", {})
    unknown = set(top) - COURSE_KEYS
    _expect(not unknown, "[course]", f"unknown key(s) {sorted(unknown)}; the keys are {sorted(COURSE_KEYS)}")
    course = Course(path=str(path))
    if "exercises" in top:
        names = top["exercises"]
        _expect(isinstance(names, list) and names and all(isinstance(n, str) for n in names), "exercises",
                "a non-empty list of exercise names, e.g. [\"linear\", \"adam\"]")
        course.exercises = list(names)
    course.level = top.get("level", course.level)
    _expect(course.level in LEVELS, "level", f"{course.level!r} is not one of {LEVELS}")
    for key, kind, low in (("seed", int, 0), ("scale", int, 1), ("timeout", (int, float), 0.1),
                           ("memory_mb", int, 256)):
        if key in top:
            value = top[key]
            _expect(isinstance(value, kind) and not isinstance(value, bool) and value >= low, key,
                    f"{value!r} should be a number >= {low}")
            setattr(course, key, value)
    course.require_confinement = top.get("require_confinement", False)
    _expect(isinstance(course.require_confinement, bool), "require_confinement",
            f"{course.require_confinement!r} should be true or false")
    folders = top.get("folders", [])
    _expect(isinstance(folders, list) and all(isinstance(f, str) for f in folders), "folders",
            "a list of folder paths, relative to the course file")
    course.folders = [str((path.parent / folder).resolve()) for folder in folders]
    for name, settings in data.get("exercises", {}).items():
        where = f"[exercises.{name}]"
        _expect(isinstance(settings, dict), where, "a table of settings")
        unknown = set(settings) - EXERCISE_KEYS
        _expect(not unknown, where, f"unknown key(s) {sorted(unknown)}; the keys are {sorted(EXERCISE_KEYS)}")
        points = settings.get("points", {})
        _expect(isinstance(points, dict) and all(isinstance(v, int) and v >= 0 for v in points.values()),
                f"{where} points", "a table of check key = whole number of points, e.g. { forward = 3 }")
        _expect(settings.get("level", "derive") in LEVELS, f"{where} level", f"one of {LEVELS}")
        allow = settings.get("allow", [])
        _expect(isinstance(allow, list) and all(isinstance(a, str) for a in allow), f"{where} allow",
                "a list of module or builtin names, e.g. [\"time\"]")
        timeout = settings.get("timeout", 1.0)
        _expect(isinstance(timeout, (int, float)) and timeout > 0, f"{where} timeout", "seconds, a positive number")
        course.per_exercise[name] = settings
    return course
