"""The rules a submission follows, checked by reading it (Python's ``ast``) before any of it runs.

A submission may import NumPy, ``math``, ``Function`` from minigrad and
the student's own modules (``.py`` files beside it, which are read by the
same rules).  It may not import anything else - ``os``, ``sys``,
``subprocess``, ``ctypes``, ``importlib``, torch, or any other part of
minigrad (``nn``, ``ops``, ``autograd``, ``gradcheck``, ``exercises``) -
nor call the builtins that run or reach arbitrary code (``exec``,
``eval``, ``compile``, ``__import__``, ``open``, ``getattr`` ...), nor
touch a name or an attribute that starts with an underscore, which is
how Python code climbs from an object to its class, its module's globals
and the builtins (``().__class__.__subclasses__()``).

These rules keep honest students honest and stop the easy escapes; they
are not a proof of safety (the threat model is in ``sandbox.py``).  An
instructor can allow more per exercise with ``allow = [...]`` in the
course file: a module name (``"time"``) or a builtin (``"open"``).
"""
import ast
from pathlib import Path

MODULES = ("numpy", "numpy.linalg", "numpy.random", "numpy.fft", "math")
FROM_MINIGRAD = ("Function",)
BUILTINS = ("exec", "eval", "compile", "__import__", "open", "getattr", "setattr", "delattr", "globals", "locals",
            "vars", "breakpoint", "input", "exit", "quit", "help", "memoryview")
# NumPy's ways to files, to other modules and to C: a submission computes, it does not read or write.
ATTRIBUTES = ("save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt", "fromfile", "tofile",
              "memmap", "fromregex", "lib", "ctypeslib", "ctypes", "f2py", "testing", "distutils", "DataSource")
DUNDER_NAMES = ("__name__",)  # ``if __name__ == "__main__":`` is fine


def check_file(path, allow=()):
    """Every rule violation of ``path`` and of the student's modules it imports: a list of one-line messages."""
    path = Path(path)
    seen, problems = set(), []
    _check(path, set(allow), seen, problems)
    return problems


def _check(path, allow, seen, problems):
    if path in seen:
        return
    seen.add(path)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=path.name)
    except (SyntaxError, ValueError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        problems.append(f"{path.name}{f', line {line}' if line else ''}: the file does not parse: "
                        f"{getattr(error, 'msg', error)}")
        return
    own = {p.stem for p in path.parent.glob("*.py")}

    def refuse(node, what):
        problems.append(f"{path.name}, line {node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                _import(alias.name, node, allow, own, path, seen, problems, refuse)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                refuse(node, "relative imports are not allowed; import your module by its name.")
            elif module == "minigrad":
                for alias in node.names:
                    if alias.name not in FROM_MINIGRAD and alias.name not in allow:
                        refuse(node, f"from minigrad import {alias.name} is not allowed: a submission uses only "
                               "Function from minigrad and writes the rest itself.")
            else:
                _import(module, node, allow, own, path, seen, problems, refuse)
                for alias in node.names:
                    if (alias.name in ATTRIBUTES or alias.name.startswith("_")) and alias.name not in allow:
                        refuse(node, f"from {module} import {alias.name} is not allowed in a submission.")
        elif isinstance(node, ast.Name):
            if node.id in BUILTINS and node.id not in allow:
                refuse(node, f"{node.id} is not allowed in a submission.")
            elif node.id.startswith("_") and node.id not in DUNDER_NAMES and "_" not in allow:
                if node.id.startswith("__"):
                    refuse(node, f"the name {node.id} is not allowed (names that start with __ reach the "
                           "interpreter's internals).")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and "_" not in allow:
            refuse(node, f".{node.attr} is not allowed: a submission uses no attribute that starts with an "
                   "underscore.")
        elif isinstance(node, ast.Attribute) and node.attr in ATTRIBUTES and node.attr not in allow:
            refuse(node, f".{node.attr} is not allowed: a submission computes with arrays; it reads and writes no "
                   "files.")


def _import(module, node, allow, own, path, seen, problems, refuse):
    top = module.split(".")[0]
    if module in MODULES or top in allow or module in allow:
        return
    if top in own and "." not in module:
        _check(path.parent / f"{top}.py", allow, seen, problems)
        return
    if top == "minigrad":
        refuse(node, f"import {module} is not allowed: a submission uses only `from minigrad import Function`.")
        return
    refuse(node, f"import {module} is not allowed in a submission (allowed: numpy, math, "
           "`from minigrad import Function`, and your own modules beside this file).")
