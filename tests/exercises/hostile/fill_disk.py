"""Hostile: fill the grading machine's disk from the working folder, one file at a time (each below RLIMIT_FSIZE)."""
import os

block = b"\1" * 2**20
for i in range(400):  # 400 MiB if nothing stops it
    with open(f"fill{i}.bin", "wb") as handle:
        handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())
    print("FILLED", i + 1, flush=True)
