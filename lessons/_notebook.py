"""Lessons as Jupyter notebooks: the percent script converted with jupytext, and executed with nbclient.

The script stays the one source.  The notebook gets one extra cell at the top
that puts this checkout's lessons/ and repository root first on the kernel's
path, so ``from _lesson import Lesson`` and ``import minigrad`` work wherever
the notebook is saved.  Options reach the kernel through the environment
(``MINIGRAD_LESSON_QUICK``, ``MINIGRAD_LESSON_OUT``, ...; see _lesson.py),
never through argv.
"""
import os
from pathlib import Path

LESSONS = Path(__file__).resolve().parent


def notebook(script):
    """The notebook (nbformat) of a lesson script, with the setup cell in front."""
    import jupytext
    import nbformat

    nb = jupytext.read(script, fmt="py:percent")
    setup = nbformat.v4.new_code_cell(
        "# Added by `python -m lessons notebooks`: import _lesson and minigrad from this checkout.\n"
        "import sys\n"
        f"sys.path[:0] = [{str(LESSONS)!r}, {str(LESSONS.parent)!r}]",
        metadata={"tags": ["setup"]},
    )
    nb.cells.insert(0, setup)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    return nb


def execute(nb, cwd, quick=False, out=None, timeout=600):
    """Run every cell in a fresh python3 kernel started in ``cwd``; raises nbclient's CellExecutionError on failure.

    ``kernel_name="python3"`` is ipykernel's built-in spec for the running interpreter, so this works in a
    fresh virtual environment with no kernel installed by hand.
    """
    from nbclient import NotebookClient

    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    if quick:
        env["MINIGRAD_LESSON_QUICK"] = "1"
    if out is not None:
        env["MINIGRAD_LESSON_OUT"] = str(out)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)
    return nb


def images(nb):
    """How many PNG images the notebook's outputs hold (the figures shown inline)."""
    return sum("image/png" in output.get("data", {}) for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", []))


def write(nb, path):
    """Write the notebook all at once or not at all; True when it replaced an existing file."""
    import jupytext

    from minigrad.atomic import atomic_write

    existed = Path(path).exists()
    with atomic_write(path, "w", encoding="utf-8") as f:
        f.write(jupytext.writes(nb, fmt="ipynb"))
    return existed
