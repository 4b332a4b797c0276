"""The child's side of the boundary: import the student's file, run the calls the grader asked for, write arrays.

This module runs inside the limited child process that ``sandbox.py``
starts (``python -I -B -c BOOT``), never in the grader.  Nothing it
writes is trusted: the grader reads back only ``result_<k>.npz`` files,
through ``sandbox.read_npz``, and judges their arrays itself.

A call (built by ``bank/kit.py:Plan``) is one of ``forward``, ``backward``
(``grad_output`` read-only, as in the engine), ``call`` (a plain function)
and the timed ``time`` / ``time_call``.

Before the student's module is imported, the child walls itself in
(``confine.py``, Linux's Landlock, where the kernel offers it): from then
on it reads only the Python installation, minigrad's package and the
student's own folder, writes only the scratch folder, runs no program,
opens no TCP connection and signals no process outside.  It reports in
``wall.npz`` whether the wall stands, in the fixed words of
``confine.WHY``; the student's code could rewrite that file, so the
report says what an honest child found, no more.  When the job requires
the wall (a course's ``require_confinement``), a child without it never
imports the student's module.
"""
import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

from .confine import Wall, confine

# The dynamic loader's cache and folders: an extension module imported after the wall may need a system library.
# Neither /dev nor /proc is needed behind it: os.urandom and NumPy's seeding use getrandom(2), not /dev/urandom.
LIBRARIES = ("/etc/ld.so.cache", "/lib", "/lib64", "/usr/lib", "/usr/lib64")


def child_main(scratch, student_folder, exercise_module):
    """Import the student's file, run each call of job.json, write result_<k>.npz after each."""
    import importlib
    import importlib.util

    scratch = Path(scratch)
    job = json.loads((scratch / "job.json").read_text(encoding="utf-8"))
    with np.load(scratch / "inputs.npz", allow_pickle=False) as data:
        inputs = {key: data[key] for key in data.files}
    if exercise_module.endswith(".py"):  # an instructor's exercise from a course folder
        spec = importlib.util.spec_from_file_location("minigrad_course_exercise", exercise_module)
        bank = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bank)
    else:
        bank = importlib.import_module(exercise_module)
    import minigrad  # noqa: F401 - imported before the student's folder joins sys.path

    wall = _raise_wall(scratch, Path(student_folder), Path(minigrad.__file__).resolve().parent)
    _write(scratch / "wall.npz", {"code": np.array(wall.code), "abi": np.array(wall.abi)})
    if job.get("require_wall") and wall.code != "confined":
        return  # the course grades only behind the wall: the student's code never runs
    sys.path.insert(0, student_folder)
    try:
        spec = importlib.util.spec_from_file_location(job["name"], job["file"])
        student = importlib.util.module_from_spec(spec)
        sys.modules[job["name"]] = student
        spec.loader.exec_module(student)
    except BaseException as error:  # noqa: BLE001 - whatever the student's file does on import
        _write(scratch / "result_import.npz", _error(error, job["file"]))
        return
    for k, call in enumerate(job["calls"]):
        try:
            with np.errstate(all="ignore"):
                result = _execute(call, student, bank, inputs)
        except BaseException as error:  # noqa: BLE001 - the student's code may raise anything
            result = _error(error, job["file"])
        _write(scratch / f"result_{k}.npz", result)


def _raise_wall(scratch, student_folder, package):
    """Wall this process in (``confine``): read what Python imports from and the student's folder, write scratch.

    The folder that holds minigrad is on ``sys.path``; outside the Python
    installation it is a checkout, which holds the reference solutions
    (``tests/``) and perhaps the submissions: of it only the package is
    readable.  Nothing above the student's folder is, so the other
    students' folders beside it are not, unless the submissions lie inside
    a folder Python must read: then the wall is reported as ``exposed``.
    """
    installation = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    checkout = package.parent if not _beneath(package, installation) else None
    entries = [entry for entry in sys.path if entry and Path(entry).resolve() != checkout]
    read = installation + entries + list(LIBRARIES) + [str(package), str(scratch), str(student_folder)]
    wall = confine(read, [scratch])
    others = [path for path in read if path not in (str(scratch), str(student_folder))]
    if wall.code == "confined" and _beneath(student_folder.parent, others):
        return Wall(f"{wall}; but the student folders lie inside a folder it reads", "exposed", wall.abi)
    return wall


def _beneath(path, folders):
    """Whether ``path`` is one of ``folders`` or lies inside one."""
    path = Path(path).resolve()
    return any(path == folder or folder in path.parents for folder in (Path(f).resolve() for f in folders))


def _write(path, arrays):
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    os.replace(tmp, path)


def _argument(spec, inputs, bank, writable):
    """One argument of a call: an input array, a plain value, a generator, or a helper of the bank."""
    if "array" in spec:
        array = inputs[spec["array"]].copy()
        array.flags.writeable = writable
        return array
    if "generator" in spec:
        return np.random.default_rng(spec["generator"])
    if "helper" in spec:
        return getattr(bank, spec["helper"])(*spec.get("args", []))
    return spec["value"]


def _execute(call, student, bank, inputs):
    writable = call["op"] in ("call", "time_call")
    args = [_argument(spec, inputs, bank, writable) for spec in call["args"]]
    kwargs = {key: _argument(spec, inputs, bank, writable) for key, spec in call.get("kwargs", {}).items()}
    target = getattr(student, call["target"])
    if call["op"] == "time_call":
        return {"cpu": np.array(_timed(call["budget"], lambda: target(*args, **kwargs)))}
    if call["op"] == "call":
        returned = target(*args, **kwargs)
        values = list(returned) if isinstance(returned, tuple) else [returned]
        result = _pack("r", values)
        result.update({f"arg{i}": a for i, a in enumerate(args) if isinstance(a, np.ndarray)})
        return result
    ctx = target()
    ctx.needs_input_grad = tuple(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in args)
    ctx.xp = np
    out = target.forward(ctx, *args)
    result = _pack("out", [out])
    if call["op"] == "forward":
        return result
    grad_output = inputs[call["grad"]].copy()
    grad_output.flags.writeable = False  # as in the engine: backward must not change it
    if call["op"] == "time":
        return {"cpu": np.array(_timed(call["budget"], lambda: target.backward(ctx, grad_output)))}
    grads = target.backward(ctx, grad_output)
    grads = list(grads) if isinstance(grads, (tuple, list)) else [grads]
    result.update(_pack("grad", grads))
    return result


def _timed(budget, work):
    """CPU seconds of ``work()``; a timer interrupts it when it overruns ``budget``."""
    signal.signal(signal.SIGPROF, _over_budget)
    start = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, budget)
    try:
        work()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    return time.process_time() - start


class OverBudget(Exception):
    pass


def _over_budget(signum, frame):
    raise OverBudget("ran past its CPU budget")


def _pack(prefix, values):
    """Returned values as arrays: ``<prefix><i>``, with ``<prefix>_types`` naming what each one was."""
    packed = {f"{prefix}_count": np.array(len(values))}
    types = []
    for i, value in enumerate(values):
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            value = np.array([str(v)[:64] for v in value], dtype="U64").reshape(len(value))
            types.append("strings")
        elif isinstance(value, (np.ndarray, np.generic, int, float)) and not isinstance(value, bool):
            value = np.asarray(value)
            types.append("array" if value.dtype.kind in "biuf" else type(value).__name__)
        else:
            types.append("None" if value is None else type(value).__name__[:32])
            continue
        if value.dtype.kind in "biufU":
            packed[f"{prefix}{i}"] = value
    packed[f"{prefix}_types"] = np.array(types, dtype="U32")
    return packed


def _error(error, path):
    """An exception of the student's code, as arrays: its kind, text and the line of their file it came from."""
    import traceback

    kind = "not_implemented" if isinstance(error, NotImplementedError) else (
        "exit" if isinstance(error, SystemExit) else "budget" if isinstance(error, OverBudget) else "exception")
    text = f"{type(error).__name__}: {error}"[:600]
    line = ""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    if frames:
        line = f"line {frames[-1].lineno}, in {frames[-1].name}: {(frames[-1].line or '').strip()}"[:300]
    return {"error_kind": np.array(kind), "error": np.array(text), "error_line": np.array(line),
            "error_type": np.array(type(error).__name__[:64])}
