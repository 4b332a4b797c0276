"""Hostile: take the reference solution from the installed package."""
from minigrad.exercises.solutions.linear import Linear  # noqa: F401
