"""What every lesson shares: its options, step headings, explanations, checks and figures.

A lesson script does::

    from _lesson import Lesson
    lesson = Lesson("Logistic regression", seed=0)
    lesson.step("The score", "s = w . x + b")
    ...
    lesson.check(loss_after < loss_before, "training lowered the loss")
    lesson.save(figure, "loss.png")
    lesson.done()

One source runs three ways:

- as a script, ``python lessons/07_backpropagation.py [--step] [--quick] [--no-text] [--out DIR] [--data DIR]``;
  it prints the text of each ``# %% [markdown]`` cell before the code it explains (see _text.py);
- cell by cell in Jupyter or VS Code, and as a notebook made by ``python -m lessons notebooks DIR``.
  A kernel's argv belongs to the kernel, so there the options come from environment variables;
  figures show inline and are written to the out folder as well.

Options (command line, or the environment variable that sets its default):
    --step      pause after each step until Enter is pressed (only when
                standard input is a terminal)                     MINIGRAD_LESSON_STEP=1
    --quick     smaller data and fewer epochs (for tests)         MINIGRAD_LESSON_QUICK=1
    --no-text   print headings, formulas, numbers and checks only MINIGRAD_LESSON_TEXT=0
    --out DIR   where figures go (default: lesson_figures/)       MINIGRAD_LESSON_OUT=DIR
    --data DIR  the datasets folder (default: $MINIGRAD_DATA, else ../shared/data beside the
                repository when it exists; none with --quick)    MINIGRAD_LESSON_DATA=DIR
"""
import argparse
import importlib.util
import io
import os
import sys
from pathlib import Path

import matplotlib

# A lesson's own cells have no __file__ in a kernel, but this module always has one: the checkout is its parent.
REPOSITORY = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("minigrad") is None:
    sys.path.insert(0, str(REPOSITORY))  # run from a checkout without installing it (e.g. VS Code's "Run Cell")

import minigrad  # noqa: E402
from minigrad.atomic import atomic_write  # noqa: E402
from _text import formula_lines, markdown_cells, render


def in_notebook():
    """True inside a Jupyter kernel (a notebook, VS Code's "Run Cell"): there argv is the kernel's, not ours."""
    return "ipykernel" in sys.modules


if not in_notebook():
    # A terminal run draws to files only: the same in a projector session and in CI.
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402


def find_data():
    """The datasets folder: $MINIGRAD_DATA, else ../shared/data beside the repository; None when neither exists."""
    for folder in (os.environ.get("MINIGRAD_DATA"), REPOSITORY.parent / "shared" / "data"):
        if folder and Path(folder).is_dir():
            return Path(folder)
    return None


def _flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _options(title, argv):
    defaults = dict(step=_flag("MINIGRAD_LESSON_STEP"), quick=_flag("MINIGRAD_LESSON_QUICK"),
                    text=os.environ.get("MINIGRAD_LESSON_TEXT", "1").strip().lower() not in ("0", "false", "no", "off"),
                    out=os.environ.get("MINIGRAD_LESSON_OUT", "lesson_figures"), data=os.environ.get("MINIGRAD_LESSON_DATA"))
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--step", action="store_true", default=defaults["step"], help="pause after each step until Enter is pressed")
    parser.add_argument("--out", default=defaults["out"], help="folder for the figures (PNG); default lesson_figures/")
    parser.add_argument("--quick", action="store_true", default=defaults["quick"], help="smaller data and fewer epochs (for tests)")
    parser.add_argument("--no-text", dest="text", action="store_false", default=defaults["text"],
                        help="print headings, formulas, numbers and checks, not the explanations")
    parser.add_argument("--data", default=defaults["data"],
                        help="the datasets folder (default: $MINIGRAD_DATA, else ../shared/data; none with --quick)")
    if argv is None and in_notebook():
        argv = []  # the kernel's own arguments (-f kernel.json) are not the lesson's
    return parser.parse_args(argv)


def _main_script():
    """The path of the script being run, or None (a notebook cell, an interactive session)."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return Path(path).resolve() if path and Path(path).is_file() else None


class Lesson:
    """One lesson's run: seeds minigrad's generator with ``seed`` and reads the options.

    Attributes a lesson uses: ``quick`` (bool), ``out`` (Path of the figures folder), ``data`` (the datasets
    folder or None: --data, else $MINIGRAD_DATA or ../shared/data when they exist, never by default with
    --quick), ``notebook`` (running in a Jupyter kernel), ``repo`` (the repository root).  ``argv`` replaces
    the command line (a list of strings), e.g. in a test.
    """

    def __init__(self, title, seed=0, argv=None):
        args = _options(title, argv)
        self.title = title
        self.notebook = in_notebook()
        self.quick = args.quick
        self.out = Path(args.out)
        self.repo = REPOSITORY
        self.data = args.data if args.data else (None if self.quick else find_data())
        self.pause = args.step and not self.notebook and sys.stdin.isatty()
        self.checks = 0
        self._steps = 0
        self._script = None if self.notebook else _main_script()
        self._cells = []
        if args.text and self._script is not None:
            self._cells = markdown_cells(self._script.read_text(encoding="utf-8"))
        self._explained = self.notebook or bool(self._cells)
        minigrad.manual_seed(seed)
        print(f"=== {title} ===")
        self._tell()

    # --- the explanation: markdown cells printed before the code that follows them ---

    def _caller_line(self):
        frame = sys._getframe(2)
        while frame is not None:
            if Path(frame.f_code.co_filename).resolve() == self._script:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def _tell(self, everything=False):
        """Print the markdown cells above the calling line of the script (all that are left, at the end)."""
        until = None if everything else self._caller_line()
        while self._cells and (everything or (until is not None and self._cells[0][0] < until)):
            _, lines = self._cells.pop(0)
            text = render(lines, skip_title=True)
            if text:
                print("\n" + "\n".join(text))

    # --- the lesson's API ---

    def step(self, heading, formula=None):
        """Start a new step: wait for Enter after the previous one (with --step), print its text and heading."""
        if self.pause and self._steps:
            input("  [Enter for the next step] ")
        self._tell()
        self._steps += 1
        # With the explanations on screen (a terminal run, or a notebook's markdown cells) the text's "Step N"
        # headings number the steps; the terse run numbers them itself.
        print(f"\n--- {heading}" if self._explained else f"\n--- step {self._steps}: {heading}")
        if formula:
            for line in formula_lines(formula):
                print(f"    {line}")

    def show(self, label, value):
        """Print a named value; tensors print their values."""
        self._tell()
        if isinstance(value, minigrad.Tensor):
            value = value.detach().numpy()
        text = str(value)
        if "\n" in text:
            print(f"  {label} =\n    " + text.replace("\n", "\n    "))
        else:
            print(f"  {label} = {text}")

    def check(self, condition, claim):
        """Assert a claim the lesson makes; the script fails if the claim stops holding."""
        self._tell()
        self.checks += 1
        if not bool(condition):
            print(f"  check FAILED: {claim}")
            raise AssertionError(f"{self.title}: the claim '{claim}' does not hold")
        print(f"  check ok: {claim}")

    def save(self, figure, name):
        """Write a matplotlib figure as PNG into the out folder; in a notebook, show it inline too."""
        self._tell()
        os.makedirs(self.out, exist_ok=True)
        path = self.out / name
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=90, bbox_inches="tight")
        with atomic_write(path) as f:
            f.write(png.getvalue())
        plt.close(figure)
        if self.notebook:
            # The PNG itself, not the Figure: a Figure shows inline only once pyplot's inline backend is active,
            # and minigrad.plot draws without pyplot.
            from IPython.display import Image, display

            display(Image(data=png.getvalue(), format="png"))
        print(f"  figure written: {path}")
        return path

    def done(self):
        """Print the closing text (the exercises that practise the lesson) and the number of checks passed."""
        self._tell(everything=True)
        print(f"\n=== done: {self.title} ({self.checks} checks passed) ===")
