"""Hostile (OS wall): read another student's submission beside this folder, and print it into the feedback."""
import os
from pathlib import Path

here = Path(__file__).resolve().parent
for label, target in (("SIBLING", here.parent / "victim" / "linear.py"), ("LISTING", here.parent),
                      ("SOLUTION", Path(__import__("minigrad").__file__).resolve().parents[1] / "tests" / "exercises"
                       / "solutions" / "linear.py")):
    try:
        text = os.listdir(target) if target.is_dir() else target.read_text()
        print(label, "READ", text, flush=True)
    except OSError as error:
        print(label, "DENIED", type(error).__name__, flush=True)
