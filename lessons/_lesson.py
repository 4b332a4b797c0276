"""What every lesson shares: its command line, step headings, checks and figures.

A lesson script does::

    from _lesson import Lesson
    lesson = Lesson("Logistic regression", seed=0)
    lesson.step("The score", "s = w . x + b")
    ...
    lesson.check(loss_after < loss_before, "training lowered the loss")
    lesson.save(figure, "loss.png")
    lesson.done()

Command line of every lesson:
    --step      pause after each step until Enter is pressed (only when
                standard input is a terminal; otherwise run straight through)
    --out DIR   where figures go (default: lesson_figures/)
    --quick     smaller data and fewer epochs (for tests)
"""
import argparse
import os
import sys
from pathlib import Path

import matplotlib

# Lessons must run in a classroom projector session and in CI alike: draw to files only.
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import minigrad  # noqa: E402


class Lesson:
    def __init__(self, title, seed=0, argv=None):
        parser = argparse.ArgumentParser(description=title)
        parser.add_argument("--step", action="store_true", help="pause after each step until Enter is pressed")
        parser.add_argument("--out", default="lesson_figures", help="folder for the figures (PNG)")
        parser.add_argument("--quick", action="store_true", help="smaller data and fewer epochs (for tests)")
        parser.add_argument("--data", default=None, help="a dataset folder, for the lessons that can use one")
        args = parser.parse_args(argv)
        self.title = title
        self.quick = args.quick
        self.data = args.data
        self.out = Path(args.out)
        self.pause = args.step and sys.stdin.isatty()
        self.checks = 0
        self._steps = 0
        minigrad.manual_seed(seed)
        print(f"=== {title} ===")

    def step(self, heading, formula=None):
        """Start a new step: wait for Enter after the previous one (with --step), print the heading."""
        if self.pause and self._steps:
            input("  [Enter for the next step] ")
        self._steps += 1
        print(f"\n--- step {self._steps}: {heading}")
        if formula:
            for line in formula.strip().splitlines():
                print(f"    {line.strip()}")

    def show(self, label, value):
        """Print a named value; tensors print their values."""
        if isinstance(value, minigrad.Tensor):
            value = value.detach().numpy()
        text = str(value)
        if "\n" in text:
            print(f"  {label} =\n    " + text.replace("\n", "\n    "))
        else:
            print(f"  {label} = {text}")

    def check(self, condition, claim):
        """Assert a claim the lesson makes; the script fails if the claim stops holding."""
        self.checks += 1
        if not bool(condition):
            print(f"  check FAILED: {claim}")
            raise AssertionError(f"{self.title}: the claim '{claim}' does not hold")
        print(f"  check ok: {claim}")

    def save(self, figure, name):
        """Write a matplotlib figure as PNG into --out."""
        os.makedirs(self.out, exist_ok=True)
        path = self.out / name
        figure.savefig(path, dpi=90, bbox_inches="tight")
        plt.close(figure)
        print(f"  figure written: {path}")
        return path

    def done(self):
        print(f"\n=== done: {self.title} ({self.checks} checks passed) ===")
