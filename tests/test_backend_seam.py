"""Only the backend seam talks to NumPy: everything else asks ``minigrad.backend`` for its array module.

That is what lets CuPy (or any other array library) replace NumPy by
changing ``backend.py`` alone.  Modules that read and write files or draw
plots (serialization, data loading, metrics, plotting) deal with host
arrays on purpose and may import NumPy.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "minigrad"

# Files and folders (relative to minigrad/) that must reach NumPy only through the backend.
MUST_USE_THE_BACKEND = ["ops", "nn", "optim"] + [
    f"{name}.py" for name in ("tensor", "tensor_methods", "autograd", "creation", "dtypes", "random", "gradcheck")
]


def python_files(relative):
    path = PACKAGE / relative
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def numpy_imports(source):
    """Every ``import numpy...`` / ``from numpy... import ...`` in ``source``, at any depth, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "numpy"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "numpy":
                found.append((node.lineno, node.module))
    return found


CHECKED = [
    path for relative in MUST_USE_THE_BACKEND if (PACKAGE / relative).exists() for path in python_files(relative)
]


@pytest.mark.parametrize("path", CHECKED, ids=[str(p.relative_to(PACKAGE)) for p in CHECKED])
def test_module_does_not_import_numpy_directly(path):
    imports = numpy_imports(path.read_text(encoding="utf-8"))
    assert not imports, (
        f"minigrad/{path.relative_to(PACKAGE)} imports NumPy directly at "
        + ", ".join(f"line {line} ({name})" for line, name in imports)
        + "; use the array module from minigrad.backend (ctx.xp, tensor.xp or backend.cpu) instead."
    )


def test_the_engine_core_is_among_the_checked_files():
    names = {str(p.relative_to(PACKAGE)) for p in CHECKED}
    assert {"tensor.py", "autograd.py", "creation.py", "ops/elementwise.py", "ops/shape.py"} <= names


def test_the_backend_itself_is_where_numpy_lives():
    assert numpy_imports((PACKAGE / "backend.py").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "source, caught",
    [
        ("import numpy", True),
        ("import numpy as np", True),
        ("import numpy.linalg", True),
        ("from numpy import zeros", True),
        ("from numpy.lib import stride_tricks", True),
        ("def f():\n    import numpy as np\n    return np", True),
        ("import os, numpy", True),
        ("from . import backend", False),
        ("from .backend import cpu", False),
        ("import numpyro", False),
        ("text = 'import numpy'", False),
        ("# import numpy", False),
    ],
)
def test_the_check_parses_imports_rather_than_matching_text(source, caught):
    assert bool(numpy_imports(source)) is caught
