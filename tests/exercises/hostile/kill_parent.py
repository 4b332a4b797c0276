"""Hostile: kill the grader, so that later exercises go ungraded."""
import os

os.kill(os.getppid(), 9)
