"""Hostile: the same special attribute, set through type()'s namespace dict, where it is only a string."""
import numpy as np

Anywhere = type("Anywhere", (), {"__array_interface__": {"data": (4096, False), "shape": (16,), "typestr": "<f8",
                                                         "version": 3}})
memory = np.asarray(Anywhere())
