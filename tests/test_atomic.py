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
