"""``save`` and ``load``: checkpoints as NumPy ``.npz`` archives, without pickle.

    minigrad.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3}, "ckpt.npz")
    checkpoint = minigrad.load("ckpt.npz")

The file is an ordinary zip of ``.npy`` arrays (``numpy.load`` can open it):

- ``a0``, ``a1``, ...: every Tensor and NumPy array, with its dtype;
- ``__minigrad__``: UTF-8 JSON stored as a uint8 array, describing the
  nested structure.  Numbers, strings, bools and None are written as
  themselves; every container and array is an object with a ``"kind"``::

      {"kind": "dict", "items": [[key, value], ...]}    keys keep their type (int keys stay ints)
      {"kind": "list" | "tuple", "items": [...]}
      {"kind": "tensor", "array": "a0", "requires_grad": false, "parameter": false}
      {"kind": "ndarray", "array": "a1"}

Why not pickle (as ``torch.save`` does)?  Unpickling runs code chosen by
whoever wrote the file.  This format only holds data, is read with
``allow_pickle=False`` and parsed as JSON, so loading a file never runs
anything from it.

What loading guards against (a checkpoint is untrusted input): code in
the file (no pickle, ever: object arrays are refused from their header);
memory it cannot justify (every array's size is read from its header first,
and their total must fit within the file's own size, since ``save`` does not
compress, and within ``max_bytes``; so a 500 KB zip bomb naming one 512 MiB
array eight times, a declared (10^13,) shape, or a (-10^13,) one declared
beside it to cancel it out, fails in milliseconds);
an array used twice (each is read at most once); metadata nested deeper than
``MAX_DEPTH``; a zip directory larger than ``MAX_DIRECTORY`` (Python's zipfile
reads every entry of it into an object before anything can be checked, so a
250 MB file of tiny entries would cost minutes and gigabytes).  Every failure is a ``CheckpointError`` that says what is wrong.

Saving is atomic: the archive is written to a temporary file beside the
target, flushed to disk, then renamed over it, so a crash mid-save leaves the
previous checkpoint whole.

Tensors on a GPU are copied to the host when saved (the file only holds
NumPy arrays, and does not remember the device); ``load(path,
map_location='cuda')`` puts them on a GPU again.

Limits: tensors shared between two places are stored twice and come back
as two tensors; NumPy scalars (``numpy.float32(1.5)``) come back as Python
numbers; floats inf and nan are kept (JSON's ``Infinity``/``NaN``).
"""
import json
import math
import os
import zipfile
import zlib

import numpy
from numpy.lib import format as npy_format

from . import backend
from .atomic import atomic_write
from .tensor import Tensor

FORMAT = "minigrad-checkpoint"
FORMAT_VERSION = 1
META_KEY = "__minigrad__"
_ARRAY_KINDS = "biufc"  # bool, ints, floats, complex: what loads without pickle
_ZIP_MAGIC = b"PK\x03\x04"
MAX_BYTES = 16 * 2**30  # load()'s default bound on the arrays' total size
MAX_DEPTH = 100  # nesting of the metadata; a model's state dict needs fewer than 10
MAX_DIRECTORY = 4 * 2**20  # bytes of the zip's list of entries: about 40,000 arrays, far more than any model has


class CheckpointError(ValueError):
    """A file that is not a readable minigrad checkpoint (corrupt, truncated or foreign)."""


# -------------------------------------------------------------------- save
def save(obj, path):
    """Write ``obj`` (nested dicts/lists/tuples of Tensors, arrays, numbers, strings, bools, None) to ``path``.

    The file is written exactly at ``path`` (no extension is added; ``.npz``
    is the natural one).  Parent folders must exist.
    """
    path = os.fspath(path)
    arrays = {}
    # Encode everything before touching the disk: an unsupported value then fails with nothing written.
    root = _encode(obj, arrays, "obj", set())
    meta = json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "root": root})
    arrays[META_KEY] = numpy.frombuffer(meta.encode("utf-8"), dtype=numpy.uint8)

    with atomic_write(path, "wb") as f:
        numpy.savez(f, **arrays)


def _encode(value, arrays, where, active):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, numpy.generic) and value.dtype.kind in "biuf":
        return value.item()
    if isinstance(value, Tensor) or backend.is_array(value):
        array = backend.to_numpy(value._data if isinstance(value, Tensor) else value)
        if array.dtype.kind not in _ARRAY_KINDS:
            raise TypeError(
                f"save: {where} is an array of dtype {array.dtype}; only bool, integer, float and complex "
                "arrays can be saved (object arrays would need pickle). Convert it, e.g. to a list of strings."
            )
        name = f"a{len(arrays)}"
        arrays[name] = array
        if not isinstance(value, Tensor):
            return {"kind": "ndarray", "array": name}
        from .nn.module import Parameter

        return {"kind": "tensor", "array": name, "requires_grad": value.requires_grad,
                "parameter": isinstance(value, Parameter)}
    if isinstance(value, (dict, list, tuple)):
        if id(value) in active:
            raise ValueError(f"save: {where} contains itself; a checkpoint must be a tree, not a cycle")
        active.add(id(value))
        if isinstance(value, dict):
            items = []
            for key, item in value.items():
                if not (key is None or isinstance(key, (bool, int, float, str, tuple))):
                    raise TypeError(f"save: a key of {where} is a {type(key).__name__}; keys must be str, int, "
                                    "float, bool, None or tuples of those")
                items.append([_encode(key, arrays, f"{where} key", active),
                              _encode(item, arrays, f"{where}[{key!r}]", active)])
            node = {"kind": "dict", "items": items}
        else:
            kind = "tuple" if isinstance(value, tuple) else "list"
            node = {"kind": kind, "items": [_encode(v, arrays, f"{where}[{i}]", active) for i, v in enumerate(value)]}
        active.discard(id(value))
        return node
    raise TypeError(
        f"save: {where} is a {type(value).__name__}, which a checkpoint cannot hold. Save Tensors, NumPy "
        "arrays, numbers, strings, bools, None, and dicts/lists/tuples of those (e.g. model.state_dict())."
    )


# -------------------------------------------------------------------- load
def load(path, map_location=None, max_bytes=MAX_BYTES):
    """Read a checkpoint written by ``save``; raises ``CheckpointError`` for anything else.

    ``map_location`` ('cpu', 'cuda' or a ``minigrad.device``) is where the
    tensors go; without it they go to the default device ('cpu' unless
    ``minigrad.set_default_device`` changed it).  Unlike ``torch.load``, the
    file does not remember where a tensor was saved from, so a checkpoint
    written on a GPU machine loads on a CPU-only one as it is.  Plain NumPy
    arrays in the checkpoint stay NumPy arrays.  Never executes code from the file.

    ``max_bytes`` bounds the memory the arrays may take (default 16 GiB);
    raise it to load a bigger checkpoint.
    """
    if map_location is not None:
        if not backend.is_device(map_location):
            raise ValueError(
                f"load: map_location={map_location!r} is not a device; use 'cpu', 'cuda' or a minigrad.device"
            )
        map_location = backend.as_device(map_location)
        backend.array_module_for(map_location)  # fail before reading, saying why, if that device is unusable
    path = os.fspath(path)
    with open(path, "rb") as f:
        head = f.read(len(_ZIP_MAGIC))
    if not head:
        raise CheckpointError(f"{path}: the file is empty (0 bytes); the save that made it probably never finished")
    if head != _ZIP_MAGIC:
        pickled = head[:1] == b"\x80"  # pickle protocols 2 and later start with this byte
        hint = " It looks like a pickle (e.g. from torch.save), which minigrad never loads." if pickled else ""
        raise CheckpointError(f"{path}: not a minigrad checkpoint (it is not a .npz/zip archive).{hint}")
    try:
        directory = zip_directory_size(path)
        if directory > MAX_DIRECTORY:
            raise CheckpointError(f"{path}: its zip directory takes {directory:,} bytes, more than "
                                  f"MAX_DIRECTORY={MAX_DIRECTORY:,} (entries for tens of thousands of arrays); a "
                                  "checkpoint needs far less, so the file is damaged or crafted and was not read")
        with zipfile.ZipFile(path) as archive:
            reader = _Arrays(archive, path, os.path.getsize(path), max_bytes)
            meta = _read_meta(path, reader.read(META_KEY))
            return _decode(meta["root"], reader, map_location, 0)
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, TypeError, zlib.error) as err:
        raise CheckpointError(f"{path}: the checkpoint is corrupt or truncated ({type(err).__name__}: {err})") from err


def zip_directory_size(path):
    """The size in bytes of a zip archive's directory (its list of entries), read from the archive's end record.

    Read before ``zipfile.ZipFile``, which makes an object for every entry
    of the directory.  ``zipfile._EndRecData`` is private, but it has read the
    end record (ZIP64's too) since Python 2; ``ZipFile`` relies on it the same way.
    """
    with open(path, "rb") as f:
        end = zipfile._EndRecData(f)
    if not end:
        raise zipfile.BadZipFile("File is not a zip file")
    return end[zipfile._ECD_SIZE]


class _Arrays:
    """The archive's ``.npy`` entries, each checked from its header before any is read, and read at most once.

    What it guards against: a file that declares more array bytes than it
    holds (a zip bomb: one compressed array of zeros, named again and again)
    or more than ``max_bytes`` (a (10^13,) shape), object arrays (pickle),
    and an entry used twice.  Everything is decided from the headers, so a
    bad file fails in milliseconds, before anything large is allocated.
    """

    def __init__(self, archive, path, file_size, max_bytes):
        self.archive, self.path, self.entries, self.used = archive, path, {}, set()
        for info in archive.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            if name in self.entries:
                raise CheckpointError(f"{path}: the archive holds two entries named {info.filename!r}; "
                                      "minigrad never writes that, so the file is damaged or crafted")
            self.entries[name] = info
        if META_KEY not in self.entries:
            torch = any(n.endswith("data.pkl") for n in self.entries)
            hint = ("a PyTorch checkpoint (torch.save), which holds pickles minigrad never loads; in PyTorch, "
                    "save each tensor with numpy.savez and copy the arrays into your model's state_dict"
                    if torch else f"a zip archive without minigrad's metadata entry '{META_KEY}' (it holds "
                    f"{sorted(self.entries)[:5]}); it was written by something else - open it with numpy.load")
            raise CheckpointError(f"{path}: {hint}.")
        declared = 0
        for name, info in self.entries.items():
            with archive.open(info) as f:
                shape, dtype = _npy_header(f, path, name)
            declared += math.prod(shape) * dtype.itemsize
        # save() stores arrays uncompressed, so their bytes cannot exceed the file's size.
        if declared > file_size:
            raise CheckpointError(f"{path}: its arrays declare {declared:,} bytes but the file holds only "
                                  f"{file_size:,}; minigrad writes uncompressed checkpoints, so this one is "
                                  "damaged or crafted (a zip bomb) and was not read")
        if declared > max_bytes:
            raise CheckpointError(f"{path}: its arrays need {declared:,} bytes, more than max_bytes={max_bytes:,}; "
                                  "if you trust the file, pass a larger max_bytes to load()")

    def __contains__(self, name):
        return name in self.entries

    def read(self, name):
        if name in self.used:
            raise CheckpointError(f"{self.path}: the metadata refers to array {name!r} twice; minigrad never "
                                  "writes that, so the file is damaged or crafted")
        self.used.add(name)
        with self.archive.open(self.entries[name]) as f:
            return npy_format.read_array(f, allow_pickle=False)


def _npy_header(f, path, name):
    """(shape, dtype) from a ``.npy`` header, refusing what would need pickle."""
    version = npy_format.read_magic(f)
    read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
    shape, _, dtype = read_header(f)
    if any(size < 0 for size in shape):  # NumPy's header reader lets it pass; it would offset another array's size
        raise CheckpointError(f"{path}: array {name!r} declares the shape {shape}; a size below zero means the "
                              "file is damaged or crafted, and it was not read")
    if dtype.kind not in _ARRAY_KINDS or dtype.hasobject:
        raise CheckpointError(f"{path}: array {name!r} has dtype {dtype}, which would need pickle to load; "
                              "minigrad only reads bool, integer, float and complex arrays")
    return shape, dtype


def _read_meta(path, raw):
    if raw.dtype != numpy.uint8 or raw.ndim != 1:
        raise CheckpointError(f"{path}: the metadata entry is not a byte array; the file is not a minigrad checkpoint")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path}: the metadata is damaged and cannot be read as JSON ({err})") from None
    except RecursionError:
        raise CheckpointError(f"{path}: the metadata nests deeper than JSON can be read; the file is damaged "
                              "or crafted") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or "root" not in meta:
        raise CheckpointError(f"{path}: the metadata does not describe a minigrad checkpoint")
    version = meta.get("version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise CheckpointError(
            f"{path}: checkpoint format version {version!r}, but this minigrad reads versions up to "
            f"{FORMAT_VERSION}; upgrade minigrad to read it"
        )
    return meta


def _decode(node, arrays, where, depth):
    path = arrays.path
    if depth > MAX_DEPTH:
        raise CheckpointError(f"{path}: the metadata nests more than {MAX_DEPTH} levels deep; a checkpoint "
                              "written by save() never does, so the file is damaged or crafted")
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    kind = node.get("kind") if isinstance(node, dict) else None
    if kind in ("list", "tuple"):
        items = [_decode(item, arrays, where, depth + 1) for item in node["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        out = {}
        for key, value in node["items"]:
            out[_decode(key, arrays, where, depth + 1)] = _decode(value, arrays, where, depth + 1)
        return out
    if kind in ("tensor", "ndarray"):
        name = node.get("array")
        if not isinstance(name, str) or name not in arrays or name == META_KEY:
            raise CheckpointError(f"{path}: the metadata refers to an array {name!r} that the archive does not hold")
        array = arrays.read(name)
        if kind == "ndarray":
            return array
        if where is not None:
            array = Tensor(array, device=where)  # the explicit copy map_location asks for; a Tensor stays there
        if node.get("parameter"):
            from .nn.module import Parameter

            return Parameter(array, requires_grad=bool(node.get("requires_grad")))
        return Tensor(array, requires_grad=bool(node.get("requires_grad")))
    raise CheckpointError(f"{path}: the metadata holds an entry of unknown kind {kind!r}; the file is damaged")
