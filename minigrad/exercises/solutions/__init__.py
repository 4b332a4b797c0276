"""Reference solutions, one file per exercise, with the student's part marked.

Each file is what a student's file should look like once finished.  The
lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` are what the
student writes; ``minigrad.exercises.generate`` replaces them with a
``raise NotImplementedError`` stub carrying the region's ``# HINT:`` text.
"""
