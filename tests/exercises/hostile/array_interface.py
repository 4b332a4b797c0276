"""Hostile: hand NumPy any memory address as an array's data, through a special method defined in a class."""
import numpy as np


class Anywhere:
    @property
    def __array_interface__(self):
        return {"data": (4096, False), "shape": (16,), "typestr": "<f8", "version": 3}


memory = np.asarray(Anywhere())
