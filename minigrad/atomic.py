"""Writing a file (or a folder) all at once or not at all.

Everything minigrad saves (checkpoints, vocabularies, JSON, downloads, run
folders) is written to a temporary name beside its final place, flushed to
disk, and only then renamed over the target.  On one filesystem the rename is
atomic, so a crash, a full disk or Ctrl-C mid-write leaves either the old file
or the new one, never half of one.

A temporary name is ``.<name>.<pid>-<random>.minigrad-tmp``: hidden, and
recognisable as ours.  A process killed mid-write (``kill -9``, a power cut)
cannot remove its own; the next write to the same place does, once the
process id in the name is no longer running, so a live writer beside it is
never disturbed.
"""
import contextlib
import json
import math
import os
import re
import shutil
import uuid

TMP_SUFFIX = ".minigrad-tmp"


def temporary_path(path):
    """A fresh hidden name beside ``path`` that ``remove_stale`` recognises."""
    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    return os.path.join(folder, f".{name}.{os.getpid()}-{uuid.uuid4().hex[:12]}{TMP_SUFFIX}")


def _alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else, or we cannot tell: leave it alone
    return True


def remove_stale(path):
    """Delete the temporary files and folders that dead processes left beside ``path``; returns their names."""
    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    pattern = re.compile(re.escape(f".{name}.") + r"(\d+)-[0-9a-f]+" + re.escape(TMP_SUFFIX) + "$")
    removed = []
    try:
        entries = os.listdir(folder)
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry)
        if match and not _alive(int(match.group(1))):
            target = os.path.join(folder, entry)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.remove(target)
            removed.append(entry)
    return removed


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None):
    """``with atomic_write(path) as f: f.write(...)``: the file appears at ``path`` only if the block succeeds."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    remove_stale(path)
    # A plain open (not mkstemp) so the file gets the usual permissions rather than owner-only.
    tmp = temporary_path(path)
    try:
        with open(tmp, mode.replace("w", "x"), encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    _fsync_folder(folder)


def write_json(path, data):
    """Write ``data`` as JSON, atomically; NaN and infinity are refused, since strict JSON readers reject them.

    The one place minigrad writes JSON, so no file it writes can hold ``NaN``.
    """
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:
        bad = _first_non_finite(data)
        raise ValueError(f"write_json: {os.fspath(path)} would hold {bad}, which JSON cannot represent; "
                         "the numbers being saved are not finite (did training diverge?)") from None
    with atomic_write(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def _first_non_finite(data, where="the data"):
    if isinstance(data, float) and not math.isfinite(data):
        return f"{data} at {where}"
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, (list, tuple)) else ()
    for key, value in items:
        found = _first_non_finite(value, f"{where}[{key!r}]")
        if found:
            return found
    return None


def _fsync_folder(folder):
    # Makes the rename itself durable on POSIX; not every platform can open a folder.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
