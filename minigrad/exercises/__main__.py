"""Command line of the exercises: list, start, check, grade.

    python -m minigrad.exercises list [--course course.toml]
    python -m minigrad.exercises start DIR [NAME ...] [--course course.toml] [--force]
    python -m minigrad.exercises check DIR [NAME ...] [--json] [--hint] [--course course.toml] [--show-output]
    python -m minigrad.exercises grade SUBMISSIONS [--course course.toml] [--out grades.csv] [--force]
"""
import argparse
import json
import sys
from pathlib import Path

from ..atomic import atomic_write
from ..cli.pipes import quiet_on_broken_pipe
from . import catalog, course as courses, generate, grader

EPILOG = """examples:
  python -m minigrad.exercises list
  python -m minigrad.exercises start hw1                    every exercise, at the derive level
  python -m minigrad.exercises start hw1 sigmoid linear     just these two
  python -m minigrad.exercises start hw1 --course course.toml
  cd hw1 && python -m minigrad.exercises check .            grade yourself
  python -m minigrad.exercises check . linear --hint        reveal linear's next graded hint
  python -m minigrad.exercises grade submissions/ --course course.toml --out grades.csv
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m minigrad.exercises",
        description="Gradient exercises for the classroom: derive and write backward passes, check them, and "
        "grade a class. Student code runs in a separate, limited process that returns only arrays, behind an "
        "OS wall on Linux with Landlock (no other student's files, no programs, no signals out; the run's "
        "'OS wall:' line says whether it stood).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    course_help = "the course file: exercises, levels, points, limits, seed (see minigrad/exercises/README.md)"

    listing = commands.add_parser("list", help="the exercises in the lecture's order, the lesson each follows, "
                                  "their checks and points")
    listing.add_argument("--course", metavar="FILE", help=course_help)

    start = commands.add_parser("start", help="write the student files and a README into DIR")
    start.add_argument("directory", metavar="DIR")
    start.add_argument("names", nargs="*", metavar="NAME", help="exercises to include (default: the course's, "
                       "else all)")
    start.add_argument("--course", metavar="FILE", help=course_help)
    start.add_argument("--force", action="store_true", help="overwrite student files that already exist")

    check = commands.add_parser("check", help="grade the student files in DIR (a self-check)")
    check.add_argument("directory", metavar="DIR")
    check.add_argument("names", nargs="*", metavar="NAME",
                       help="exercises to grade (default: those of DIR's assignment.json, else the files present)")
    check.add_argument("--json", action="store_true", help="print the result as JSON, for course tooling")
    check.add_argument("--hint", action="store_true", help="reveal the next graded hint of each exercise named "
                       "(or of each that does not pass); the number used is recorded")
    check.add_argument("--course", metavar="FILE", help=course_help)
    check.add_argument("--show-output", action="store_true", help="show what the student's code printed")

    grade = commands.add_parser("grade", help="grade every student folder in SUBMISSIONS: a CSV gradebook and one "
                                "JSON per student")
    grade.add_argument("submissions", metavar="SUBMISSIONS", help="a folder holding one folder per student")
    grade.add_argument("--course", metavar="FILE", help=course_help)
    grade.add_argument("--out", default="grades.csv", metavar="CSV",
                       help="the gradebook (default grades.csv); the JSON files go into a folder beside it, "
                       "named after it (grades/)")
    grade.add_argument("--force", action="store_true", help="replace a gradebook that exists already")
    return parser


def _list(course):
    exercises = catalog.select(course=course)
    if not (course and course.exercises):  # the whole bank: in the lecture's order, lesson by lesson
        exercises.sort(key=lambda e: (e.lesson is None, e.lesson or 0))
    head = ("exercise", "lesson", "difficulty", "lecture", "points")
    rows = [(e.name, "-" if e.lesson is None else str(e.lesson), e.difficulty, e.topic, str(e.max_points(course)))
            for e in exercises]
    widths = [max(len(row[i]) for row in rows + [head]) for i in range(len(head))]
    for row in [head] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
    print("\nchecks (the keys a course file's points use):")
    for e in exercises:
        print(f"  {e.name}: " + ", ".join(f"{key} {points}" for key, points in e.points(course).items()))
    print(f"\n{len(rows)} exercises, {sum(e.max_points(course) for e in exercises)} points in all.")


def _check(args, course):
    names = generate.exercises_in(args.directory, args.names)
    result = grader.grade_folder(args.directory, names, course, hints_used=generate.hints_used(args.directory))
    if args.hint:
        wanted = set(args.names) or {r["name"] for r in result["exercises"] if r["status"] != "pass"}
        for r in result["exercises"]:
            if r["name"] in wanted:
                r["revealed"] = generate.reveal_hint(args.directory, catalog.get(r["name"], course))
                r["hints_used"] = len(r["revealed"])
    print(json.dumps(result, indent=2) if args.json else grader.format_table(result, show_output=args.show_output))


def _grade(args, course):
    out = Path(args.out)
    folder = out.with_suffix("")
    if out.exists() and not args.force:
        raise FileExistsError(f"{out} exists already; choose another --out, or pass --force to replace it")
    if course is None or not course.exercises:
        present = {p.stem for p in Path(args.submissions).glob("*/*.py")}
        names = [name for name in catalog.available(course) if name in present]
        course = course or courses.Course()
        course.exercises = names or None
    graded = grader.grade_submissions(args.submissions, course)
    folder.mkdir(parents=True, exist_ok=True)
    for student, result in graded.items():
        with atomic_write(folder / f"{student}.json", "w", encoding="utf-8") as handle:
            handle.write(json.dumps(result, indent=2) + "\n")
    with atomic_write(out, "w", encoding="utf-8") as handle:
        handle.write(grader.gradebook_csv(graded))
    for student, result in graded.items():
        print(grader.shown(f"{student}: {result['points']}/{result['max_points']}"))  # a folder name may hold ESC
    wall = grader.wall_summary([r for result in graded.values() for r in result["exercises"]])
    if wall:
        print(f"OS wall: {wall}")
    print(f"wrote {out} and {len(graded)} JSON file(s) in {folder}/")


@quiet_on_broken_pipe  # `list | head -1` ends quietly, with status 141
def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        course = courses.load(args.course) if getattr(args, "course", None) else None
        if args.command == "list":
            _list(course)
        elif args.command == "start":
            written, skipped = generate.write_assignment(args.directory, args.names, course, force=args.force)
            print(f"wrote in {args.directory}: {', '.join(written) or 'nothing new'}")
            if skipped:
                print(f"kept (already there; --force overwrites): {', '.join(skipped)}")
            print(f"next: open {args.directory}/README.md; grade yourself with: "
                  f"python -m minigrad.exercises check {args.directory}")
        elif args.command == "check":
            _check(args, course)
        elif args.command == "grade":
            _grade(args, course)
    except (KeyError, FileNotFoundError, FileExistsError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
