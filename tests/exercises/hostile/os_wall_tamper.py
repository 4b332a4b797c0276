"""Hostile (OS wall): ruin what is graded after it: its own cross_entropy.py and the victim's linear.py."""
import os
from pathlib import Path

here = Path(__file__).resolve().parent
for target in (here / "cross_entropy.py", here.parent / "victim" / "linear.py"):
    try:
        target.write_text("raise SystemExit('overwritten by a classmate')\n")
        print("OVERWRITE DONE", flush=True)
    except OSError as error:
        print("OVERWRITE DENIED", type(error).__name__, flush=True)
    try:
        os.remove(target)
        print("DELETE DONE", flush=True)
    except OSError as error:
        print("DELETE DENIED", type(error).__name__, flush=True)
