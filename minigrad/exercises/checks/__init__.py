"""The graded checks, one module per exercise (``checks/linear.py`` grades ``linear.py``).

Each module has ``CHECKS``: a list of functions ``check(student, reference,
rng)`` marked with ``@graded(points, description)`` (see ``checking.py``).
Exercise checks live here and not next to the solutions, so that nothing
of them reaches the student's files.
"""
import importlib


def load(name):
    """The checks module of exercise ``name``."""
    return importlib.import_module(f"{__name__}.{name}")
