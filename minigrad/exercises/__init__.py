"""Classroom exercises: write forward and backward passes, check them, get a grade.

    python -m minigrad.exercises list                  # the exercises, with difficulty and lecture
    python -m minigrad.exercises start hw1             # student files + README into hw1/
    python -m minigrad.exercises check hw1             # grade them (--json for course tooling)
    python -m minigrad.exercises solutions keys        # the reference solutions, for instructors

Where things live:

- ``solutions/<name>.py``  the reference solution of each exercise, with the
  student's part between ``# BEGIN SOLUTION`` and ``# END SOLUTION``;
- ``generate.py``          turns a solution into the student's file (each region
  becomes a ``NotImplementedError`` stub with the region's hint);
- ``catalog.py``           the list of exercises: title, lecture, difficulty;
- ``checks/<name>.py``     the graded checks of each exercise;
- ``checking.py``          the tools the checks are written with;
- ``runner.py``            grades one exercise inside its own process;
- ``grader.py``            runs those processes with a time limit, prints the table.
"""
from .catalog import EXERCISES, Exercise
from .generate import write_assignment, write_solutions
from .grader import format_table, grade

__all__ = ["EXERCISES", "Exercise", "format_table", "grade", "write_assignment", "write_solutions"]
