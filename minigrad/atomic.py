"""Writing a file all at once or not at all.

Everything minigrad saves (checkpoints, vocabularies, downloads) is written
to a temporary file beside its final place, flushed to disk, and only then
renamed over the target.  On one filesystem the rename is atomic, so a crash,
a full disk or Ctrl-C mid-write leaves either the old file or the new one,
never half of one.
"""
import contextlib
import os
import uuid


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None):
    """``with atomic_write(path) as f: f.write(...)``: the file appears at ``path`` only if the block succeeds."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    # A plain open (not mkstemp) so the file gets the usual permissions rather than owner-only.
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
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
