"""List the lessons, or run one, a range, or all of them.

    python -m lessons                 # list them
    python -m lessons 3               # run lesson 3
    python -m lessons 1-6 --quick     # run lessons 1 to 6 with small data
    python -m lessons all --out figs  # run every lesson, figures into figs/

Options after the selection (--step, --quick, --out DIR, --data DIR) are
passed on to each lesson.
"""
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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    available = lessons()
    if not argv or argv[0] in ("-h", "--help", "list"):
        print(__doc__)
        for number, path, title in available:
            print(f"  {number:>2}  {path.name:<40} {title}")
        return 0
    failures = 0
    for number, path, title in select(argv[0], available):
        result = subprocess.run([sys.executable, str(path), *argv[1:]])
        if result.returncode != 0:
            print(f"lesson {number} failed (exit code {result.returncode})")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
