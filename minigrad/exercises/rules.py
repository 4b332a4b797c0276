"""The rules a submission follows, checked by reading it (Python's ``ast``) before any of it runs.

A submission may import NumPy, ``math``, ``Function`` from minigrad and
the student's own modules (``.py`` files beside it, which are read by the
same rules).  It may not import anything else - ``os``, ``sys``,
``subprocess``, ``ctypes``, ``importlib``, torch, or any other part of
minigrad (``nn``, ``ops``, ``autograd``, ``gradcheck``, ``exercises``) -
nor call the builtins that run or reach arbitrary code (``exec``,
``eval``, ``compile``, ``__import__``, ``open``, ``getattr``, ``type``
...), nor define special methods other than ``__init__`` (NumPy calls
them: ``__array_interface__`` can name any address as an array), nor
touch a name or an attribute that starts with an underscore, which is
how Python code climbs from an object to its class, its module's globals
and the builtins (``().__class__.__subclasses__()``).  The other climbs
known are refused by name as well: a frame's or a generator's attributes
(``gen.gi_frame.f_builtins``), the names under which NumPy keeps other
modules (``np.ma.core.builtins``), the builtins above spelled as
attributes, the attributes a ``match`` class pattern reads
(``case object(__globals__=g)``), and NumPy's ways to files (``np.save``,
``ndarray.dump``).

These rules keep honest students honest and stop the easy escapes; they
are not a proof of safety (the threat model is in ``sandbox.py``).  An
instructor can allow more per exercise with ``allow = [...]`` in the
course file: a module name (``"time"``) or a builtin (``"open"``).
"""
import ast
import os
from pathlib import Path

MODULES = ("numpy", "numpy.linalg", "numpy.random", "numpy.fft", "math")
FROM_MINIGRAD = ("Function",)
BUILTINS = ("exec", "eval", "compile", "__import__", "open", "getattr", "setattr", "delattr", "globals", "locals",
            "vars", "breakpoint", "input", "exit", "quit", "help", "memoryview")
# NumPy's ways to files, to other modules and to C: a submission computes, it does not read or write.
ATTRIBUTES = ("save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt", "fromfile", "tofile",
              "dump", "dumps", "memmap", "fromregex", "lib", "ctypeslib", "ctypes", "cffi", "f2py", "testing",
              "distutils", "DataSource")
DUNDER_NAMES = ("__name__",)  # ``if __name__ == "__main__":`` is fine
# Refused as names, but fine as attributes (``ctx.input = x``): they reach nothing there.
HARMLESS_ATTRIBUTES = ("input", "help", "exit", "quit")
SPECIAL_METHODS = ("__init__",)  # the only one a submission defines (a helper class of its own)
# type(name, bases, namespace) makes a class whose special attributes are strings in a dict, out of the rules' sight.
NAMES = ("type",)
# A running generator's, coroutine's, frame's or traceback's attributes lead to a frame, whose f_globals and
# f_builtins hold __import__: ``gen.gi_frame.f_builtins["__import__"]("os")`` needs no underscore attribute.
FRAMES = ("gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "cr_origin", "ag_frame",
          "ag_code", "ag_await", "f_back", "f_builtins", "f_code", "f_globals", "f_locals", "f_trace", "tb_frame",
          "tb_next")


def _submodule_names():
    """The names under which the allowed modules hold other modules (``np.ma``, ``np.random.mtrand``).

    Those modules import what a submission may not (``numpy.ma.core`` keeps
    ``builtins``, ``inspect`` and ``operator``), so reaching one is reaching
    them.  Read from the NumPy that is installed, since the child imports the same.
    """
    import importlib
    import types

    names = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in dir(module):
            value = getattr(module, name, None) if not name.startswith("_") else None
            if isinstance(value, types.ModuleType) and value.__name__ not in MODULES:
                names.add(name)
    return frozenset(names)


SUBMODULES = _submodule_names()


MAX_FILE_BYTES = 2**20  # a submission's file is a few kilobytes; a larger one is refused unread


def check_file(path, allow=()):
    """Every rule violation of ``path`` and of the student's modules it imports: a list of one-line messages."""
    seen, problems, queue = set(), [], [Path(path)]
    # A queue, not recursion: a chain of 1,500 helper modules, each importing the next, once made the grader
    # itself fail with a RecursionError, and every student's grade with it.
    while queue:
        module = queue.pop(0)
        if module not in seen:
            seen.add(module)
            _check(module, set(allow), problems, queue)
    return problems


def _check(path, allow, problems, queue):
    """Read one file: its problems go to ``problems``, the student's modules it imports to ``queue``."""
    if path.is_symlink():  # a link to a classmate's file, or to a solution on the grading machine, is not one's own
        problems.append(f"{path.name}: it is a symbolic link (to {os.readlink(path)}), not a file of the "
                        "submission; hand in the file itself.")
        return
    if not path.is_file():  # a FIFO would block the grader's read for ever; a folder named x.py cannot be read
        problems.append(f"{path.name}: it is not a regular file; a submission is made of .py files.")
        return
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(f"{path.name}: the file holds {path.stat().st_size:,} bytes, more than a submission's "
                        f"{MAX_FILE_BYTES:,}; it was not read.")
        return
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=path.name)
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError) as error:
        line = getattr(error, "lineno", None)
        problems.append(f"{path.name}{f', line {line}' if line else ''}: the file does not parse: "
                        f"{getattr(error, 'msg', error) or 'nested too deeply'}")
        return
    own = {p.stem for p in path.parent.glob("*.py")}

    def refuse(node, what):
        problems.append(f"{path.name}, line {node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                _import(alias.name, node, allow, own, path, queue, refuse)
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
                _import(module, node, allow, own, path, queue, refuse)
                for alias in node.names:
                    if _attribute_problem(alias.name, allow):
                        refuse(node, f"from {module} import {alias.name} is not allowed in a submission.")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # A special method is a hook the interpreter and NumPy call: a property named
            # __array_interface__ hands NumPy any memory address as an array's data.
            if node.name.startswith("__") and node.name not in SPECIAL_METHODS and "_" not in allow:
                refuse(node, f"defining {node.name} is not allowed: special methods hook into Python and NumPy "
                       f"(a submission may define {', '.join(SPECIAL_METHODS)}).")
        elif isinstance(node, ast.Name):
            if node.id in BUILTINS + NAMES and node.id not in allow:
                refuse(node, f"{node.id} is not allowed in a submission.")
            elif node.id.startswith("_") and node.id not in DUNDER_NAMES and "_" not in allow:
                if node.id.startswith("__"):
                    refuse(node, f"the name {node.id} is not allowed (names that start with __ reach the "
                           "interpreter's internals).")
        elif isinstance(node, ast.Attribute):
            problem = _attribute_problem(node.attr, allow)
            if problem:
                refuse(node, f".{node.attr} is not allowed: {problem}")
        elif isinstance(node, ast.MatchClass):  # case C(name=p) reads the attribute `name`, written as a string
            for name in node.kwd_attrs:
                problem = _attribute_problem(name, allow)
                if problem:
                    refuse(node, f"the pattern's attribute {name} is not allowed: {problem}")


def _attribute_problem(name, allow):
    """Why the attribute ``name`` is refused (to finish "... is not allowed: "), or None."""
    if name in allow:
        return None
    if name.startswith("_"):
        return None if "_" in allow else "a submission uses no attribute that starts with an underscore."
    if name in ATTRIBUTES:
        return "a submission computes with arrays; it reads and writes no files."
    if name in FRAMES:
        return "a submission does not look at frames, generators' internals or tracebacks."
    if name in BUILTINS and name not in HARMLESS_ATTRIBUTES:
        return "it is a builtin that a submission may not call, under any name."
    if name in SUBMODULES:
        return ("a submission uses numpy, numpy.linalg, numpy.random, numpy.fft and math, not their other "
                f"modules (if .{name} is an attribute of your own, give it another name).")
    return None


def _import(module, node, allow, own, path, queue, refuse):
    top = module.split(".")[0]
    if module in MODULES or top in allow or module in allow:
        return
    if top in own and "." not in module:
        queue.append(path.parent / f"{top}.py")  # the student's own module: read by the same rules
        return
    if top == "minigrad":
        refuse(node, f"import {module} is not allowed: a submission uses only `from minigrad import Function`.")
        return
    refuse(node, f"import {module} is not allowed in a submission (allowed: numpy, math, "
           "`from minigrad import Function`, and your own modules beside this file).")
