"""A reader that goes away (``| head -1``) ends minigrad's command lines quietly, with status 141 and no traceback."""
import os
import subprocess
import sys

import pytest

import minigrad.cli as cli
from minigrad.cli.pipes import BROKEN_PIPE, quiet_on_broken_pipe

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _into_a_closed_pipe(*argv):
    """Run ``python *argv`` with stdout a pipe whose reader has already gone: its first write fails."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, *argv], stdout=write, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": ROOT}, timeout=120)
    finally:
        os.close(write)
    return done.returncode, done.stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs") / "tiny"
    assert cli.main(["train", "--synthetic-size", "100", "--epochs", "1", "--embed-dim", "4", "--filters", "2",
                     "--kernel-sizes", "2", "--out", str(folder)]) == 0
    return folder


def test_listing_into_a_closed_pipe_ends_quietly():
    assert _into_a_closed_pipe("-m", "minigrad.exercises", "list") == (BROKEN_PIPE, "")


@pytest.mark.parametrize("argv", [["-m", "minigrad.exercises", "--help"], ["-m", "minigrad", "train", "--help"]],
                         ids=["exercises", "train"])
def test_help_into_a_closed_pipe_ends_quietly(argv):
    status, err = _into_a_closed_pipe(*argv)
    assert err == "" and status in (0, BROKEN_PIPE)  # argparse itself ignores a failed write of its help


def test_predict_into_a_closed_pipe_ends_quietly(run):
    # It used to report "minigrad predict: error: [Errno 32] Broken pipe" with status 2.
    assert _into_a_closed_pipe("-m", "minigrad", "predict", "--run", str(run), "a fine film") == (BROKEN_PIPE, "")


def test_other_errors_and_statuses_pass_through():
    @quiet_on_broken_pipe
    def main(status):
        if status == "bug":
            raise ValueError("a real bug keeps its traceback")
        if status == "exit":
            raise SystemExit(2)
        return status

    assert main(0) == 0 and main(3) == 3
    with pytest.raises(ValueError, match="real bug"):
        main("bug")
    with pytest.raises(SystemExit):
        main("exit")
