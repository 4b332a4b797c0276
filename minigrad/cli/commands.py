"""What ``train``, ``evaluate`` and ``predict`` do, each a function of the parsed arguments."""
import argparse
import os
import shutil
import sys
import time

import numpy

import minigrad

from ..atomic import write_json
from ..serialization import load, save
from .data import encode, load_splits, make_loader, match_labels, read_file, resolve_device
from .errors import UsageError
from .models import build_model, min_length
from .runs import RunFolder, load_run, read_config, refuse_oversized
from .tagging import (TAG_FORMATS, char_config, check_char_features, evaluate_tags, flat_tags, predict_tags,
                      tag_loaders, tag_splits, write_tag_run)

# What a run's config.json records of the options: enough to rebuild the data, the model and the loop.
RUN_OPTIONS = ("dataset", "data", "val", "test", "text_first", "text_column", "label_column", "encoding",
               "max_classes", "synthetic_size", "model", "epochs", "batch_size", "lr", "embed_dim", "filters",
               "kernel_sizes", "hidden", "hidden_size", "bidirectional", "pooling", "dropout", "max_vocab", "min_freq", "max_len", "seed", "patience", "clip",
               "class_weight", "task", "word_dropout", "phrases", "char_features")


# -------------------------------------------------------------------- train
def cmd_train(args):
    from ..optim import Adam
    from ..optim.lr_scheduler import ReduceLROnPlateau
    from ..text import Vocab
    from ..train import fit

    resume = args.resume
    if resume is not None:
        args = _resumed_args(resume, args.device)
    args.device = resolve_device(args.device)
    minigrad.manual_seed(args.seed)
    tagging = _task(args) == "tag"
    parts, names, ceiling, sources = (tag_splits if tagging else load_splits)(args)
    train, val, test = parts["train"], parts["val"], parts["test"]
    if min(len(train[0]), len(val[0]), len(test[0])) == 0:
        raise UsageError(f"too few examples ({sources}) to train, pick the best epoch and test; use a larger file, "
                         "or give --val and --test files")
    run = RunFolder(args.out, args.overwrite) if resume is None else RunFolder(resume, replace=True)
    try:
        vocab = (Vocab.build(train[0], max_size=args.max_vocab, min_freq=args.min_freq) if resume is None
                 else Vocab.load(os.path.join(resume, "vocab.json")))
        config = {"model": args.model, "dataset": args.dataset, "vocab_size": len(vocab),
                  "num_classes": len(names), "label_names": names, "embed_dim": args.embed_dim,
                  "num_filters": args.filters, "kernel_sizes": args.kernel_sizes, "hidden": args.hidden,
                  "hidden_size": args.hidden_size, "bidirectional": args.bidirectional, "pooling": args.pooling,
                  "dropout": args.dropout, "max_len": args.max_len, "status": "complete", "device": args.device,
                  "options": _options(args)}
        if tagging:  # words lower-cased, sentences never cut: a tag per word
            # A recurrent tagger always reads both ways (models.py builds it so): the config says what was built.
            config.update(task="tag", lowercase=True, word_dropout=args.word_dropout, max_len=None,
                          bidirectional=args.model in ("lstm", "gru"),
                          **char_config(args, train))
        loaders = (tag_loaders if tagging else _sentence_loaders)(config, vocab, parts, args)
        if resume is not None:  # the options come from the folder: size them against its checkpoint first
            last = os.path.join(resume, "checkpoints", "last.npz")
            refuse_oversized(config, load(last), last)
        model = build_model(config).to(args.device)  # before the optimizer, so that its state is made there
        optimizer = Adam(model.parameters(), lr=args.lr)
        # Monitor the validation loss: accuracy often reaches its ceiling early and then cannot rank epochs.
        scheduler = ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
        loss_fn = _loss(args.class_weight, flat_tags(train[1]) if tagging else train[1], len(names)).to(args.device)
        print(f"{args.model} on {args.dataset}: {sources}; {len(vocab):,} words, "
              f"{sum(p.numel() for p in model.parameters()):,} parameters" +
              (f"; training on the GPU ({args.device})" if args.device != "cpu" else ""))
        checkpoints = os.path.join(run.tmp, "checkpoints")
        if resume is not None:  # a second Ctrl-C before a new best epoch still has these to fall back on
            shutil.copytree(os.path.join(resume, "checkpoints"), checkpoints)
        started = time.perf_counter()
        try:
            # A diverging run overflows before its loss turns NaN; fit reports that as TrainingDiverged.
            with numpy.errstate(over="ignore", invalid="ignore", divide="ignore"):
                history = fit(model, optimizer, loaders[0], loaders[1], epochs=args.epochs, loss_fn=loss_fn,
                              scheduler=scheduler, clip_grad_norm=args.clip, monitor="val_loss", mode="min",
                              early_stopping_patience=args.patience or None, checkpoint_dir=checkpoints,
                              resume_from=os.path.join(resume, "checkpoints", "last.npz") if resume else None)
        except KeyboardInterrupt:
            if not os.path.exists(os.path.join(checkpoints, "best.npz")):
                raise  # nothing finished yet: nothing worth keeping
            history = _restore_best(model, checkpoints)
            config["status"] = "interrupted"
        seconds = time.perf_counter() - started
        if config["status"] == "complete":
            shutil.rmtree(checkpoints, ignore_errors=True)  # a finished run needs no resuming
        summary = (write_tag_run(run.tmp, model, vocab, config, history, loaders[2]) if tagging
                   else _write_run(run.tmp, model, vocab, config, history, loaders[2], test[1], ceiling))
        run.publish()
    except BaseException:
        run.discard()
        raise
    print(f"trained in {seconds:.1f}s; best epoch {history.best_epoch}")
    print("\n".join(summary))
    if config["status"] == "interrupted":
        print(f"interrupted: kept the best epoch so far ({history.best_epoch}) as a usable run in {run.path}; "
              f"continue it with: python -m minigrad train --resume {run.path}")
        return 130
    print(f"saved the run to {run.path}")
    return 0


def _sentence_loaders(config, vocab, parts, args):
    """Train, val and test loaders of (padded ids or bags of words, labels); sentences cut to --max-len."""
    loaders = []
    for i, part in enumerate(("train", "val", "test")):
        texts, labels = parts[part]
        ids, cut = encode(vocab, texts, args.max_len)
        if cut:
            print(f"warning: {cut} of {len(texts):,} {part} sentences are longer than --max-len {args.max_len} "
                  "tokens and were cut", file=sys.stderr)
        loaders.append(make_loader(config, vocab, ids, labels, args.batch_size, shuffle=i == 0, device=args.device))
    return loaders


def _task(args):
    """'tag' or 'classify', checking that the dataset holds what the task needs."""
    task = getattr(args, "task", None) or "classify"
    if task == "classify" and args.dataset in TAG_FORMATS:
        raise UsageError(f"--dataset {args.dataset} holds a tag per word, not a label per sentence: add --task tag")
    if task == "tag":
        from .models import TAGGERS

        if args.model not in TAGGERS:
            raise UsageError(f"--task tag: --model must be one of {list(TAGGERS)} (a score per word), "
                             f"not {args.model}")
    check_char_features(args, task)
    return task


def _options(args):
    """The run's options for config.json, with file paths made absolute so --resume works from anywhere."""
    options = {k: getattr(args, k, None) for k in RUN_OPTIONS}
    for key in ("data", "val", "test"):
        if options[key] is not None:
            options[key] = os.path.abspath(options[key])
    return options


def _resumed_args(folder, device=None):
    """The options of the interrupted run in ``folder``; ``device`` (``--device``) if given, else the run's own."""
    config = read_config(folder)
    if config.get("status") != "interrupted" or not os.path.exists(os.path.join(folder, "checkpoints", "last.npz")):
        raise UsageError(f"--resume {folder}: the run is {config.get('status', 'complete')}, with no checkpoint to "
                         "continue from; only a run stopped with Ctrl-C can be resumed")
    options = config.get("options")
    if not isinstance(options, dict) or not set(options) <= set(RUN_OPTIONS):
        unknown = sorted(set(options) - set(RUN_OPTIONS))[:3] if isinstance(options, dict) else None
        raise UsageError(f"--resume {folder}: config.json's options are damaged (" + (
            f"unknown options {unknown}" if unknown else "not a dict of the run's options") + "); train the run again")
    if device is None:  # the run's own device; --device continues it on another
        device = config.get("device", "cpu")
        if device not in ("cpu", "cuda"):
            raise UsageError(f"--resume {folder}: config.json's device is damaged ({device!r}, not cpu or cuda); "
                             "add --device cpu or --device cuda")
        if device == "cuda" and not minigrad.cuda.is_available():
            raise UsageError(f"--resume {folder}: the run was training on a GPU, and no GPU is usable here: "
                             f"{minigrad.cuda.unavailable_reason()} Add --device cpu to continue it on the CPU")
    return argparse.Namespace(**options, out=None, overwrite=False, resume=folder, device=device)


def _restore_best(model, checkpoints):
    """After Ctrl-C: the best epoch's weights into ``model``, and the history up to the last finished epoch."""
    from ..train import History

    last = load(os.path.join(checkpoints, "last.npz"))
    model.load_state_dict(last["best_model"] if last.get("best_model") else load(
        os.path.join(checkpoints, "best.npz"))["model"])
    return History.from_dict(last["history"])


def _loss(class_weight, labels, num_classes):
    """Cross-entropy; with ``balanced``, each class weighted by n / (C * n_c), so rare classes count as much."""
    from ..nn import CrossEntropyLoss

    if class_weight != "balanced":
        return CrossEntropyLoss()
    counts = numpy.bincount(numpy.asarray(labels, dtype=numpy.int64), minlength=num_classes)
    weight = numpy.where(counts > 0, len(labels) / (num_classes * numpy.maximum(counts, 1)), 0.0)
    return CrossEntropyLoss(weight=minigrad.tensor(weight.astype(numpy.float32)))


def _write_run(folder, model, vocab, config, history, test_loader, test_labels, ceiling):
    """Score the test set and write every file of a run into ``folder``; returns the summary lines."""
    from ..metrics import confusion_matrix
    from ..plot import plot_confusion_matrix, plot_history
    from ..train import evaluate

    test_loss, test_acc = evaluate(model, test_loader)
    predicted = predict_labels(model, test_loader)
    cm = confusion_matrix(test_labels, predicted, config["num_classes"])
    lines, numbers = summary(test_labels, predicted, config["label_names"], ceiling)
    save({"model": model.state_dict(), "best_epoch": history.best_epoch}, os.path.join(folder, "model.npz"))
    vocab.save(os.path.join(folder, "vocab.json"))
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "metrics.json"), {
        "history": history.to_dict(), "test_loss": test_loss, "test_accuracy": test_acc,
        "confusion_matrix": cm.tolist(), **numbers})
    plot_history(history, os.path.join(folder, "history.png"))
    plot_confusion_matrix(cm, config["label_names"], os.path.join(folder, "confusion_matrix.png"), title="test set")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)  # a run folder is an ordinary folder
    return lines


def summary(labels, predicted, names, ceiling):
    """Test accuracy and macro-F1 next to the baseline they must beat: always answering the most common class."""
    from ..metrics import accuracy, precision_recall_f1

    labels = numpy.asarray(labels)
    acc = accuracy(labels, predicted)
    macro_f1 = precision_recall_f1(labels, predicted, len(names))["macro"]["f1"]
    counts = numpy.bincount(labels, minlength=len(names))
    common, majority = names[int(counts.argmax())], counts.max() / len(labels)
    numbers = {"chance": 1 / len(names), "majority_baseline": float(majority), "majority_class": common,
               "macro_f1": macro_f1, "bag_of_words_ceiling": ceiling}
    lines = [f"test accuracy {acc:.1%}, macro-F1 {macro_f1:.3f} on {len(labels):,} sentences "
             f"(always answering {common} scores {majority:.1%})"]
    if acc > majority + 0.05:
        lines.append(f"it learned: {100 * (acc - majority):.1f} points above always answering {common}")
    else:
        lines.append(f"it did not learn much: {100 * (acc - majority):+.1f} points against always answering "
                     f"{common}; try more --epochs, a different --lr, --class-weight balanced, or more data")
    if ceiling is not None:
        lines.append(f"(a bag-of-words model can reach at most {ceiling:.1%} on this test set: "
                     "the label depends on word order)")
    return lines, numbers


# ------------------------------------------------------- evaluate / predict
@minigrad.no_grad()
def predict_labels(model, loader, probabilities=False):
    """Predicted class ids (or softmax probabilities) for every example of ``loader``, in order."""
    model.eval()
    out = [minigrad.softmax(model(inputs), dim=1).numpy() for inputs, _ in loader]
    probs = numpy.concatenate(out)
    return probs if probabilities else probs.argmax(1)


def _run_args(args, config):
    """The reading options of the run's training data, unless this command gives its own."""
    options = config.get("options", {})
    merged = {k: options.get(k) for k in ("dataset", "text_first", "text_column", "label_column", "encoding")}
    merged.update({k: v for k, v in vars(args).items() if v is not None})
    merged["dataset"] = config.get("dataset", merged.get("dataset"))
    return argparse.Namespace(**merged)


def cmd_evaluate(args):
    from ..metrics import accuracy, classification_report, confusion_matrix
    from .data import DATASETS

    device = resolve_device(args.device)
    model, vocab, config = load_run(args.run)
    model.to(device)
    if config.get("task") == "tag":
        return evaluate_tags(args, model, vocab, config, device)
    names = config["label_names"]
    trees = config.get("options", {}).get("phrases")  # a run trained on SST phrases is scored on tree files
    kind = args.format or ("sst_trees" if trees else DATASETS.get(config["dataset"])) or "tsv"
    data = read_file(kind, args.data, _run_args(args, config))
    labels = match_labels(data, names, args.data)
    ids, cut = encode(vocab, data.texts, config.get("max_len") or 10**9)
    if cut:
        print(f"warning: {cut} sentences are longer than the run's --max-len {config['max_len']} tokens and were cut",
              file=sys.stderr)
    y_pred = predict_labels(model, make_loader(config, vocab, ids, labels, 256, shuffle=False, device=device))
    print(f"accuracy {accuracy(labels, y_pred):.1%} on {len(data)} sentences of {args.data}\n")
    print(classification_report(labels, y_pred, target_names=names, digits=3))
    print(_confusion_table(confusion_matrix(labels, y_pred, len(names)), names))
    return 0


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
    if config.get("task") == "tag":
        if args.explain:
            raise UsageError(f"--explain explains one label per sentence; {args.run} tags every word")
        return predict_tags(sentences, model, vocab, config)
    if args.explain:
        from minigrad.explain import explain_sentences

        try:
            explain_sentences(model, vocab, sentences, config["label_names"], sys.stdout,
                              min_len=min_length(config))
        except ValueError as err:
            raise UsageError(str(err)) from None
        return 0
    ids, _ = encode(vocab, sentences, config.get("max_len") or 10**9)
    probs = predict_labels(model, make_loader(config, vocab, ids, [0] * len(ids), 256, shuffle=False),
                           probabilities=True)
    for sentence, p in zip(sentences, probs):
        print(f"{config['label_names'][int(p.argmax())]}\t{p.max():.3f}\t{sentence}")
    return 0
