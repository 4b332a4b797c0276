"""Command line of the exercises: list, start, check, solutions.

    python -m minigrad.exercises list
    python -m minigrad.exercises start DIR [NAME ...] [--force]
    python -m minigrad.exercises check DIR [NAME ...] [--json] [--timeout S] [--seed N] [--show-output]
    python -m minigrad.exercises solutions DIR [NAME ...] [--force]
"""
import argparse
import json
import sys

from . import catalog, generate, grader

EPILOG = """examples:
  python -m minigrad.exercises list
  python -m minigrad.exercises start hw1                    every exercise
  python -m minigrad.exercises start hw1 sigmoid linear     just these two
  cd hw1 && python -m minigrad.exercises check .            grade all of them
  python -m minigrad.exercises check . linear               grade one
  python -m minigrad.exercises check submissions/alice --json > alice.json
  python -m minigrad.exercises solutions answer_key         for instructors
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m minigrad.exercises",
        description="Gradient exercises for the classroom: write forward and backward passes, check them with "
        "finite differences, get a grade.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    commands.add_parser("list", help="the exercises, with difficulty, lecture topic and points")

    start = commands.add_parser("start", help="write the student files and a README into DIR")
    start.add_argument("directory", metavar="DIR")
    start.add_argument("names", nargs="*", metavar="NAME", help="exercises to include (default: all)")
    start.add_argument("--force", action="store_true", help="overwrite student files that already exist")

    check = commands.add_parser("check", help="grade the student files in DIR")
    check.add_argument("directory", metavar="DIR")
    check.add_argument("names", nargs="*", metavar="NAME",
                       help="exercises to grade (default: those of DIR's assignment.json, else the files present)")
    check.add_argument("--json", action="store_true", help="print the result as JSON, for course tooling")
    check.add_argument("--timeout", type=float, default=grader.DEFAULT_TIMEOUT, metavar="S",
                       help=f"time limit per exercise in seconds (default {grader.DEFAULT_TIMEOUT:g})")
    check.add_argument("--seed", type=int, default=0, metavar="N",
                       help="another seed for the random test inputs (default 0; grades repeat for a given seed)")
    check.add_argument("--show-output", action="store_true", help="show what the student's code printed")

    solutions = commands.add_parser("solutions", help="write the reference solutions into DIR (for instructors)")
    solutions.add_argument("directory", metavar="DIR")
    solutions.add_argument("names", nargs="*", metavar="NAME", help="exercises to include (default: all)")
    solutions.add_argument("--force", action="store_true", help="overwrite files that already exist")
    return parser


def _list():
    rows = [(e.name, e.difficulty, e.topic, str(e.points), e.title) for e in catalog.EXERCISES]
    head = ("exercise", "difficulty", "lecture", "points", "task")
    widths = [max(len(row[i]) for row in rows + [head]) for i in range(4)]
    for row in [head] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4])
    print(f"\n{len(rows)} exercises, {sum(e.points for e in catalog.EXERCISES)} points in all.")


def _report_written(directory, written, skipped, what):
    print(f"{what} in {directory}: {', '.join(written) or 'nothing new'}")
    if skipped:
        print(f"kept (already there; --force overwrites): {', '.join(skipped)}")


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            _list()
        elif args.command == "start":
            written, skipped = generate.write_assignment(args.directory, args.names, force=args.force)
            _report_written(args.directory, written, skipped, "wrote")
            print(f"next: open {args.directory}/README.md; grade yourself with: "
                  f"python -m minigrad.exercises check {args.directory}")
        elif args.command == "solutions":
            written, skipped = generate.write_solutions(args.directory, args.names, force=args.force)
            _report_written(args.directory, written, skipped, "wrote the reference solutions")
        elif args.command == "check":
            if args.timeout <= 0:
                raise ValueError("--timeout must be a positive number of seconds")
            result = grader.grade(args.directory, args.names, timeout=args.timeout, seed=args.seed)
            if args.json:
                print(json.dumps(result, indent=2))
            else:
                print(grader.format_table(result, show_output=args.show_output))
    except (KeyError, FileNotFoundError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
