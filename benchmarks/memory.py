"""Peak resident memory of ``python -m minigrad train``: the MLP and the TextCNN on MR and on GLUE's SST-2.

Each run is a fresh process (so one run's memory never counts for another)
that trains for ``--epochs`` epochs with the CLI's defaults, scores the test
set and writes its run folder into a temporary folder; the process then
reports its own peak resident set size (``resource.getrusage``'s
``ru_maxrss``), which is what the operating system had to find for it.

    python benchmarks/memory.py                          # all four rows, one epoch each
    python benchmarks/memory.py --rows mr-mlp sst2-mlp
    python benchmarks/memory.py --rows mr-mlp --baseline /tmp/old   # the same run with another minigrad's source

With ``--baseline DIR`` each row is also run with ``DIR`` (a checkout of
another minigrad version) first on the path, and the ratio is printed.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MINIGRAD_DATA", ROOT.parent / "shared" / "data"))

ROWS = {  # name -> the train arguments (besides --model, --epochs and --out)
    "mr-mlp": ["--dataset", "mr", "--data", str(DATA / "mr"), "--model", "mlp"],
    "mr-cnn": ["--dataset", "mr", "--data", str(DATA / "mr"), "--model", "cnn"],
    "sst2-mlp": ["--dataset", "csv", "--data", str(DATA / "sst2_glue/train.tsv"), "--test",
                 str(DATA / "sst2_glue/dev.tsv"), "--model", "mlp"],
    "sst2-cnn": ["--dataset", "csv", "--data", str(DATA / "sst2_glue/train.tsv"), "--test",
                 str(DATA / "sst2_glue/dev.tsv"), "--model", "cnn"],
}


def child(argv):
    """Run the CLI in this process, then print the peak resident memory in bytes on the last line."""
    try:
        from minigrad.cli import main
    except ImportError:  # a baseline from before the CLI became a package
        from minigrad.__main__ import main

    status = main(argv)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak *= 1 if sys.platform == "darwin" else 1024  # macOS reports bytes, Linux KiB
    print(f"PEAK {status} {peak}")


def measure(argv, source):
    env = {**os.environ, "PYTHONPATH": str(source), "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS",
                                                                                             "1")}
    code = ("import sys; sys.path.insert(0, %r); import memory; memory.child(sys.argv[1:])"
            % str(Path(__file__).parent))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, "train", *argv, "--out", os.path.join(tmp, "run")],
                              capture_output=True, text=True, env=env, cwd=tmp)
        seconds = time.perf_counter() - started
    last = done.stdout.strip().split("\n")[-1] if done.stdout.strip() else ""
    if not last.startswith("PEAK ") or last.split()[1] != "0":
        raise SystemExit(f"the run failed: {' '.join(argv)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    accuracy = next((line for line in done.stdout.split("\n") if line.startswith("test accuracy")), "")
    return int(last.split()[2]), seconds, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", nargs="+", choices=list(ROWS), default=list(ROWS))
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--baseline", type=Path, help="another minigrad source folder to compare with")
    args = parser.parse_args()
    print(f"peak resident memory of `python -m minigrad train ... --epochs {args.epochs}` (one process per row)")
    for row in args.rows:
        argv = [*ROWS[row], "--epochs", str(args.epochs)]
        peak, seconds, accuracy = measure(argv, ROOT)
        line = f"{row:<9} {peak / 2**20:8,.0f} MiB  {seconds:6.1f} s  {accuracy}"
        if args.baseline and "--test" not in argv:  # an older CLI has no --test
            base_peak, base_seconds, _ = measure(argv, args.baseline)
            line += f"  | baseline {base_peak / 2**20:,.0f} MiB, {base_seconds:.1f} s; ratio {peak / base_peak:.2f}x"
        print(line, flush=True)


if __name__ == "__main__":
    main()
