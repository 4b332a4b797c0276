"""The command line: ``python -m minigrad train | evaluate | predict``.

    python -m minigrad train                                  # TextCNN on the built-in synthetic corpus
    python -m minigrad train --dataset sst2 --data ../shared/data/sst --out runs/sst2
    python -m minigrad evaluate --run runs/sst2 --data ../shared/data/sst/stsa.binary.test
    python -m minigrad predict --run runs/sst2 "a gripping , funny film" "dull and predictable"

``train`` writes a run folder: ``model.npz`` (the best weights),
``vocab.json``, ``config.json`` (everything needed to rebuild the model),
``metrics.json`` and two plots.  It is written into a hidden temporary
folder and renamed at the end, so a failed or interrupted run leaves nothing
behind.  Bad input ends with one line on stderr and exit status 2.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy

import minigrad
from minigrad.datasets import DatasetError, read_csv, read_mr, read_sst, read_tsv_labeled, synthetic_sentiment
from minigrad.serialization import CheckpointError, load, save

DATASETS = ("synthetic", "mr", "sst2", "sst5", "tsv", "csv")
FORMATS = ("tsv", "csv", "sst", "mr")  # file formats for `evaluate`
DEFAULT_FORMAT = {"synthetic": "tsv", "tsv": "tsv", "csv": "csv", "sst2": "sst", "sst5": "sst", "mr": "mr"}


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


# --------------------------------------------------------------------- data
def _split(n, seed, groups=None):
    """Indices of an 80/10/10 train/val/test split; examples sharing a group id stay together."""
    groups = numpy.arange(n) if groups is None else numpy.asarray(groups)
    distinct = numpy.unique(groups)
    order = numpy.random.default_rng(seed).permutation(len(distinct))
    part = numpy.empty(len(distinct), dtype=int)
    part[order] = numpy.arange(len(distinct)) * 10 // len(distinct)  # 0..9 in shuffled order
    where = dict(zip(distinct.tolist(), part.tolist()))
    bucket = numpy.array([where[g] for g in groups.tolist()])
    return numpy.flatnonzero(bucket >= 2), numpy.flatnonzero(bucket == 1), numpy.flatnonzero(bucket == 0)


def _subset(data, indices):
    return [data.texts[i] for i in indices], [data.labels[i] for i in indices]


def load_splits(args):
    """(train, val, test) as (texts, labels) pairs, the class names, and the bag-of-words ceiling or None."""
    if args.dataset == "synthetic":
        data = synthetic_sentiment(args.synthetic_size, seed=args.seed)
        # Partners of a pair (same words, opposite labels) stay in one split, so that word counts
        # alone get exactly one of each test pair right: that caps a bag-of-words model.
        groups = [p if p >= 0 else -1 - i for i, p in enumerate(data.pair_ids)]
        splits = _split(len(data), args.seed, groups)
        paired = sum(data.pair_ids[i] >= 0 for i in splits[2])
        ceiling = 1 - paired / 2 / len(splits[2]) if len(splits[2]) else None
        return [_subset(data, ix) for ix in splits], data.label_names, ceiling
    if args.data is None:
        raise UsageError(f"--dataset {args.dataset} needs --data PATH (a file, or for mr and sst a folder)")
    enc = {"encoding": args.encoding} if args.encoding else {}
    if args.dataset in ("sst2", "sst5") and os.path.isdir(args.data):
        stem = "stsa.binary" if args.dataset == "sst2" else "stsa.fine"
        parts = [read_sst(os.path.join(args.data, f"{stem}.{s}"), args.dataset == "sst5", **enc)
                 for s in ("train", "dev", "test")]
        return [(p.texts, p.labels) for p in parts], parts[0].label_names, None
    data = read_labelled(args.dataset, args.data, args, None)
    return [_subset(data, ix) for ix in _split(len(data), args.seed)], data.label_names, None


def read_labelled(kind, path, args, label_names):
    """One labelled file (or the MR folder) in the format ``kind``."""
    enc = {"encoding": args.encoding} if args.encoding else {}
    if kind == "mr":
        return read_mr(path, **enc)
    if kind in ("sst", "sst2", "sst5"):
        fine = {"sst2": False, "sst5": True}.get(kind, None if label_names is None else len(label_names) == 5)
        return read_sst(path, fine_grained=fine, **enc)
    if kind == "csv":
        return read_csv(path, args.text_column, args.label_column, label_names=label_names, **enc)
    return read_tsv_labeled(path, label_names=label_names, **enc)


def make_loader(config, vocab, texts, labels, batch_size, shuffle):
    """Batches of (inputs, labels): padded ids for the CNN, bag-of-words rows for the MLP."""
    from minigrad.data import DataLoader, TensorDataset
    from minigrad.text import BagOfWords, PadCollate

    targets = minigrad.tensor(numpy.asarray(labels, dtype=numpy.int64))
    if config["model"] == "mlp":
        features = BagOfWords(vocab, mode="count").transform(texts)
        return DataLoader(TensorDataset(features, targets), batch_size=batch_size, shuffle=shuffle)
    examples = [(vocab.encode(t), int(y)) for t, y in zip(texts, labels)]
    collate = PadCollate(min_len=1 if config["model"] in RNN_MODELS else max(config["kernel_sizes"]))
    return DataLoader(examples, batch_size=batch_size, shuffle=shuffle, collate_fn=collate)


RNN_MODELS = ("lstm", "gru", "rnn")


def build_model(config):
    from minigrad.models import BowMLP, RNNClassifier, TextCNN

    if config["model"] in RNN_MODELS:
        return RNNClassifier(config["vocab_size"], config["num_classes"], config["model"], config["embed_dim"],
                             config["hidden_size"], bidirectional=config["bidirectional"],
                             pooling=config["pooling"], dropout=config["dropout"])
    if config["model"] == "mlp":
        return BowMLP(config["vocab_size"], config["num_classes"], tuple(config["hidden"]), config["dropout"])
    return TextCNN(config["vocab_size"], config["num_classes"], config["embed_dim"], config["num_filters"],
                   tuple(config["kernel_sizes"]), config["dropout"])


# -------------------------------------------------------------------- train
def _output_folder(out):
    """Create the hidden temporary folder the run is written into; fail now if ``out`` cannot be written."""
    out = os.path.abspath(out or os.path.join("runs", time.strftime("%Y%m%d-%H%M%S")))
    if os.path.exists(out):
        raise UsageError(f"--out {out} already exists; choose a new folder (runs are never overwritten)")
    parent = os.path.dirname(out)
    try:
        os.makedirs(parent, exist_ok=True)
        return out, tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.", suffix=".tmp", dir=parent)
    except OSError as err:
        raise UsageError(f"cannot write the output folder {out} ({err.strerror}); choose another --out") from None


def cmd_train(args):
    from minigrad.optim import Adam
    from minigrad.optim.lr_scheduler import ReduceLROnPlateau
    from minigrad.text import Vocab
    from minigrad.train import fit

    minigrad.manual_seed(args.seed)
    (train, val, test), names, ceiling = load_splits(args)
    if min(len(train[0]), len(val[0]), len(test[0])) == 0:
        raise UsageError(f"too few examples ({len(train[0]) + len(val[0]) + len(test[0])}) to split into "
                         "train, validation and test sets; use a larger file")
    out, tmp = _output_folder(args.out)  # before training: an unwritable --out fails at once
    try:
        vocab = Vocab.build(train[0], max_size=args.max_vocab, min_freq=args.min_freq)
        config = {"model": args.model, "dataset": args.dataset, "vocab_size": len(vocab),
                  "num_classes": len(names), "label_names": names, "embed_dim": args.embed_dim,
                  "num_filters": args.filters, "kernel_sizes": args.kernel_sizes, "hidden": args.hidden,
                  "hidden_size": args.hidden_size, "bidirectional": args.bidirectional, "pooling": args.pooling,
                  "dropout": args.dropout, "lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs,
                  "seed": args.seed, "text_column": args.text_column, "label_column": args.label_column}
        loaders = [make_loader(config, vocab, *split, args.batch_size, shuffle=i == 0)
                   for i, split in enumerate((train, val, test))]
        model = build_model(config)
        optimizer = Adam(model.parameters(), lr=args.lr)
        # Monitor the validation loss: accuracy often reaches its ceiling early and then cannot rank epochs.
        scheduler = ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
        print(f"{args.model} on {args.dataset}: {len(train[0])} train / {len(val[0])} val / {len(test[0])} test "
              f"sentences, {len(vocab)} words, {sum(p.numel() for p in model.parameters()):,} parameters")
        started = time.perf_counter()
        history = fit(model, optimizer, loaders[0], loaders[1], epochs=args.epochs, scheduler=scheduler,
                      clip_grad_norm=args.clip, early_stopping_patience=args.patience or None,
                      monitor="val_loss", mode="min")
        seconds = time.perf_counter() - started
        summary = _write_run(tmp, model, vocab, config, history, loaders[2], test[1], ceiling)
        os.rename(tmp, out)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp)  # failed or interrupted: leave nothing half-written
    print(f"trained in {seconds:.1f}s; best epoch {history.best_epoch}")
    print("\n".join(summary))
    print(f"saved the run to {out}")
    return 0


def _write_run(folder, model, vocab, config, history, test_loader, test_labels, ceiling):
    """Score the test set and write every file of a run into ``folder``; returns the summary lines."""
    from minigrad.metrics import confusion_matrix
    from minigrad.plot import plot_confusion_matrix, plot_history
    from minigrad.train import evaluate

    test_loss, test_acc = evaluate(model, test_loader)
    cm = confusion_matrix(test_labels, predict_labels(model, test_loader), config["num_classes"])
    lines, numbers = _summary(test_labels, test_acc, config["num_classes"], ceiling)
    save({"model": model.state_dict(), "best_epoch": history.best_epoch}, os.path.join(folder, "model.npz"))
    vocab.save(os.path.join(folder, "vocab.json"))
    _write_json(os.path.join(folder, "config.json"), config)
    _write_json(os.path.join(folder, "metrics.json"), {
        "history": history.to_dict(), "test_loss": test_loss, "test_accuracy": test_acc,
        "confusion_matrix": cm.tolist(), **numbers})
    plot_history(history, os.path.join(folder, "history.png"))
    plot_confusion_matrix(cm, config["label_names"], os.path.join(folder, "confusion_matrix.png"), title="test set")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)  # mkdtemp made it private; a run folder is an ordinary folder
    return lines


def _summary(labels, test_acc, num_classes, ceiling):
    """Test accuracy next to the baselines it must beat."""
    labels = numpy.asarray(labels)
    chance = 1 / num_classes
    majority = numpy.bincount(labels, minlength=num_classes).max() / len(labels)
    numbers = {"chance": chance, "majority_baseline": float(majority), "bag_of_words_ceiling": ceiling}
    lines = [f"test accuracy {test_acc:.1%} on {len(labels)} sentences (chance {chance:.1%}, "
             f"always predicting the most common class {majority:.1%})"]
    if test_acc > max(chance, majority) + 0.05:
        lines.append(f"it learned: {100 * (test_acc - chance):.1f} points above chance")
    else:
        lines.append("it did not learn much: try more --epochs, a different --lr, or more data")
    if ceiling is not None:
        lines.append(f"(a bag-of-words model can reach at most {ceiling:.1%} on this test set: "
                     "the label depends on word order)")
    return lines, numbers


def _write_json(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)


# ------------------------------------------------------- evaluate / predict
def load_run(folder):
    """(model, vocab, config) from a run folder, checking that its files belong together."""
    from minigrad.text import Vocab

    if not os.path.isdir(folder):
        raise UsageError(f"--run {folder}: no such folder; pass the --out folder of a `train` run")
    path = os.path.join(folder, "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except FileNotFoundError:
        raise UsageError(f"{folder} has no config.json; pass the --out folder of a `train` run") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise UsageError(f"{path} is damaged ({err}); train the run again") from None
    try:
        vocab = Vocab.load(os.path.join(folder, "vocab.json"))
    except (FileNotFoundError, ValueError) as err:
        raise UsageError(str(err)) from None
    if not isinstance(config, dict) or not {"model", "vocab_size", "num_classes", "label_names"} <= set(config):
        raise UsageError(f"{path} lacks the model's description (model, vocab_size, ...); train the run again")
    if len(vocab) != config.get("vocab_size"):
        raise UsageError(f"{folder}: vocab.json has {len(vocab)} tokens but the model was built for "
                         f"{config.get('vocab_size')}; the folder mixes files from different runs")
    try:
        model = build_model(config)
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"{path} cannot describe a model ({type(err).__name__}: {err}); train the run again") from None
    state = load(os.path.join(folder, "model.npz"))
    try:
        model.load_state_dict(state["model"])
    except (RuntimeError, KeyError, TypeError) as err:
        detail = " ".join(str(err).split("\n")[1:2]).strip() or str(err)
        raise UsageError(f"{folder}/model.npz does not match the model in config.json ({detail}); "
                         "the folder mixes files from different runs") from None
    return model.eval(), vocab, config


@minigrad.no_grad()
def predict_labels(model, loader, probabilities=False):
    """Predicted class ids (or softmax probabilities) for every example of ``loader``, in order."""
    model.eval()
    out = [minigrad.softmax(model(inputs), dim=1).numpy() for inputs, _ in loader]
    probs = numpy.concatenate(out)
    return probs if probabilities else probs.argmax(1)


def cmd_evaluate(args):
    from minigrad.metrics import accuracy, classification_report, confusion_matrix

    model, vocab, config = load_run(args.run)
    names = config["label_names"]
    kind = args.format or DEFAULT_FORMAT[config["dataset"]]
    args.text_column = args.text_column or config.get("text_column")
    args.label_column = args.label_column or config.get("label_column")
    data = read_labelled(kind, args.data, args, None)
    labels = _model_class_ids(data, names) or read_labelled(kind, args.data, args, names).labels
    loader = make_loader(config, vocab, data.texts, labels, 256, shuffle=False)
    y_pred = predict_labels(model, loader)
    print(f"accuracy {accuracy(labels, y_pred):.1%} on {len(data)} sentences of {args.data}\n")
    print(classification_report(labels, y_pred, target_names=names, digits=3))
    print(_confusion_table(confusion_matrix(labels, y_pred, len(names)), names))
    return 0


def _model_class_ids(data, names):
    """The file's labels as the model's class ids, matched by name ("positive") or by number ("1").

    None when neither fits; the caller then reads the file again with the model's class names, so
    that the reader reports the first unknown label with its line number.
    """
    found = [str(name) for name in data.label_names]
    if all(name in names for name in found):
        return [names.index(found[i]) for i in data.labels]
    if all(name.isdigit() and int(name) < len(names) for name in found):
        return [int(found[i]) for i in data.labels]
    return None


def _confusion_table(cm, names):
    width = max(max(len(n) for n in names), max(len(str(v)) for v in cm.ravel())) + 2
    lines = ["confusion matrix (rows: true class, columns: predicted)",
             " " * width + "".join(f"{n:>{width}}" for n in names)]
    lines += [f"{name:>{width}}" + "".join(f"{v:>{width}}" for v in row) for name, row in zip(names, cm)]
    return "\n".join(lines)


def cmd_predict(args):
    sentences = args.sentences
    if not sentences:
        if sys.stdin.isatty():
            raise UsageError('give sentences as arguments (predict --run DIR "a fine film") or one per line on stdin')
        sentences = [line.strip() for line in sys.stdin.read().split("\n") if line.strip()]
        if not sentences:
            raise UsageError("stdin held no sentences (only blank lines)")
    for i, sentence in enumerate(sentences, start=1):
        if not sentence.strip():
            raise UsageError(f"sentence {i} is empty; give some text to classify")
    model, vocab, config = load_run(args.run)
    loader = make_loader(config, vocab, sentences, [0] * len(sentences), 256, shuffle=False)
    probs = predict_labels(model, loader, probabilities=True)
    for sentence, p in zip(sentences, probs):
        print(f"{config['label_names'][int(p.argmax())]}\t{p.max():.3f}\t{sentence}")
    return 0


# ---------------------------------------------------------------- arguments
class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, not argparse's usage block: the student should see the problem at once.
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def _int_list(text):
    try:
        values = [int(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers such as 3,4,5, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers such as 3,4,5, got {text!r}")
    return values


def _dropout(text):
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def build_parser():
    parser = _Parser(prog="python -m minigrad", description="Train, evaluate and use sentence classifiers.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train a model and save a run folder",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add = train.add_argument
    add("--dataset", choices=DATASETS, default="synthetic", help="the built-in corpus, or a file format")
    add("--data", help="the data file (or the folder, for mr and sst2/sst5)")
    add("--model", choices=("cnn", "mlp") + RNN_MODELS, default="cnn",
        help="TextCNN, bag-of-words MLP, or a recurrent classifier (LSTM, GRU, tanh RNN)")
    add("--epochs", type=_positive(int), default=10, help="at most this many passes over the data")
    add("--batch-size", type=_positive(int), default=50, help="sentences per step")
    add("--lr", type=_positive(float), default=1e-3, help="Adam's learning rate")
    add("--embed-dim", type=_positive(int), default=128, help="cnn, lstm/gru/rnn: size of each word vector")
    add("--filters", type=_positive(int), default=100, help="cnn: filters per width")
    add("--kernel-sizes", type=_int_list, default=[3, 4, 5], help="cnn: filter widths, in words")
    add("--hidden", type=_int_list, default=[512, 256], help="mlp: hidden layer sizes")
    add("--hidden-size", type=_positive(int), default=128, help="lstm/gru/rnn: state size per direction")
    add("--bidirectional", action="store_true", help="lstm/gru/rnn: read each sentence both ways")
    add("--pooling", choices=("last", "max", "attention"), default="max",
        help="lstm/gru/rnn: final states, max over the words, or attention pooling")
    add("--dropout", type=_dropout, default=0.5, help="dropout probability")
    add("--max-vocab", type=_positive(int), default=20000, help="keep at most this many words")
    add("--min-freq", type=_positive(int), default=1, help="drop words seen fewer times")
    add("--seed", type=int, default=0, help="for the split, the initial weights and the shuffling")
    add("--patience", type=int, default=3, help="early stopping after this many epochs without a better "
                                                "validation loss; 0 turns it off")
    add("--clip", type=_positive(float), default=None, help="clip the gradient norm to this value")
    add("--synthetic-size", type=_positive(int), default=2000, help="sentences of the synthetic corpus")
    add("--out", help="the run folder to create (default: runs/<date-time>)")
    train.set_defaults(handler=cmd_train)

    evaluate = commands.add_parser("evaluate", help="score a trained run on a labelled file")
    evaluate.add_argument("--run", required=True, help="a folder written by `train`")
    evaluate.add_argument("--data", required=True)
    evaluate.add_argument("--format", choices=FORMATS, help="default: that of the training data")
    evaluate.set_defaults(handler=cmd_evaluate)

    predict = commands.add_parser("predict", help="classify sentences given as arguments or on stdin")
    predict.add_argument("--run", required=True, help="a folder written by `train`")
    predict.add_argument("sentences", nargs="*")
    predict.set_defaults(handler=cmd_predict)

    for sub in (train, evaluate):
        sub.add_argument("--encoding", help="of the data files (default: utf-8, or cp1252 for mr)")
        sub.add_argument("--text-column", help="csv: the column holding the text (default: sentence)")
        sub.add_argument("--label-column", help="csv: the column holding the label (default: label)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "train":
        args.text_column = args.text_column or "sentence"
        args.label_column = args.label_column or "label"
    try:
        return args.handler(args)
    except (UsageError, DatasetError, CheckpointError, OSError) as err:
        print(f"minigrad {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"minigrad {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
