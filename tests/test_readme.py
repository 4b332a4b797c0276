"""The README's two commands are the ones that CI and a newcomer actually run."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    test_command = "python -m pytest"
    assert test_command in ci_lines
    assert f'pip install ".[test]" && {test_command}' in readme


def test_readme_first_command_installs_and_trains_on_the_default():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && python -m minigrad train" in readme
