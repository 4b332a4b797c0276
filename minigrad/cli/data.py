"""The command line's data: file formats, datasets, the train/val/test split, label checks and batches.

Every file goes through one table, ``FORMATS`` (format name -> reader), and
every ``--dataset`` through ``DATASETS`` (name -> the format its files are
in), so a new format is one reader and one row in each.
"""
import argparse
import os
import sys

import numpy

from ..datasets import (DatasetError, check_encoding, read_csv, read_labelled, read_mr, read_sst, read_sst_trees,
                        read_tsv_labeled, synthetic_sentiment)
from ..datasets.readers import SST_FINE
from .errors import UsageError
from .models import MODELS, min_length


def _read_tsv(path, args, names):
    return read_tsv_labeled(path, label_first=not getattr(args, "text_first", False), label_names=names,
                            **_encoding(args))


def _read_csv(path, args, names):
    return read_csv(path, args.text_column or "sentence", args.label_column or "label", label_names=names,
                    **_encoding(args))


def _read_sst(path, args, names):
    # The classes come from the dataset (sst2: 2, sst5: 5), never from which labels a file happens to hold.
    fine = {"sst2": False, "sst5": True}.get(args.dataset)
    return read_sst(path, fine_grained=fine if fine is not None else len(names or ()) == 5 or None, **_encoding(args))


def _read_sst_trees(path, args, names):
    # --phrases: every distinct labelled phrase (training data); otherwise each tree's sentence and root label.
    return read_sst_trees(path, phrases=bool(getattr(args, "phrases", False)), fine_grained=args.dataset != "sst2",
                          lowercase=True, **_encoding(args))


def _read_labelled(path, args, names):
    return read_labelled(path, label_names=names, **_encoding(args))


def _read_mr(path, args, names):
    return read_mr(path, **_encoding(args))


FORMATS = {  # name -> (reader(path, args, label_names), the layout, for --help and the README)
    "tsv": (_read_tsv, 'no header, "label<TAB>text" per line (--text-first: "text<TAB>label"); any labels'),
    "csv": (_read_csv, "a header row, then --text-column (sentence) and --label-column (label);\n"
                       "            comma-separated, or tab-separated for .tsv files such as GLUE's"),
    "labelled": (_read_labelled, '"label sentence" per line: the first word is the label; any labels'),
    "sst": (_read_sst, '"label sentence" per line with labels 0-1 (sst2) or 0-4 (sst5), as in stsa.binary.*'),
    "mr": (_read_mr, "a folder holding rt-polarity.pos and rt-polarity.neg (cp1252)"),
    "sst_trees": (_read_sst_trees, "the Stanford Sentiment Treebank's bracketed trees, one per line, as in\n"
                                   "            sst_trees/train.txt (sst2/sst5 with --phrases; --format for evaluate)"),
}
DATASETS = {"synthetic": None, "mr": "mr", "sst2": "sst", "sst5": "sst", "tsv": "tsv", "csv": "csv",
            "labelled": "labelled"}  # --dataset -> the format of its files


def _encoding(args):
    if not getattr(args, "encoding", None):
        return {}
    check_encoding(args.encoding)
    return {"encoding": args.encoding}


def read_file(kind, path, args, names=None):
    """One labelled file (or the MR folder) in format ``kind``; with ``names``, labels outside them are errors."""
    return FORMATS[kind][0](path, args, names)


# ------------------------------------------------------------------ labels
def match_labels(data, names, path):
    """The file's labels as class ids of ``names``, matched by name, never by position.

    A label that is not one of ``names`` stops with every unknown label listed
    (and, if the file holds numbers where the run has names, says so).
    """
    index = {name: i for i, name in enumerate(names)}
    found = [str(name) for name in data.label_names]
    unknown = [name for name in found if name not in index]
    if unknown:
        first = {name: data.labels.index(found.index(name)) + 1 for name in unknown}
        listed = ", ".join(f"{name!r} (first in example {first[name]})" for name in unknown[:8])
        more = f" and {len(unknown) - 8} more" if len(unknown) > 8 else ""
        hint = "relabel the file, or pass the file the run was trained on"
        if all(_is_number(n) for n in unknown) and not all(_is_number(n) for n in names):
            hint = ("its labels are numbers but the run's classes are names; labels are matched by name, never "
                    "by position, so write the class names in the file")
        raise DatasetError(f"{path}: {len(unknown)} label(s) are not classes of the run: {listed}{more}. The run "
                           f"knows {list(names)}; {hint}")
    return [index[found[i]] for i in data.labels]


_HEADER_WORDS = {"label", "labels", "class", "category", "sentiment", "target", "y", "sentence", "text"}


def _is_number(text):
    return text.lstrip("-").isdigit()


def check_classes(data, path, args):
    """Stop on a label column that looks like text (one class per example, or too many); warn about SST-5 gaps."""
    k, n = len(data.label_names), len(data)
    if (k == n and n > 2) or k > args.max_classes:
        sample = ", ".join(repr(name[:30]) for name in data.label_names[:3])
        raise DatasetError(f"{path}: {k} distinct labels in {n} examples ({sample}, ...): the label column probably "
                           "holds the text. For 'text<TAB>label' lines pass --text-first; for a file with a header "
                           f"use --dataset csv; if there really are {k} classes, raise --max-classes "
                           f"(now {args.max_classes})")
    first = data.label_names[data.labels[0]] if n else None
    others = [name for name in data.label_names if name != first]
    if n > 10 and data.labels.count(data.labels[0]) == 1 and (
            first.lower() in _HEADER_WORDS or (all(map(_is_number, others)) and not _is_number(first))):
        raise DatasetError(f"{path}: line 1 looks like a header (its label {first!r} occurs nowhere else); "
                           "for a file with a header row use --dataset csv (or --format csv)")
    if args.dataset == "sst5":
        present = sorted(set(data.labels))
        if len(present) < len(SST_FINE):
            print(f"warning: {path} holds only {len(present)} of the 5 SST-5 classes "
                  f"({', '.join(SST_FINE[i] for i in present)}); for the binary file use --dataset sst2",
                  file=sys.stderr)


# ------------------------------------------------------------------ splits
def split_indices(n, seed, held_out, groups=None):
    """Shuffle ``n`` examples into tenths: ``held_out`` index arrays of one tenth each, then the rest (train).

    Examples sharing a group id stay in one part.
    """
    groups = numpy.arange(n) if groups is None else numpy.asarray(groups)
    distinct = numpy.unique(groups)
    order = numpy.random.default_rng(seed).permutation(len(distinct))
    part = numpy.empty(len(distinct), dtype=int)
    part[order] = numpy.arange(len(distinct)) * 10 // max(len(distinct), 1)  # 0..9 in shuffled order
    where = dict(zip(distinct.tolist(), part.tolist()))
    bucket = numpy.array([where[g] for g in groups.tolist()], dtype=int)
    return [numpy.flatnonzero(bucket == i) for i in range(held_out)] + [numpy.flatnonzero(bucket >= held_out)]


def _subset(texts, labels, indices):
    return [texts[i] for i in indices], [labels[i] for i in indices]


def load_splits(args):
    """{"train", "val", "test"} -> (texts, labels), the class names, the bag-of-words ceiling (or None), and
    one line saying where each part came from.

    Files given with --val and --test are used as they are; only a missing part
    is split off the training data, a tenth each.
    """
    if args.dataset == "synthetic":
        given = [f"--{part} {path}" for part in ("data", "val", "test") if (path := getattr(args, part, None))]
        if given:  # training on the built-in corpus while the user named a file would print untrue numbers
            formats = "|".join(name for name in DATASETS if name != "synthetic")
            raise UsageError(f"{given[0]} was given, but --dataset is synthetic (the default), which reads no file; "
                             f"name the file's format with --dataset {formats}")
        return _synthetic(args)
    if args.data is None:
        raise UsageError(f"--dataset {args.dataset} needs --data PATH (a file, or for mr and sst a folder)")
    kind = DATASETS[args.dataset]
    val, test = getattr(args, "val", None), getattr(args, "test", None)
    if getattr(args, "phrases", False):
        kind, args = "sst_trees", _phrase_files(args)
    elif kind == "sst" and os.path.isdir(args.data):
        stem = "stsa.binary" if args.dataset == "sst2" else "stsa.fine"
        train, val, test = (os.path.join(args.data, f"{stem}.{s}") for s in ("train", "dev", "test"))
        args = _with(args, data=train, val=val, test=test)
    data = read_file(kind, args.data, args)
    check_classes(data, args.data, args)
    names, parts, sources = data.label_names, {}, {}
    for part in ("val", "test"):
        path = getattr(args, part, None)
        if path is not None:
            other = read_file(kind, path, _with(args, phrases=False))  # scored on whole sentences
            parts[part] = (other.texts, match_labels(other, names, path))
            sources[part] = path
    missing = [part for part in ("test", "val") if part not in parts]
    pieces = split_indices(len(data), args.seed, len(missing))
    for part, indices in zip(missing, pieces):
        parts[part] = _subset(data.texts, data.labels, indices)
        sources[part] = f"a tenth of {args.data}"
    parts["train"] = _subset(data.texts, data.labels, pieces[-1])
    sources["train"] = args.data if not missing else f"the rest of {args.data}"
    return parts, names, None, _describe(parts, sources)


def _phrase_files(args):
    """--phrases: the sst_trees folder's train.txt, dev.txt and test.txt (or a training file with --val and --test)."""
    if args.dataset not in ("sst2", "sst5"):
        raise UsageError(f"--phrases trains on the phrases of the SST trees: use --dataset sst2 or sst5, "
                         f"not {args.dataset}")
    if os.path.isdir(args.data):
        files = {part: os.path.join(args.data, f"{name}.txt") for part, name in (("data", "train"), ("val", "dev"),
                                                                                  ("test", "test"))}
        missing = [path for path in files.values() if not os.path.exists(path)]
        if missing:
            raise UsageError(f"--phrases: {args.data} lacks {', '.join(os.path.basename(m) for m in missing)}; pass "
                             "the sst_trees folder (train.txt, dev.txt, test.txt)")
        return _with(args, data=files["data"], val=args.val or files["val"], test=args.test or files["test"])
    if getattr(args, "val", None) is None or getattr(args, "test", None) is None:
        raise UsageError("--phrases with a training file needs --val and --test tree files: a tenth split off the "
                         "phrases would hold parts of the training sentences")
    return args


def _synthetic(args):
    data = synthetic_sentiment(args.synthetic_size, seed=args.seed)
    # Partners of a pair (same words, opposite labels) stay in one split, so that word counts
    # alone get exactly one of each test pair right: that caps a bag-of-words model.
    groups = [p if p >= 0 else -1 - i for i, p in enumerate(data.pair_ids)]
    test, val, train = split_indices(len(data), args.seed, 2, groups)
    parts = {name: _subset(data.texts, data.labels, ix) for name, ix in (("train", train), ("val", val),
                                                                         ("test", test))}
    paired = sum(data.pair_ids[i] >= 0 for i in test)
    ceiling = 1 - paired / 2 / len(test) if len(test) else None
    sources = {"train": "80%", "val": "10%", "test": "10%"}
    return parts, data.label_names, ceiling, _describe(parts, {k: f"{v} of the synthetic corpus"
                                                               for k, v in sources.items()})


def _describe(parts, sources):
    return "; ".join(f"{part} {len(parts[part][0]):,} ({sources[part]})" for part in ("train", "val", "test"))


def _with(args, **changes):
    return argparse.Namespace(**{**vars(args), **changes})


# ----------------------------------------------------------------- batches
def encode(vocab, texts, max_len):
    """Token ids per text, cut to ``max_len``; returns (ids, how many were cut)."""
    ids = [vocab.encode(text) for text in texts]
    cut = sum(len(x) > max_len for x in ids)
    return [x[:max_len] for x in ids], cut


def make_loader(config, vocab, ids, labels, batch_size, shuffle, device="cpu"):
    """Batches of (inputs, labels) on ``device``: padded ids, or bag-of-words rows built one batch at a time."""
    from ..data import DataLoader
    from ..text import BagOfWords, PadCollate

    examples = list(zip(ids, (int(y) for y in labels)))
    if MODELS[config["model"]]["input"] == "bag_of_words":
        collate = BagOfWords(vocab, mode="count").collate
    else:
        collate = PadCollate(min_len=min_length(config))
    # A batch is padded on the host and copied to a GPU once (DataLoader's device=).
    return DataLoader(examples, batch_size=batch_size, shuffle=shuffle, collate_fn=collate, device=device)


def resolve_device(choice):
    """``--device``: 'cpu' (also when not given), 'cuda' (refused, with the reason, where no GPU is usable) or
    'auto' (cuda if usable)."""
    from .. import cuda

    if choice not in (None, "cpu", "cuda", "auto"):
        raise UsageError(f"--device: expected cpu, cuda or auto, got {choice!r}")
    if choice in (None, "cpu") or (choice == "auto" and not cuda.is_available()):
        return "cpu"
    if not cuda.is_available():
        raise UsageError(f"--device cuda: no GPU is usable here: {cuda.unavailable_reason()} "
                         "Leave --device out to use the CPU")
    return "cuda"
