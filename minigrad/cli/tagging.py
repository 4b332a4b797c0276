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
"""
import os
import sys

import numpy

from .. import nn
from ..datasets import UPOS_TAGS, DatasetError, read_conllu
from .errors import UsageError

TAG_FORMATS = {  # --dataset -> (reader(path, args), the layout, for --help)
    "conllu": (lambda path, args: read_conllu(path, **({"encoding": args.encoding} if args.encoding else {})),
               "CoNLL-U (Universal Dependencies): a word per line, its UPOS tag in column 4"),
}


class WordRows(nn.Module):
    """A tagger's scores (N, L, C) as one row per real word, (n, C): the padding (id ``pad_index``) left out."""

    def __init__(self, tagger, pad_index=0):
        super().__init__()
        self.tagger, self.pad_index = tagger, pad_index

    def forward(self, ids):
        return self.tagger(ids)[ids != self.pad_index]


# ------------------------------------------------------------------- data
def _read(path, args, lowercase=True):
    """(word lists, tag lists) of a tagged file; words lower-cased as the run's vocabulary is."""
    sentences = list(TAG_FORMATS[args.dataset][0](path, args))
    words = [[w.lower() for w in s] if lowercase else list(s) for s, _ in sentences]
    return words, [list(tags) for _, tags in sentences]


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
    """As ``data.load_splits`` for tagged files: {"train", "val", "test"} -> (word lists, tag-id lists), ..."""
    from .data import _describe, _subset, split_indices

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
            parts[part], sources[part] = (other_words, match_tags(other_tags, names, path)), path
    missing = [part for part in ("test", "val") if part not in parts]
    pieces = split_indices(len(words), args.seed, len(missing))
    ids = match_tags(tags, names, args.data)
    for part, indices in zip(missing, pieces):
        parts[part], sources[part] = _subset(words, ids, indices), f"a tenth of {args.data}"
    parts["train"] = _subset(words, ids, pieces[-1])
    sources["train"] = args.data if not missing else f"the rest of {args.data}"
    return parts, names, None, _describe(parts, sources)


def _collate(**options):
    from ..tagging import IGNORE_INDEX, TagCollate

    pad = TagCollate(**options)

    def collate(batch):
        ids, tags = pad(batch)
        return ids, tags[tags != IGNORE_INDEX]  # the tags of the real words, in the order WordRows answers them
    return collate


def _loader(vocab, words, tags, batch_size, shuffle=False, **options):
    from ..data import DataLoader

    examples = [(vocab.encode(w), t) for w, t in zip(words, tags)]
    return DataLoader(examples, batch_size=batch_size, shuffle=shuffle, collate_fn=_collate(**options))


def tag_loaders(config, vocab, parts, args):
    """Train, val and test loaders of (word ids (N, L), real words' tag ids (n,)); word dropout in train only."""
    from collections import Counter

    from ..tagging import rare_ids

    words, tags = parts["train"]
    options = {}
    if args.word_dropout:
        counts = Counter(w for sentence in words for w in sentence)  # a resumed run's loaded Vocab has none
        options = {"word_dropout": args.word_dropout, "rare_ids": rare_ids(vocab, counts),
                   "unk_index": vocab.unk_index}
    return [_loader(vocab, words, tags, args.batch_size, shuffle=True, **options)] + [
        _loader(vocab, *parts[part], args.batch_size) for part in ("val", "test")]


def flat_tags(tags):
    return [t for sentence in tags for t in sentence]


# ------------------------------------------------------------------ report
def _predict(model, loader):
    import minigrad

    model.eval()
    true, predicted = [], []
    with minigrad.no_grad():
        for ids, tags in loader:
            true.append(tags.numpy())
            predicted.append(model(ids).argmax(1).numpy())
    return numpy.concatenate(true), numpy.concatenate(predicted)


def tag_report(model, loader, names, what):
    """The lines of a tagging report: word accuracy, per-tag precision/recall/F1, the tags confused most."""
    from ..metrics import accuracy, classification_report, confusion_matrix, most_confused

    true, predicted = _predict(model, loader)
    matrix = confusion_matrix(true, predicted, len(names))
    confused = most_confused(matrix, names, k=6)
    acc = accuracy(true, predicted)
    lines = [f"word accuracy {acc:.1%} on {len(true):,} words of {what}", "",
             classification_report(true, predicted, target_names=names, digits=3),
             "most confused (true -> predicted, words): " + (", ".join(f"{a} -> {b} {n}" for a, b, n in confused)
                                                             or "none")]
    return lines, {"test_accuracy": acc, "confusion_matrix": matrix.tolist(),
                   "most_confused": [list(c) for c in confused]}


def write_tag_run(folder, model, vocab, config, history, test_loader):
    """Score the test words and write every file of a tagging run into ``folder``; returns the summary lines."""
    from ..atomic import write_json
    from ..plot import plot_history
    from ..serialization import save

    lines, numbers = tag_report(model, test_loader, config["label_names"], "the test set")
    save({"model": model.state_dict(), "best_epoch": history.best_epoch}, os.path.join(folder, "model.npz"))
    vocab.save(os.path.join(folder, "vocab.json"))
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "metrics.json"), {"history": history.to_dict(), **numbers})
    plot_history(history, os.path.join(folder, "history.png"))
    return lines


# ------------------------------------------------------- evaluate / predict
def evaluate_tags(args, model, vocab, config):
    from .data import _with

    dataset = args.format or config.get("dataset", "conllu")
    if dataset not in TAG_FORMATS:
        raise UsageError(f"a tagging run reads tagged files: --format must be one of {list(TAG_FORMATS)}")
    words, tags = _read(args.data, _with(args, dataset=dataset), config.get("lowercase", True))
    loader = _loader(vocab, words, match_tags(tags, config["label_names"], args.data), batch_size=64)
    lines, _ = tag_report(model, loader, config["label_names"], args.data)
    print("\n".join(lines))
    return 0


def predict_tags(sentences, model, vocab, config):
    """Print each sentence as ``word/TAG`` pairs; words are split at spaces."""
    import minigrad

    model.eval()
    names = config["label_names"]
    for sentence in sentences:
        words = sentence.split()
        keys = [w.lower() for w in words] if config.get("lowercase", True) else words
        with minigrad.no_grad():
            tags = model(minigrad.tensor([vocab.encode(keys)])).argmax(1).tolist()
        print(" ".join(f"{w}/{names[t]}" for w, t in zip(words, tags)))
    sys.stdout.flush()
    return 0
