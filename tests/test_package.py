"""`import minigrad` alone makes every part of the package reachable."""
import subprocess
import sys

PARTS = ["nn", "optim", "data", "text", "datasets", "metrics", "models", "train", "cuda", "plot", "exercises"]


def test_import_minigrad_reaches_every_subpackage():
    code = "import minigrad\n" + "\n".join(f"minigrad.{part}" for part in PARTS)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_an_unknown_attribute_is_an_attribute_error():
    import minigrad

    try:
        minigrad.no_such_thing
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:
        raise AssertionError("minigrad.no_such_thing did not raise")
