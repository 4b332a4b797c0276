"""Hostile: the builtins module that numpy.ma keeps, then exec, spelled as attributes."""
import numpy as np

np.ma.core.builtins.exec("import os; os.system('touch /tmp/minigrad-hostile-builtins-was-here')")
