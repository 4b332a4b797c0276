"""The boundary a submission crosses: student code runs here, in a child process, and returns only arrays.

What it guards against (the threat model; the exercises README says it
for instructors):

- **A forged score.**  The child never reports points.  It receives its
  inputs as an ``.npz`` in a fresh scratch folder and writes one
  ``result_<k>.npz`` per call; the parent loads each with
  ``allow_pickle=False`` after checking its zip headers (stored, not
  compressed; every array's declared size within the member's bytes and
  within ``ARRAY_LIMIT``), so a file can neither run code nor make the
  parent allocate what it does not hold.  The parent (``grader.py``)
  judges the arrays and computes every point itself.
- **Runaway code.**  Resource limits are set in the child before Python
  starts (``preexec_fn``), soft and hard alike (but for one second of CPU
  time between SIGXCPU and SIGKILL), and CAP_SYS_RESOURCE is
  dropped from the capability bounding set (it lets root raise a hard
  limit), so the child cannot raise them:
  CPU seconds, address space, file size, number of processes, no core
  dumps.  The child runs in its own session and process group; the parent
  owns the wall-clock limit, and when the child ends or runs out of time
  it kills the group and every descendant it finds in ``/proc``, also
  those that left the group with ``setsid()``: the grader makes itself a
  child subreaper (Linux), so orphaned grandchildren become its children
  and are found.
- **Flooded or injected output.**  The child's stdout and stderr go to a
  pipe the parent reads into a bounded buffer; that text is shown to the
  student as "your code printed", indented, and never parsed.
- **Files.**  The child's working folder is a scratch folder deleted
  afterwards; the only files read back are the result files named above.
  A file may not grow past ``FILE_LIMIT`` (RLIMIT_FSIZE), and the parent
  looks at the folder and at the files the child has open (an unlinked
  file fills the disk too) every ``WATCH`` seconds: past ``SCRATCH_LIMIT``
  bytes or ``SCRATCH_ENTRIES`` files the child is stopped, so one
  submission cannot fill the grading machine's disk (it may overshoot by
  what it writes in one interval).
- **Other files, programs, signals, the network** (Linux with Landlock
  only).  Before it imports the student's module the child walls itself
  in (``confine.py``): it reads only the Python installation, minigrad's
  package and the student's own folder, writes only its scratch folder,
  runs no program, opens no TCP socket and signals no process outside
  (the grader, other students).  It reports in ``wall.npz`` whether the
  wall stands, as a code of ``confine.WHY`` that the parent words itself;
  ``Outcome.wall`` holds it ("unreported" when the file is missing).

What it does *not* do: where Landlock is missing (not Linux, a kernel
before 5.13, Landlock disabled, a seccomp filter that hides it) there is
no wall: a child runs as the grader's user, may read any file that user
can read, and, if it reaches ``os`` despite the static rules
(``rules.py``), may signal the grader's processes.  Behind the wall it
still reads the whole Python installation, sends UDP, connects to UNIX
sockets that have a path, and spends its CPU and memory up to the limits;
and a hostile child may misreport its wall (the report is what an honest
child found).  Grade untrusted submissions in a container or a VM.

The child's side is ``child.py:child_main`` (run as ``python -I -B -c BOOT``:
isolated mode, no bytecode, a minimal environment).
"""
import ctypes
import json
import math
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..serialization import zip_directory_size
from .confine import WHY

OUTPUT_LIMIT = 8000  # bytes of the child's printed output that are kept
ARRAY_LIMIT = 2**24  # entries per returned array
FILE_LIMIT = 2**28  # bytes any file the child writes may reach (RLIMIT_FSIZE)
SCRATCH_LIMIT = 2**29  # bytes the child may keep in its scratch folder; its results take kilobytes
SCRATCH_ENTRIES = 1000  # files and folders it may make there
WATCH = 0.05  # seconds between two looks at the scratch folder
DIRECTORY_LIMIT = 2**16  # bytes of a result file's list of entries: some 600, where a result has a handful
KEY = re.compile(r"^[a-z_]{1,16}[0-9]{0,3}$")
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from minigrad.exercises.child import child_main; child_main(sys.argv[2], sys.argv[3], sys.argv[4])"
)
_PR_SET_CHILD_SUBREAPER = 36
_PR_CAPBSET_DROP = 24
_CAP_SYS_RESOURCE = 24


@dataclass
class Limits:
    """What one child may use: wall-clock and CPU seconds, address space in MiB."""

    wall: float = 10.0
    cpu: float = 10.0
    memory_mb: int = 2048


@dataclass
class Outcome:
    """What came back from a child: one dict of arrays per call that finished, and how the child ended."""

    results: list = field(default_factory=list)
    import_error: dict = None
    ended: str = "ok"  # ok, timeout, died, garbage
    detail: str = ""
    output: str = ""
    output_bytes: int = 0
    wall: tuple = ("unreported", 0)  # (a code of confine.WHY, the Landlock ABI), as the child reported them


# ------------------------------------------------------------------------------------------ parent side
def run(name, student_file, calls, arrays, limits, exercise_module, require_wall=False):
    """Run ``calls`` on the student's ``student_file`` in a fresh child; return an Outcome.

    ``calls`` is a list of plain dicts (see ``child_main``), ``arrays`` the
    named input arrays they refer to, ``exercise_module`` the import path of
    the bank module whose helpers the calls may name.  With
    ``require_wall`` a child that cannot wall itself in (``confine.py``)
    runs none of the student's code.
    """
    student_file = Path(student_file).resolve()
    with tempfile.TemporaryDirectory(prefix="minigrad-sandbox-") as scratch:
        scratch = Path(scratch)
        np.savez(scratch / "inputs.npz", **arrays)
        job = {"name": name, "file": str(student_file), "module": exercise_module, "calls": calls,
               "require_wall": bool(require_wall)}
        (scratch / "job.json").write_text(json.dumps(job), encoding="utf-8")
        command = [sys.executable, "-I", "-B", "-c", BOOT, PACKAGE_ROOT, str(scratch), str(student_file.parent),
                   exercise_module]
        outcome = _supervise(command, scratch, limits)
        outcome.wall = _load_wall(scratch / "wall.npz")
        outcome.import_error = _load_result(scratch / "result_import.npz", outcome)
        for k in range(len(calls)):
            result = _load_result(scratch / f"result_{k}.npz", outcome)
            if result is None:
                break
            outcome.results.append(result)
    if require_wall and outcome.wall[0] != "confined":
        return outcome  # the child ran none of the student's code: nothing is missing
    if outcome.ended == "ok" and outcome.import_error is None and len(outcome.results) < len(calls):
        outcome.ended = "died"
        outcome.detail = "the process ended before its work was done (exit code 0)"
    return outcome


def _environment():
    """A minimal environment: nothing of the grader's, one BLAS thread, fixed hashing."""
    env = {"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[variable] = "1"
    return env


def _limit_child(limits):
    """Runs in the child between fork and exec: hard limits it cannot raise.

    Soft and hard are alike, except for CPU time: the soft limit sends
    SIGXCPU, which tells the grader the time ran out, one second before
    the hard limit's SIGKILL, which could as well have been the memory.
    """

    def apply():
        import resource

        cpu = int(math.ceil(limits.cpu))
        settings = [
            (resource.RLIMIT_CPU, cpu, cpu + 1),
            (resource.RLIMIT_AS, limits.memory_mb * 2**20, limits.memory_mb * 2**20),
            (resource.RLIMIT_FSIZE, FILE_LIMIT, FILE_LIMIT),
            (resource.RLIMIT_CORE, 0, 0),
            (resource.RLIMIT_NPROC, 0, 0),  # not enforced for root: the /proc sweep below covers that case
        ]
        for which, soft, hard in settings:
            try:
                resource.setrlimit(which, (soft, hard))
            except (ValueError, OSError):
                pass  # already lower, or not on this system
        # Root may raise a hard limit with CAP_SYS_RESOURCE: drop it from the bounding set, so that the
        # program exec'd next (Python) starts without it (a no-op where it is absent already).
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_CAPBSET_DROP, _CAP_SYS_RESOURCE, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    return apply


def _supervise(command, scratch, limits):
    posix = os.name == "posix"
    _become_subreaper(True)
    before = set(_children_of(os.getpid()))
    process = subprocess.Popen(command, cwd=scratch, env=_environment(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=posix,
                               preexec_fn=_limit_child(limits) if posix else None)
    kept = bytearray()
    total = [0]

    def drain():
        for chunk in iter(lambda: process.stdout.read1(65536), b""):  # what is there, without waiting for more
            total[0] += len(chunk)
            if len(kept) < OUTPUT_LIMIT:
                kept.extend(chunk[: OUTPUT_LIMIT - len(kept)])

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    outcome = Outcome()
    deadline = time.monotonic() + limits.wall
    while True:
        try:
            process.wait(timeout=max(0.0, min(WATCH, deadline - time.monotonic())))
            break
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() >= deadline:
            outcome.ended = "timeout"
            outcome.detail = f"stopped after {limits.wall:g} s of wall-clock time"
            break
        used, entries = _scratch_use(scratch, process.pid)
        if used > SCRATCH_LIMIT or entries > SCRATCH_ENTRIES:
            outcome.ended = "died"
            outcome.detail = (f"stopped: it wrote more than {SCRATCH_LIMIT / 2**20:g} MiB or {SCRATCH_ENTRIES} files "
                              "in its working folder")
            break
    _kill_tree(process, before)
    process.wait()
    _become_subreaper(False)
    reader.join(timeout=2)
    if not reader.is_alive():  # a process we could not kill may hold the pipe: then leave it to the daemon thread
        process.stdout.close()
    if outcome.ended == "ok" and process.returncode == -signal.SIGXCPU:
        # The CPU limit is a time limit too: on an idle machine a busy loop reaches it as soon as the wall clock's.
        outcome.ended = "timeout"
        outcome.detail = f"stopped after {limits.cpu:g} s of CPU time"
    if outcome.ended == "ok" and process.returncode != 0:
        outcome.ended = "died"
        code = process.returncode
        if code == -signal.SIGKILL and limits.cpu < limits.wall:
            outcome.detail = f"killed (signal {-code}): the CPU time limit of {limits.cpu:g} s, or the memory limit"
        else:
            outcome.detail = f"exit code {code}" if code > 0 else f"killed by signal {-code}"
    outcome.output = kept.decode("utf-8", errors="replace")
    if total[0] > len(kept):
        outcome.output += f"\n... ({total[0] - len(kept)} more bytes not shown)"
    outcome.output_bytes = total[0]
    return outcome


def _scratch_use(scratch, pid=None):
    """(bytes on disk, entries) that the child holds: under its scratch folder, and in the files it has open.

    The open files count too (Linux, through ``/proc/<pid>/fd``): a file
    written after it was unlinked has no name in any folder, yet fills the
    disk until it is closed.  A folder the child made unreadable is opened
    up again (it is the grader's own user's).  At most ``SCRATCH_ENTRIES + 1``
    entries are counted.
    """
    used = entries = 0
    seen = set()

    def count(info):
        nonlocal used
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            used += info.st_blocks * 512  # blocks, not sizes: a sparse file fills no disk

    folders = [scratch]
    while folders:
        folder = folders.pop()
        try:
            listing = list(os.scandir(folder))
        except PermissionError:
            try:
                os.chmod(folder, 0o700)
                listing = list(os.scandir(folder))
            except OSError:
                continue
        except OSError:  # removed while we looked: the next look counts again
            continue
        for entry in listing:
            entries += 1
            if entries > SCRATCH_ENTRIES:
                return used, entries
            try:
                count(entry.stat(follow_symlinks=False))
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
            except OSError:
                continue
    if pid is not None:
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # not Linux, or the child has just ended
            descriptors = []
        for fd in descriptors:
            try:
                info = os.stat(f"/proc/{pid}/fd/{fd}")  # the open file itself, named or not
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                count(info)
    return used, entries


def _become_subreaper(on):
    """Make orphaned descendants this process's children (Linux), so that none escapes the sweep."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _parents():
    """{pid: parent pid} of every process in /proc (empty where there is no /proc)."""
    table = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("ascii", "replace")
            table[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return table


def _children_of(pid):
    return [child for child, parent in _parents().items() if parent == pid]


def _descendants(root):
    table = _parents()
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        kids = [child for child, parent in table.items() if parent == pid]
        found.extend(kids)
        frontier.extend(kids)
    return found


def _kill_tree(process, before):
    """SIGKILL the child's group, its descendants, and orphans reparented to us since it started."""
    for _ in range(3):  # a process may fork while we sweep: sweep until nothing new is found
        victims = set(_descendants(process.pid))
        victims.update(pid for pid in _children_of(os.getpid()) if pid not in before and pid != process.pid)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass
        if process.poll() is None:
            process.kill()
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for pid in victims:  # reap the ones that became our children
            try:
                os.waitpid(pid, 0)
            except (ChildProcessError, OSError):
                pass
        if not victims:
            break


def _load_result(path, outcome):
    """The arrays of one result file, or None; a malformed file marks the outcome as garbage."""
    if not path.is_file():
        return None
    try:
        arrays = read_npz(path)
    except ValueError as error:
        outcome.ended = "garbage"
        outcome.detail = f"{path.name}: {error}"
        return None
    return arrays


def _load_wall(path):
    """(code, abi) of the child's wall report, kept only when it is in the fixed vocabulary of ``confine.WHY``."""
    if not path.is_file():
        return ("unreported", 0)
    try:
        arrays = read_npz(path, limit=64)
        code, abi = str(arrays["code"]), int(arrays["abi"])
    except (ValueError, KeyError, TypeError):
        return ("unreported", 0)
    return (code, abi) if code in WHY and 0 <= abi < 1000 else ("unreported", 0)


def read_npz(path, limit=ARRAY_LIMIT):
    """Load an .npz written by untrusted code: no pickles, no compression, nothing larger than it holds."""
    if os.path.getsize(path) > FILE_LIMIT:
        raise ValueError("the file is larger than any result can be")
    try:
        # Before zipfile reads the directory: millions of tiny entries would cost the grader minutes.
        if zip_directory_size(path) > DIRECTORY_LIMIT:
            raise ValueError("the archive lists more entries than any result has")
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.compress_type != zipfile.ZIP_STORED:
                    raise ValueError(f"{info.filename} is compressed")
                key = info.filename[:-4] if info.filename.endswith(".npy") else ""
                if not KEY.match(key):
                    raise ValueError(f"unexpected entry {info.filename[:40]!r}")
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    if version not in ((1, 0), (2, 0)):
                        raise ValueError(f"{key} has .npy format version {version}")
                    header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                        np.lib.format.read_array_header_2_0
                    shape, _, dtype = header(member)
                if dtype.kind not in "biufU" or len(shape) > 8 or any(size < 0 for size in shape):
                    raise ValueError(f"{key} has dtype {dtype} or shape {shape}")
                count = math.prod(shape)
                if count > limit or count * dtype.itemsize > info.file_size:
                    raise ValueError(f"{key} declares shape {shape}, more than the file holds or may hold")
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (OSError, zipfile.BadZipFile, EOFError, KeyError, TypeError) as error:
        raise ValueError(f"not a valid result file ({type(error).__name__})") from None
