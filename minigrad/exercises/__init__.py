"""Classroom exercises: derive a backward pass, write it, and get a grade that can't be forged.

    python -m minigrad.exercises list                        # the exercises, their checks and points
    python -m minigrad.exercises start hw1 [NAME ...]        # student files + README into hw1/
    python -m minigrad.exercises check hw1 [--json] [--hint] # a student's self-check
    python -m minigrad.exercises grade submissions/ --course course.toml --out grades.csv

Where things live:

- ``bank/<name>.py``  each exercise: its public forward, its text at two levels, its checks and hints;
- ``bank/kit.py``     what checks are made of, and the usual checks of a Function;
- ``catalog.py``      the exercises of the bank and of a course's own folders;
- ``course.py``       the course file (course.toml);
- ``rules.py``        the static check of a submission, before it runs;
- ``sandbox.py``      the child process that runs a submission, and its limits;
- ``child.py``        the child's side: import the submission, run the calls, write arrays;
- ``confine.py``      the OS wall the child raises first (Linux's Landlock);
- ``compare.py``      comparisons and the messages they give;
- ``grader.py``       the trusted parent: points, tables, the gradebook;
- ``generate.py``     the student folder that ``start`` writes.
"""
from .catalog import Exercise, available, select
from .course import Course, load
from .grader import format_table, grade_exercise, grade_folder, grade_submissions

__all__ = ["Course", "Exercise", "available", "format_table", "grade_exercise", "grade_folder", "grade_submissions",
           "load", "select"]
