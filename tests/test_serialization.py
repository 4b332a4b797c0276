"""minigrad.serialization: .npz checkpoints that round-trip, write atomically and never unpickle."""
import io
import json
import math
import os
import pickle
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad import serialization
from minigrad.nn.module import Parameter
from minigrad.serialization import CheckpointError, load, save


def nested():
    return {
        "model": {
            "w32": minigrad.tensor(np.arange(6, dtype=np.float32).reshape(2, 3) / 7),
            "w64": minigrad.tensor(np.linspace(-1, 1, 5)),
            "ids": minigrad.tensor(np.array([3, 1, 2**40], dtype=np.int64)),
            "mask": minigrad.tensor(np.array([[True, False]])),
            "scalar": minigrad.tensor(np.float64(2.5)),
            "empty": minigrad.tensor(np.zeros((0, 3), dtype=np.float32)),
        },
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": minigrad.tensor(np.ones(3))}, 1: {}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False, "params": [0, 1]}],
        },
        "array": np.arange(4, dtype=np.int32),
        "bytes": np.array([0, 255], dtype=np.uint8),
        "numbers": [1, -2.5, float("inf"), 10**30, True, None, "text", ""],
        (1, "key"): "a tuple key",
        "nested_tuple": ((1, 2), [3, (4,)]),
        "np_scalar": np.float32(0.5),
    }


def assert_same(a, b):
    assert type(a) is type(b), (a, b)
    if isinstance(a, minigrad.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert a == b


# ---------------------------------------------------------------- round trip
def test_nested_state_round_trips_with_dtypes_and_key_types(tmp_path):
    obj = nested()
    save(obj, tmp_path / "ckpt.npz")
    back = load(tmp_path / "ckpt.npz")
    expected = dict(obj, np_scalar=0.5)  # NumPy scalars come back as Python numbers
    assert_same(expected, back)
    assert back["model"]["w32"].dtype == minigrad.float32
    assert back["model"]["ids"].dtype == minigrad.int64
    assert back["model"]["mask"].dtype == minigrad.bool
    assert 0 in back["optimizer"]["state"]  # int keys stay ints (PyTorch's optimizer layout)


def test_parameters_and_requires_grad_are_kept(tmp_path):
    obj = {"p": Parameter(np.ones(2)), "frozen": Parameter(np.ones(2), requires_grad=False),
           "t": minigrad.tensor([1.0], requires_grad=True)}
    save(obj, tmp_path / "p.npz")
    back = load(str(tmp_path / "p.npz"), map_location="cpu")
    assert isinstance(back["p"], Parameter) and back["p"].requires_grad
    assert isinstance(back["frozen"], Parameter) and not back["frozen"].requires_grad
    assert type(back["t"]) is minigrad.Tensor and back["t"].requires_grad


def test_nan_survives(tmp_path):
    save({"x": float("nan")}, tmp_path / "n.npz")
    assert math.isnan(load(tmp_path / "n.npz")["x"])


def test_the_file_is_a_plain_npz_with_versioned_metadata(tmp_path):
    path = tmp_path / "model.ckpt"  # written exactly here: no extension added
    save({"w": minigrad.tensor([1.0, 2.0])}, path)
    assert os.listdir(tmp_path) == ["model.ckpt"]
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(archive[serialization.META_KEY].tobytes())
        assert meta["format"] == "minigrad-checkpoint" and meta["version"] == serialization.FORMAT_VERSION
        np.testing.assert_array_equal(archive[meta["root"]["items"][0][1]["array"]], [1.0, 2.0])


def test_loaded_tensors_do_not_depend_on_the_file(tmp_path):
    save({"w": minigrad.tensor([1.0])}, tmp_path / "a.npz")
    back = load(tmp_path / "a.npz")
    os.remove(tmp_path / "a.npz")
    assert back["w"].tolist() == [1.0]


# ------------------------------------------------------------ refused values
@pytest.mark.parametrize(
    "value, words",
    [
        (np.array([{"a": 1}, None], dtype=object), "object arrays"),
        ({"fn": print}, "builtin_function_or_method"),
        ({"s": {1, 2}}, "set"),
        ({minigrad.tensor([1.0]): 1}, "key"),
    ],
)
def test_unsupported_values_are_refused_with_where_they_are(value, words, tmp_path):
    with pytest.raises(TypeError, match=words):
        save({"outer": [value]}, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


def test_a_cycle_is_refused(tmp_path):
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        save(loop, tmp_path / "x.npz")


# ------------------------------------------------------------------ atomicity
def test_a_failed_save_leaves_the_previous_checkpoint_and_no_temp_files(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1, "w": minigrad.tensor([1.0, 2.0])}, path)
    with pytest.raises(TypeError):
        save({"epoch": 2, "w": minigrad.tensor([3.0]), "bad": object()}, path)
    assert load(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.npz"]


@pytest.mark.parametrize("error", [OSError("No space left on device"), KeyboardInterrupt()])
def test_a_crash_mid_write_leaves_the_previous_checkpoint_and_no_temp_files(tmp_path, monkeypatch, error):
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1}, path)

    def savez_that_dies_halfway(f, **arrays):
        f.write(b"PK\x03\x04 half an archive")
        raise error

    monkeypatch.setattr(serialization.numpy, "savez", savez_that_dies_halfway)
    with pytest.raises(type(error)):
        save({"epoch": 2}, path)
    monkeypatch.undo()
    assert load(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_a_failed_fsync_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1}, path)

    def broken_fsync(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(serialization.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        save({"epoch": 2}, path)
    monkeypatch.undo()
    assert load(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.npz"]


# ------------------------------------------------------- bad files, clear errors
def write_valid(path):
    save({"w": minigrad.tensor(np.arange(200, dtype=np.float64)), "epoch": 7}, path)
    return path.read_bytes()


def test_empty_file(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    with pytest.raises(CheckpointError, match="empty.npz.*empty"):
        load(path)


def test_text_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("epoch,loss\n1,0.5\n")
    with pytest.raises(CheckpointError, match="notes.txt.*not a .npz"):
        load(path)


def test_truncated_file(tmp_path):
    path = tmp_path / "cut.npz"
    data = write_valid(path)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="cut.npz.*corrupt or truncated"):
        load(path)


def test_corrupted_bytes_are_detected(tmp_path):
    path = tmp_path / "flipped.npz"
    data = bytearray(write_valid(path))
    at = data.find(np.arange(200, dtype=np.float64).tobytes()) + 800
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="corrupt"):
        load(path)


def test_foreign_npz(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.ones(3))
    with pytest.raises(CheckpointError, match="other.npz.*written by something else") as err:
        load(path)
    assert "corrupt" not in str(err.value)  # the file is fine, just not ours


def test_a_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "future.npz"
    meta = json.dumps({"format": "minigrad-checkpoint", "version": 99, "root": 1}).encode()
    np.savez(path, **{serialization.META_KEY: np.frombuffer(meta, dtype=np.uint8)})
    with pytest.raises(CheckpointError, match="version 99.*upgrade"):
        load(path)


@pytest.mark.parametrize(
    "meta",
    [b"{not json", b'{"format": "minigrad-checkpoint", "version": 1, "root": {"kind": "pickle"}}',
     b'{"format": "minigrad-checkpoint", "version": 1, "root": {"kind": "tensor", "array": "a9"}}',
     b'{"format": "minigrad-checkpoint", "version": 1, "root": {"kind": "dict", "items": [[1]]}}',
     b'{"format": "something-else", "version": 1, "root": 1}'],
    ids=["not_json", "unknown_kind", "missing_array", "bad_dict", "other_format"],
)
def test_damaged_metadata(tmp_path, meta):
    path = tmp_path / "bad.npz"
    np.savez(path, **{serialization.META_KEY: np.frombuffer(meta, dtype=np.uint8)})
    with pytest.raises(CheckpointError, match="bad.npz"):
        load(path)


class _TouchOnUnpickle:
    """Unpickling this creates a marker file: proof that code from the file ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_a_pickle_is_refused_and_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.pt"
    path.write_bytes(pickle.dumps({"state": _TouchOnUnpickle(str(marker))}))
    with pytest.raises(CheckpointError, match="pickle"):
        load(path)
    assert not marker.exists()
    pickle.loads(path.read_bytes())  # the payload really would have run
    assert marker.exists()


def test_a_pickled_object_array_inside_an_npz_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    meta = json.dumps({"format": "minigrad-checkpoint", "version": 1,
                       "root": {"kind": "ndarray", "array": "a0"}}).encode()
    evil = np.empty(1, dtype=object)
    evil[0] = _TouchOnUnpickle(str(marker))
    np.savez(path, a0=evil, **{serialization.META_KEY: np.frombuffer(meta, dtype=np.uint8)})
    with pytest.raises(CheckpointError, match="evil.npz"):
        load(path)
    assert not marker.exists()


def test_a_bare_npy_file_is_refused(tmp_path):
    path = tmp_path / "w.npy"
    np.save(path, np.ones(3))
    with pytest.raises(CheckpointError, match="not a .npz"):
        load(path)


def test_checkpoint_error_is_a_value_error_and_missing_files_say_so(tmp_path):
    assert issubclass(CheckpointError, ValueError)
    with pytest.raises(FileNotFoundError, match="nothing.npz"):
        load(tmp_path / "nothing.npz")


def test_map_location_must_be_a_device(tmp_path):
    save({}, tmp_path / "e.npz")
    assert load(tmp_path / "e.npz") == {}
    with pytest.raises(ValueError, match="not a device"):
        load(tmp_path / "e.npz", map_location="gpu0")


@pytest.mark.skipif(minigrad.cuda.is_available(), reason="a GPU is usable here")
def test_map_location_cuda_without_a_gpu_says_why(tmp_path):
    save({}, tmp_path / "e.npz")
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        load(tmp_path / "e.npz", map_location="cuda")


def test_zip_of_something_else(tmp_path):
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(CheckpointError, match="docs.zip"):
        load(path)


# ------------------------------------------------- bounded loading (crafted files)
def _crafted(path, root, arrays, compress=zipfile.ZIP_STORED):
    """A zip laid out like save()'s, with ``arrays`` given as raw .npy bytes (so headers can lie)."""
    root = root if isinstance(root, str) else json.dumps(root)  # a str: JSON written by hand
    meta = ('{"format": "minigrad-checkpoint", "version": 1, "root": %s}' % root).encode()
    buf = io.BytesIO()
    np.save(buf, np.frombuffer(meta, dtype=np.uint8))
    with zipfile.ZipFile(path, "w", compression=compress) as z:
        z.writestr(serialization.META_KEY + ".npy", buf.getvalue())
        for name, raw in arrays.items():
            z.writestr(name + ".npy", raw)
    return path


def _npy_header_only(shape, dtype="<f8"):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def test_a_zip_bomb_fails_at_once_without_allocating(tmp_path):
    # One 512 MiB array (its header; the bytes would be zeros compressing to ~500 KB), named eight times.
    ref = {"kind": "ndarray", "array": "a0"}
    path = _crafted(tmp_path / "bomb.npz", {"kind": "list", "items": [ref] * 8},
                    {"a0": _npy_header_only((2**26,))}, compress=zipfile.ZIP_DEFLATED)
    started = time.perf_counter()
    with pytest.raises(CheckpointError, match=r"bomb.npz.*declare 536,87[0-9],[0-9]{3} bytes.*zip bomb"):
        load(path)
    assert time.perf_counter() - started < 0.5


def test_an_array_named_twice_is_read_once_and_refused(tmp_path):
    buf = io.BytesIO()
    np.save(buf, np.zeros(4))
    ref = {"kind": "ndarray", "array": "a0"}
    path = _crafted(tmp_path / "twice.npz", {"kind": "list", "items": [ref, ref]}, {"a0": buf.getvalue()})
    with pytest.raises(CheckpointError, match="refers to array 'a0' twice"):
        load(path)


def test_a_huge_declared_shape_is_refused_before_allocation(tmp_path):
    path = _crafted(tmp_path / "huge.npz", {"kind": "ndarray", "array": "a0"}, {"a0": _npy_header_only((10**13,))})
    with pytest.raises(CheckpointError, match="80,000,000,000,[0-9]{3} bytes"):
        load(path)


def test_a_negative_dimension_cannot_hide_a_huge_array(tmp_path):
    # (-10^11,) would cancel (10^11,) in the sum of declared sizes, letting 745 GiB past both bounds.
    path = _crafted(tmp_path / "neg.npz", {"kind": "ndarray", "array": "a0"},
                    {"a0": _npy_header_only((10**11,)), "a1": _npy_header_only((-10**11,))})
    with pytest.raises(CheckpointError, match=r"neg.npz: array 'a1' declares the shape \(-100000000000,\)"):
        load(path)


def test_max_bytes_bounds_a_genuine_checkpoint(tmp_path):
    path = tmp_path / "w.npz"
    save({"w": minigrad.zeros(1000)}, path)
    with pytest.raises(CheckpointError, match="more than max_bytes=1,000.*larger max_bytes"):
        load(path, max_bytes=1000)
    assert load(path, max_bytes=5000)["w"].shape == (1000,)


@pytest.mark.parametrize("depth", [150, 3000])
def test_deeply_nested_metadata_is_refused(tmp_path, depth):
    root = '{"kind": "list", "items": [' * depth + "1" + "]}" * depth  # json.dumps itself would recurse too deep
    path = _crafted(tmp_path / "deep.npz", root, {})
    with pytest.raises(CheckpointError, match="deep.npz.*nests"):
        load(path)


def test_a_pytorch_zip_checkpoint_is_named_as_such(tmp_path):
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as z:  # the layout of torch.save since PyTorch 1.6
        z.writestr("model/data.pkl", b"\x80\x02}q\x00.")
        z.writestr("model/version", b"3\n")
    with pytest.raises(CheckpointError, match="PyTorch checkpoint") as err:
        load(path)
    assert "numpy.load" not in str(err.value)


def test_a_zip_directory_of_many_entries_is_refused_before_zipfile_reads_it(tmp_path, monkeypatch):
    path = tmp_path / "many.npz"
    save({f"w{i}": minigrad.zeros(1) for i in range(50)}, path)
    monkeypatch.setattr(serialization, "MAX_DIRECTORY", 1000)  # 50 entries take some 3,000 bytes of directory
    read = []
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda self: read.append(self) or None)
    with pytest.raises(CheckpointError, match=r"many.npz: its zip directory takes [0-9,]+ bytes, more than "
                                              r"MAX_DIRECTORY=1,000"):
        load(path)
    assert read == []


def test_a_checkpoint_within_the_directory_bound_loads(tmp_path):
    path = tmp_path / "ok.npz"
    save({f"w{i}": minigrad.zeros(1) for i in range(50)}, path)
    assert serialization.zip_directory_size(path) < serialization.MAX_DIRECTORY
    assert len(load(path)) == 50
