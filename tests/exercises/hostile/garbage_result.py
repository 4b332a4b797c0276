"""Hostile: replace the result files with arrays that claim to be huge, and with pickles."""
import os
import pickle
import zipfile

import numpy as np

header = b"\x93NUMPY\x01\x00\x76\x00" + b"{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000,), }".ljust(117) + b"\n"
for k in range(8):
    with zipfile.ZipFile(f"result_{k}.npz", "w") as archive:
        archive.writestr("out0.npy", header + b"\0" * 64)
    with open(f"result_import.npz", "wb") as handle:
        pickle.dump({"points": 1000}, handle)
np.savez("result_0.npz", out0=np.zeros(2, dtype=object))
os._exit(0)
