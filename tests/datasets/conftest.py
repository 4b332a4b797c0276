"""Finding the shared data folder (``shared/data`` beside the repository, or $MINIGRAD_DATA).

Tests that read the real files skip when the folder is missing - except on
CI (the CI environment variable is set), where a missing file is a failure,
so that a broken data path can never turn into a silently green run.
"""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def data_dir():
    return Path(os.environ.get("MINIGRAD_DATA") or REPO / ".." / "shared" / "data").resolve()


@pytest.fixture
def data_file():
    """``data_file("sst/stsa.binary.train")``: the path, or skip (fail on CI) if it is missing."""

    def find(relative):
        path = data_dir() / relative
        if not path.exists():
            message = f"data file {path} not found (set MINIGRAD_DATA to the folder holding mr/, sst/, ...)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        return path

    return find
