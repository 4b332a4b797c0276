"""List the lessons, run one, a range or all of them, or write them as notebooks.

    python -m lessons                          # list them
    python -m lessons 3                        # run lesson 3
    python -m lessons 1-6 --quick              # run lessons 1 to 6 with small data
    python -m lessons all --out figs           # run every lesson, figures into figs/
    python -m lessons notebooks DIR            # write every lesson as DIR/NN_name.ipynb (jupytext)
    python -m lessons notebooks DIR 7 --execute --quick
                                               # write lesson 7's notebook with its outputs (nbclient)

Options after the selection (--step, --quick, --no-text, --out DIR, --data DIR)
are passed on to each lesson.  `notebooks` takes --execute (run the notebook
in a fresh python3 kernel and save it with its outputs and inline figures),
--quick and --out DIR (passed to the kernel as MINIGRAD_LESSON_QUICK and
MINIGRAD_LESSON_OUT); it needs jupytext, and nbclient and ipykernel to
execute (all in the test extra: pip install -e .[test]).
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def lessons():
    """(number, path, one-line summary) for every lesson script, in order."""
    found = []
    for path in sorted(HERE.glob("[0-9][0-9]_*.py")):
        title = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# # "):
                title = line[4:].strip()
                break
        found.append((int(path.name[:2]), path, title))
    return found


def select(spec, available):
    if spec == "all":
        return available
    numbers = set()
    for part in spec.split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part.strip())
        if not match:
            raise SystemExit(f"lessons: cannot read the selection {spec!r}; use 3, 2-5, 1,4 or all")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        numbers.update(range(low, high + 1))
    chosen = [lesson for lesson in available if lesson[0] in numbers]
    if not chosen:
        raise SystemExit(f"lessons: no lesson matches {spec!r}; run `python -m lessons` to list them")
    return chosen


def notebooks(argv, available):
    parser = argparse.ArgumentParser(prog="python -m lessons notebooks", description="Write the lessons as Jupyter notebooks.")
    parser.add_argument("folder", help="where the .ipynb files go (created if missing)")
    parser.add_argument("selection", nargs="?", default="all", help="which lessons: 3, 2-5, 1,4 or all (default)")
    parser.add_argument("--execute", action="store_true", help="run each notebook and save it with its outputs")
    parser.add_argument("--quick", action="store_true", help="with --execute: smaller data and fewer epochs")
    parser.add_argument("--out", default=None, help="with --execute: where the figures go (default: FOLDER/lesson_figures)")
    parser.add_argument("--force", action="store_true",
                        help="replace notebooks already in FOLDER (without it they are kept: they may hold your notes)")
    args = parser.parse_args(argv)
    try:
        import _notebook
    except ImportError:
        sys.path.insert(0, str(HERE))
        import _notebook
    try:
        import jupytext  # noqa: F401
        if args.execute:
            import ipykernel  # noqa: F401
            import nbclient  # noqa: F401
    except ImportError as error:
        raise SystemExit(f"lessons notebooks: {error.name} is not installed; pip install -e .[test] (it holds jupytext, nbclient, ipykernel)")
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    failures = 0
    for number, path, _ in select(args.selection, available):
        target = folder / (path.stem + ".ipynb")
        if target.exists() and not args.force:  # a student's notes in a notebook are never replaced unasked
            print(f"kept {target} (already there; --force replaces it)")
            continue
        nb = _notebook.notebook(path)
        if args.execute:
            try:
                _notebook.execute(nb, cwd=folder.resolve(), quick=args.quick, out=Path(args.out or folder / "lesson_figures").resolve())
            except Exception as error:  # nbclient's CellExecutionError names the cell and the traceback
                print(f"lesson {number} failed in its notebook: {str(error).strip().splitlines()[-1]}")
                failures += 1
        replaced = _notebook.write(nb, target)
        print(f"{'replaced' if replaced else 'wrote'} {target}" + (f" ({_notebook.images(nb)} figures inline)" if args.execute else ""))
    return 1 if failures else 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    available = lessons()
    if not argv or argv[0] in ("-h", "--help", "list"):
        print(__doc__)
        for number, path, title in available:
            print(f"  {number:>2}  {path.name:<40} {title}")
        return 0
    if argv[0] == "notebooks":
        return notebooks(argv[1:], available)
    failures = 0
    for number, path, title in select(argv[0], available):
        result = subprocess.run([sys.executable, str(path), *argv[1:]])
        if result.returncode != 0:
            print(f"lesson {number} failed (exit code {result.returncode})")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
