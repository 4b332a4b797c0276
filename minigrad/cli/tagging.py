"""The command line's tagging task: a tag for every word (``train --task tag``, and ``evaluate``/``predict`` on its runs).

    python -m minigrad train --task tag --dataset conllu --data en_ewt-ud-train.conllu \\
        --val en_ewt-ud-dev.conllu --test en_ewt-ud-test.conllu --model lstm --out runs/pos
    python -m minigrad evaluate --run runs/pos --data en_ewt-ud-test.conllu
    python -m minigrad predict --run runs/pos "the old man the boats"      # the/DET old/NOUN ...

Each real word is one example: a batch is (word ids (N, L), the tag ids of
its real words (n,)), and the model (``WordRows``) answers one row of scores
per real word, (n, C), leaving out the padding.  So ``minigrad.train.fit``
trains a tagger exactly as it trains a classifier - losses and accuracies
are per word, checkpoints, early stopping and ``--resume`` included.

``--char-features`` (lstm, gru) spells every word out as well
(``minigrad.tagging_chars``): the batches become (N, L, 1 + W), each word's
id then its characters, case kept, and the model a ``CharRNNTagger``.  The
run's config.json records the character CNN's sizes and the training
words' characters (``chars``), from which evaluate, predict and --resume
rebuild the same model.  Every report adds the accuracy on the words
outside the vocabulary (``<unk>``: with the default --max-vocab and
--min-freq, the words never seen in training), where the spelling helps.
"""
import functools
import os
import sys

import numpy

from .. import nn
from ..datasets import UPOS_TAGS, DatasetError, read_conllu
from ..tagging_chars import CharVocab
from .errors import UsageError
from .runs import read_config

TAG_FORMATS = {  # --dataset -> (reader(path, args), the layout, for --help)
    "conllu": (lambda path, args: read_conllu(path, **({"encoding": args.encoding} if args.encoding else {})),
               "CoNLL-U (Universal Dependencies): a word per line, its UPOS tag in column 4"),
}

# --char-features: the character CNN of benchmarks/tagging.py --chars (Ma & Hovy's sizes, tagging_chars' defaults),
# recorded in config.json so that a run rebuilds the model it trained even if those defaults change.
CHAR_CNN = {"char_dim": 30, "char_filters": 50, "char_width": 3, "max_chars": 20}


class WordRows(nn.Module):
    """A tagger's scores (N, L, C) as one row per real word, (n, C): the padding (id ``pad_index``) left out.

    ``ids`` is (N, L) word ids, or (N, L, 1 + W) with each word's characters
    after its id (--char-features).
    """

    def __init__(self, tagger, pad_index=0):
        super().__init__()
        self.tagger, self.pad_index = tagger, pad_index

    def forward(self, ids):
        return self.tagger(ids)[word_ids(ids) != self.pad_index]


def word_ids(ids):
    """The word ids (N, L) of a batch, with or without the characters beside them."""
    return ids[:, :, 0] if ids.ndim == 3 else ids


# ------------------------------------------------------------------- data
def _read(path, args):
    """(word lists as written, tag lists) of a tagged file."""
    sentences = list(TAG_FORMATS[args.dataset][0](path, args))
    return [list(words) for words, _ in sentences], [list(tags) for _, tags in sentences]


def _keys(words, lowercase=True):
    """Word lists as the run's vocabulary reads them: lower-cased."""
    return [[w.lower() for w in sentence] if lowercase else sentence for sentence in words]


def match_tags(tags, names, path):
    """Tag lists as ids of ``names``, matched by name; tags the run does not know stop with their list."""
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted({t for sentence in tags for t in sentence} - set(index))
    if unknown:
        raise DatasetError(f"{path}: {len(unknown)} tag(s) are not tags of the run: {unknown[:10]}"
                           f"{' ...' if len(unknown) > 10 else ''}. The run knows {list(names)}; pass a file "
                           "tagged with the same tag set")
    return [[index[t] for t in sentence] for sentence in tags]


def tag_splits(args):
    """As ``data.load_splits`` for tagged files: {"train", "val", "test"} -> (word lists lower-cased as the
    vocabulary reads them, tag-id lists, the word lists as written), ..."""
    from .data import _describe, split_indices

    if args.dataset not in TAG_FORMATS:
        raise UsageError(f"--task tag reads tagged files: --dataset must be one of {list(TAG_FORMATS)}, "
                         f"not {args.dataset}")
    if args.data is None:
        raise UsageError(f"--task tag needs --data PATH (a {args.dataset} file)")
    words, tags = _read(args.data, args)
    found = {t for sentence in tags for t in sentence}
    names = list(UPOS_TAGS) if found <= set(UPOS_TAGS) else sorted(found)
    parts, sources = {}, {}
    for part in ("val", "test"):
        path = getattr(args, part, None)
        if path is not None:
            other_words, other_tags = _read(path, args)
            parts[part] = (_keys(other_words), match_tags(other_tags, names, path), other_words)
            sources[part] = path
    missing = [part for part in ("test", "val") if part not in parts]
    pieces = split_indices(len(words), args.seed, len(missing))
    columns = (_keys(words), match_tags(tags, names, args.data), words)
    for part, indices in zip(missing + ["train"], pieces):
        parts[part] = tuple([column[i] for i in indices] for column in columns)
        sources[part] = f"a tenth of {args.data}"
    sources["train"] = args.data if not missing else f"the rest of {args.data}"
    return parts, names, None, _describe(parts, sources)


def check_char_features(args, task):
    """--char-features spells out the words of a recurrent tagger: refuse it elsewhere, in one line."""
    if not getattr(args, "char_features", False):
        return
    if task != "tag":
        raise UsageError("--char-features gives each word of a tagger a vector read off its spelling: it needs "
                         "--task tag (with --model lstm or gru)")
    if args.model not in ("lstm", "gru"):
        raise UsageError(f"--char-features: the character vectors join the word vectors of a recurrent tagger; "
                         f"use --model lstm or gru, not {args.model}")


def char_config(args, train):
    """The config.json entries of --char-features: the character CNN's sizes and the training words' characters."""
    if not getattr(args, "char_features", False):
        return {"char_features": False}
    if getattr(args, "resume", None):  # the characters the checkpoint's embedding rows stand for
        chars = read_config(args.resume)["chars"]
    else:
        chars = CharVocab.build(zip(train[2], train[1])).itos[2:]
    return {"char_features": True, "chars": chars, "num_chars": len(chars) + 2, **CHAR_CNN}


def speller(config):
    """word -> its character ids, for a --char-features run (None for a run without), checked against config.json."""
    if not config.get("char_features"):
        return None
    chars, most = config.get("chars"), config.get("max_chars")
    if (not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars)
            or chars != sorted(set(chars)) or config.get("num_chars") != len(chars) + 2
            or not isinstance(most, int) or most < 1):
        raise UsageError("config.json of a --char-features run must list its distinct characters, sorted, in "
                         "\"chars\", with num_chars = len(chars) + 2 and max_chars a positive int; train the run "
                         "again")
    return functools.partial(CharVocab(chars).encode, max_chars=most)


def _collate(chars=False, **options):
    from ..tagging import IGNORE_INDEX, TagCollate
    from ..tagging_chars import CharTagCollate

    pad = TagCollate(**options)
    if chars:
        pad = CharTagCollate(pad)  # word dropout hides a word's id, never its spelling

    def collate(batch):
        ids, tags = pad(batch)
        return ids, tags[tags != IGNORE_INDEX]  # the tags of the real words, in the order WordRows answers them
    return collate


def _loader(vocab, keys, tags, written, batch_size, spell=None, shuffle=False, device="cpu", **options):
    """Batches of (ids, real words' tag ids) on ``device``; ``keys`` the words as the vocabulary reads them,
    ``written`` as they are spelled (read only with ``spell``, a ``speller``)."""
    from ..data import DataLoader

    if spell is None:
        examples = [(vocab.encode(k), t) for k, t in zip(keys, tags)]
    else:
        examples = [((vocab.encode(k), [spell(w) for w in words]), t) for k, t, words in zip(keys, tags, written)]
    return DataLoader(examples, batch_size=batch_size, shuffle=shuffle,
                      collate_fn=_collate(spell is not None, **options), device=device)


def tag_loaders(config, vocab, parts, args):
    """Train, val and test loaders of (word ids (N, L), or (N, L, 1 + W) with --char-features, and the real
    words' tag ids (n,)); word dropout in train only."""
    from collections import Counter

    from ..tagging import rare_ids

    keys = parts["train"][0]
    spell = speller(config)
    options = {}
    if args.word_dropout:
        counts = Counter(w for sentence in keys for w in sentence)  # a resumed run's loaded Vocab has none
        options = {"word_dropout": args.word_dropout, "rare_ids": rare_ids(vocab, counts),
                   "unk_index": vocab.unk_index}
    return [_loader(vocab, *parts["train"], args.batch_size, spell, shuffle=True, device=args.device, **options)] + [
        _loader(vocab, *parts[part], args.batch_size, spell, device=args.device) for part in ("val", "test")]


def flat_tags(tags):
    return [t for sentence in tags for t in sentence]


# ------------------------------------------------------------------ report
def _predict(model, loader, unk_index):
    """(true tags, predicted tags, which words are <unk>), one entry per real word."""
    import minigrad

    model.eval()
    true, predicted, unknown = [], [], []
    with minigrad.no_grad():
        for ids, tags in loader:
            true.append(tags.numpy())
            predicted.append(model(ids).argmax(1).numpy())
            words = word_ids(ids).numpy()
            unknown.append(words[words != model.pad_index] == unk_index)  # WordRows' order: the real words
    return numpy.concatenate(true), numpy.concatenate(predicted), numpy.concatenate(unknown)


def tag_report(model, loader, names, what, unk_index):
    """The lines of a tagging report: word accuracy (all words, and those outside the vocabulary), per-tag
    precision/recall/F1, the tags confused most."""
    from ..metrics import accuracy, classification_report, confusion_matrix, most_confused

    true, predicted, unknown = _predict(model, loader, unk_index)
    matrix = confusion_matrix(true, predicted, len(names))
    confused = most_confused(matrix, names, k=6)
    acc = accuracy(true, predicted)
    unseen = accuracy(true[unknown], predicted[unknown]) if unknown.any() else None
    lines = [f"word accuracy {acc:.1%} on {len(true):,} words of {what}; "
             + (f"{unseen:.1%} on the {unknown.sum():,} words outside the vocabulary (<unk>)" if unknown.any()
                else "every word is in the vocabulary"), "",
             classification_report(true, predicted, target_names=names, digits=3),
             "most confused (true -> predicted, words): " + (", ".join(f"{a} -> {b} {n}" for a, b, n in confused)
                                                             or "none")]
    return lines, {"test_accuracy": acc, "unknown_words": int(unknown.sum()), "unknown_word_accuracy": unseen,
                   "confusion_matrix": matrix.tolist(), "most_confused": [list(c) for c in confused]}


def write_tag_run(folder, model, vocab, config, history, test_loader):
    """Score the test words and write every file of a tagging run into ``folder``; returns the summary lines."""
    from ..atomic import write_json
    from ..plot import plot_history
    from ..serialization import save

    lines, numbers = tag_report(model, test_loader, config["label_names"], "the test set", vocab.unk_index)
    save({"model": model.state_dict(), "best_epoch": history.best_epoch}, os.path.join(folder, "model.npz"))
    vocab.save(os.path.join(folder, "vocab.json"))
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "metrics.json"), {"history": history.to_dict(), **numbers})
    plot_history(history, os.path.join(folder, "history.png"))
    return lines


# ------------------------------------------------------- evaluate / predict
def evaluate_tags(args, model, vocab, config, device="cpu"):
    from .data import _with

    dataset = args.format or config.get("dataset", "conllu")
    if dataset not in TAG_FORMATS:
        raise UsageError(f"a tagging run reads tagged files: --format must be one of {list(TAG_FORMATS)}")
    words, tags = _read(args.data, _with(args, dataset=dataset))
    loader = _loader(vocab, _keys(words, config.get("lowercase", True)),
                     match_tags(tags, config["label_names"], args.data), words, 64, speller(config), device=device)
    lines, _ = tag_report(model, loader, config["label_names"], args.data, vocab.unk_index)
    print("\n".join(lines))
    return 0


def predict_tags(sentences, model, vocab, config):
    """Print each sentence as ``word/TAG`` pairs; words are split at spaces."""
    import minigrad

    model.eval()
    names, spell = config["label_names"], speller(config)
    for sentence in sentences:
        words = sentence.split()
        (ids, _), = _loader(vocab, _keys([words], config.get("lowercase", True)), [[0] * len(words)], [words], 1,
                            spell)
        with minigrad.no_grad():
            tags = model(ids).argmax(1).tolist()
        print(" ".join(f"{w}/{names[t]}" for w, t in zip(words, tags)))
    sys.stdout.flush()
    return 0
