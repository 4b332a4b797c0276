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
import os
import zipfile

import numpy

from . import backend
from .atomic import atomic_write
from .tensor import Tensor

FORMAT = "minigrad-checkpoint"
FORMAT_VERSION = 1
META_KEY = "__minigrad__"
_ARRAY_KINDS = "biufc"  # bool, ints, floats, complex: what loads without pickle
_ZIP_MAGIC = b"PK\x03\x04"


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
def load(path, map_location=None):
    """Read a checkpoint written by ``save``; raises ``CheckpointError`` for anything else.

    ``map_location`` ('cpu', 'cuda' or a ``minigrad.device``) is where the
    tensors go; without it they go to the default device ('cpu' unless
    ``minigrad.set_default_device`` changed it).  Unlike ``torch.load``, the
    file does not remember where a tensor was saved from, so a checkpoint
    written on a GPU machine loads on a CPU-only one as it is.  Plain NumPy
    arrays in the checkpoint stay NumPy arrays.  Never executes code from the file.
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
        with numpy.load(path, allow_pickle=False) as archive:
            names = set(archive.files)
            if META_KEY not in names:
                raise CheckpointError(
                    f"{path}: a .npz archive without minigrad's metadata entry '{META_KEY}' (it holds "
                    f"{sorted(names)[:5]}); it was written by something else - open it with numpy.load."
                )
            meta = _read_meta(path, archive[META_KEY])
            return _decode(meta["root"], archive, names, path, map_location)
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, TypeError) as err:
        raise CheckpointError(f"{path}: the checkpoint is corrupt or truncated ({type(err).__name__}: {err})") from err


def _read_meta(path, raw):
    if raw.dtype != numpy.uint8 or raw.ndim != 1:
        raise CheckpointError(f"{path}: the metadata entry is not a byte array; the file is not a minigrad checkpoint")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path}: the metadata is damaged and cannot be read as JSON ({err})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or "root" not in meta:
        raise CheckpointError(f"{path}: the metadata does not describe a minigrad checkpoint")
    version = meta.get("version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise CheckpointError(
            f"{path}: checkpoint format version {version!r}, but this minigrad reads versions up to "
            f"{FORMAT_VERSION}; upgrade minigrad to read it"
        )
    return meta


def _decode(node, archive, names, path, where=None):
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    kind = node.get("kind") if isinstance(node, dict) else None
    if kind in ("list", "tuple"):
        items = [_decode(item, archive, names, path, where) for item in node["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        out = {}
        for key, value in node["items"]:
            out[_decode(key, archive, names, path, where)] = _decode(value, archive, names, path, where)
        return out
    if kind in ("tensor", "ndarray"):
        name = node.get("array")
        if name not in names or name == META_KEY:
            raise CheckpointError(f"{path}: the metadata refers to an array {name!r} that the archive does not hold")
        array = archive[name]
        if kind == "ndarray":
            return array
        if where is not None:
            array = Tensor(array, device=where)  # the explicit copy map_location asks for; a Tensor stays there
        if node.get("parameter"):
            from .nn.module import Parameter

            return Parameter(array, requires_grad=bool(node.get("requires_grad")))
        return Tensor(array, requires_grad=bool(node.get("requires_grad")))
    raise CheckpointError(f"{path}: the metadata holds an entry of unknown kind {kind!r}; the file is damaged")
