"""atomic_write: the file appears whole when the block succeeds, and not at all when it fails."""
import pytest

from minigrad.atomic import atomic_write


def test_the_file_appears_when_the_block_succeeds(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target, "w", encoding="utf-8") as f:
        f.write("hello")
        assert not target.exists()
    assert target.read_text() == "hello"
    assert list(tmp_path.iterdir()) == [target]


def test_a_failure_keeps_the_old_file_and_leaves_no_temporary_behind(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as f:
            f.write(b"half of the new")
            raise RuntimeError("crash mid-write")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_the_file_is_readable_by_others_like_any_new_file(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target, "w") as f:
        f.write("x")
    assert target.stat().st_mode & 0o044


def test_the_temporary_file_of_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    import os
    import subprocess
    import sys

    from minigrad.atomic import TMP_SUFFIX

    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout)  # a process id that no longer runs
    target = tmp_path / "ckpt.npz"
    stale = tmp_path / f".ckpt.npz.{dead}-0123456789ab{TMP_SUFFIX}"
    live = tmp_path / f".ckpt.npz.{os.getpid()}-0123456789ab{TMP_SUFFIX}"  # a writer still at work
    other = tmp_path / f".other.npz.{dead}-0123456789ab{TMP_SUFFIX}"  # another file's: not this write's business
    for path in (stale, live, other):
        path.write_bytes(b"half a checkpoint")
    with atomic_write(target) as f:
        f.write(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, other.name])
