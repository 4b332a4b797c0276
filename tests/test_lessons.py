"""Every lesson runs straight through with --quick, headless, checks its claims and writes its figures."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
SCRIPTS = sorted(LESSONS.glob("[0-9][0-9]_*.py"))


def test_lessons_are_numbered_once_each_from_1():
    numbers = [int(p.name[:2]) for p in SCRIPTS]
    assert numbers[0] == 1 and len(set(numbers)) == len(numbers), numbers


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_lesson_runs_quick_and_headless(script, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "check ok:" in result.stdout
    assert "check FAILED" not in result.stdout
    assert "=== done:" in result.stdout
    assert list(tmp_path.glob("*.png")), "the lesson wrote no figure"


def test_lesson_list_names_every_lesson():
    result = subprocess.run([sys.executable, "-m", "lessons"], capture_output=True, text=True, cwd=LESSONS.parent)
    assert result.returncode == 0
    for script in SCRIPTS:
        assert script.name in result.stdout


def test_step_mode_runs_straight_through_without_a_terminal(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPTS[0]), "--quick", "--step", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[Enter" not in result.stdout
