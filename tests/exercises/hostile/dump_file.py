"""Hostile: write a file anywhere through ``ndarray.dump`` (a pickle of the array), which is not ``save``."""
import numpy as np

np.zeros(3).dump("/tmp/minigrad-hostile-dump-was-here")
