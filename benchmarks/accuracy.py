"""Test accuracy on real sentences: the bag-of-words MLP, Kim's TextCNN, a BiLSTM and a BiGRU on MR and SST-2.

- MR: the 10,662 sentences split 90/10 (seed 0) into train and test; 10% of
  the training part is held out to pick the best epoch.
- SST-2: trained on the 67,349 labelled phrases of the GLUE training file (as
  Kim 2014 trained: every phrase of the training sentences), the best epoch
  picked on the 872 dev sentences, scored on the 1,821 test sentences
  (``stsa.binary.test``), which share no sentence with the training phrases'
  source sentences.

Both models learn from scratch (the TextCNN's word vectors start random, from
U[-0.25, 0.25] as in Kim's CNN-rand), Adam at 1e-3, batch 50, early stopping
on validation accuracy.  Kim (2014) reports
CNN-rand at 76.1% (MR, 10-fold cross-validation) and 82.7% (SST-2).

    python benchmarks/accuracy.py                       # both datasets, both models
    python benchmarks/accuracy.py --datasets mr --models cnn --epochs 3
    python benchmarks/accuracy.py --datasets mr --models lstm gru   # the recurrent models
    python benchmarks/accuracy.py --datasets mr --models lstm gru --fixed-epochs --epochs 2
        # no epoch picking: the whole 90% trains for exactly 2 epochs

The BiLSTM and BiGRU (``models.RNNClassifier``): word vectors of 128 from
U[-0.25, 0.25] (the ``<pad>`` row zero), one bidirectional layer of hidden
size 128 each way initialised as PyTorch's, max-pooling over the real words
only, dropout 0.5 before the classifier; same optimiser, batch and stopping.

Cross-validation (``--folds K``, MR only; Kim's MR protocol is 10-fold):

    python benchmarks/accuracy.py --datasets mr --models lstm gru --folds 10 --epochs 2
    python benchmarks/accuracy.py --datasets mr --models lstm gru --folds 10 --epochs 2 --torch
        # and PyTorch's twin on the same folds, vocabularies, batches and initial weights

The folds come from one seeded permutation (fold 0 tests on the single
split's test tenth); each trains the fixed recipe for exactly ``--epochs``
epochs (default 2) on the other nine tenths, with a vocabulary built from
those alone, and tests on its tenth.  Prints each fold's accuracy and the
mean +- standard error over the folds; ``--only-folds N`` runs the first N.
Without PyTorch installed, ``--torch`` says so in one line and runs minigrad
alone.  The details are in ``benchmarks/_crossval.py``.

``--device cuda`` trains on a GPU (minigrad through CuPy, and the twin with
``--torch``), where ten folds take minutes instead of hours; a GPU draws
other dropout masks than the CPU, so its figures differ by that much.
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np
from _crossval import cross_validate, mean_and_error
from _mr import check_device

import minigrad
from minigrad.data import DataLoader, Dataset
from minigrad.datasets import read_csv, read_mr, read_sst
from minigrad.models import BowMLP, RNNClassifier, TextCNN
from minigrad.text import PadCollate, Vocab
from minigrad.train import evaluate, fit

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MINIGRAD_DATA", ROOT.parent / "shared" / "data"))
WIDTHS = (3, 4, 5)
MIN_LEN = {"cnn": max(WIDTHS), "lstm": 1, "gru": 1}  # a batch must be as long as the widest filter


class Encoded(Dataset):
    """(token ids, label) pairs."""

    def __init__(self, texts, labels, vocab):
        self.ids = [vocab.encode(t) for t in texts]
        self.labels = list(labels)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.ids[i], self.labels[i]


class BagCollate:
    """Batches of binary bag-of-words vectors, built per batch (the full matrix would not fit in memory)."""

    def __init__(self, size):
        self.size = size

    def __call__(self, batch):
        bags = np.zeros((len(batch), self.size), dtype=np.float32)
        for row, (ids, _) in enumerate(batch):
            bags[row, ids] = 1.0
        bags[:, :2] = 0.0  # <pad> and <unk> carry no word
        return minigrad.tensor(bags), minigrad.tensor([label for _, label in batch])


def splits(name):
    """(train, validation, test) as (texts, labels) pairs."""
    if name == "mr":
        mr = read_mr(DATA / "mr")
        order = np.random.default_rng(0).permutation(len(mr.texts))
        test, rest = order[: len(order) // 10], order[len(order) // 10 :]
        val, train = rest[: len(rest) // 10], rest[len(rest) // 10 :]
        pick = lambda rows: ([mr.texts[i] for i in rows], [mr.labels[i] for i in rows])  # noqa: E731
        return pick(train), pick(val), pick(test)
    phrases = read_csv(DATA / "sst2_glue" / "train.tsv", text_column="sentence", label_column="label")
    dev, test = read_sst(DATA / "sst" / "stsa.binary.dev"), read_sst(DATA / "sst" / "stsa.binary.test")
    # GLUE writes labels as "0"/"1": map them by name onto negative/positive.
    train_labels = [int(phrases.label_names[y]) for y in phrases.labels]
    return (phrases.texts, train_labels), (dev.texts, dev.labels), (test.texts, test.labels)


def make_model(model_name, vocab_size, embed_dim=128):
    """The benchmark's recipe for each model (dropout 0.5 before the classifier in all four)."""
    if model_name == "cnn":
        return TextCNN(vocab_size, 2, embed_dim=embed_dim, num_filters=100, kernel_sizes=WIDTHS, dropout=0.5)
    if model_name in ("lstm", "gru"):
        return RNNClassifier(vocab_size, 2, cell=model_name, embed_dim=embed_dim, hidden_size=128,
                             bidirectional=True, pooling="max", dropout=0.5)
    return BowMLP(vocab_size, 2, hidden=(512, 256), dropout=0.5)


def run(dataset, model_name, epochs, patience, max_train=None, seed=0, min_freq=1, embed_dim=128, fixed=False,
        device="cpu"):
    minigrad.manual_seed(seed)
    (train_x, train_y), (val_x, val_y), (test_x, test_y) = splits(dataset)
    if fixed:  # no epoch picking: train on the validation part too, for exactly `epochs` epochs
        train_x, train_y = train_x + val_x, train_y + val_y
    if max_train:
        train_x, train_y = train_x[:max_train], train_y[:max_train]
    vocab = Vocab.build(train_x, min_freq=min_freq)
    model = make_model(model_name, len(vocab), embed_dim).to(device)  # before Adam, which makes its state there
    collate = BagCollate(len(vocab)) if model_name == "mlp" else PadCollate(min_len=MIN_LEN[model_name])
    loaders = [
        DataLoader(Encoded(x, y, vocab), batch_size=50, shuffle=shuffle, collate_fn=collate, device=device)
        for (x, y), shuffle in (((train_x, train_y), True), ((val_x, val_y), False), ((test_x, test_y), False))
    ]
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    if fixed:
        history = fit(model, optimizer, loaders[0], None, epochs=epochs, monitor="train_loss", mode="min",
                      restore_best=False, verbose=True)
    else:
        history = fit(model, optimizer, loaders[0], loaders[1], epochs=epochs, early_stopping_patience=patience,
                      monitor="val_accuracy", mode="max", restore_best=True, verbose=True)
    elapsed = time.perf_counter() - start
    _, test_accuracy = evaluate(model, loaders[2])
    epochs_run = len(history["train_loss"])
    return dict(dataset=dataset, model=model_name, train=len(train_x), test=len(test_x), accuracy=test_accuracy,
                epochs=epochs_run, best=history.best_epoch, per_epoch=elapsed / epochs_run)


def main():
    parser = argparse.ArgumentParser(description="MR and SST-2 test accuracy of minigrad's MLP, TextCNN, BiLSTM, BiGRU")
    parser.add_argument("--datasets", nargs="+", default=["mr", "sst2"], choices=["mr", "sst2"])
    parser.add_argument("--models", nargs="+", default=["mlp", "cnn"], choices=["mlp", "cnn", "lstm", "gru"])
    parser.add_argument("--epochs", type=int, default=None,
                        help="at most this many epochs (default 10; with --folds exactly this many, default 2)")
    parser.add_argument("--patience", type=int, default=2)
    parser.add_argument("--max-train", type=int, default=None, help="use only the first N training examples")
    parser.add_argument("--seed", type=int, default=0, help="for the initial weights and the shuffling")
    parser.add_argument("--min-freq", type=int, default=1, help="words seen fewer times become <unk>")
    parser.add_argument("--embed-dim", type=int, default=128, help="word-vector size (TextCNN, BiLSTM, BiGRU)")
    parser.add_argument("--fixed-epochs", action="store_true",
                        help="MR: train on the whole 90%% (validation part included) for exactly --epochs epochs")
    parser.add_argument("--folds", type=int, default=None,
                        help="MR: K-fold cross-validation (Kim's protocol is 10), each fold trained for exactly "
                             "--epochs epochs; prints each fold and the mean +- standard error")
    parser.add_argument("--only-folds", type=int, default=None, help="with --folds: run just the first N folds")
    parser.add_argument("--torch", action="store_true",
                        help="with --folds, lstm/gru: also train PyTorch's twin on the same folds and batches")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                        help="cuda: train minigrad (and with --folds --torch, the twin) on the GPU")
    args = parser.parse_args()
    check_device("accuracy.py", args.device)
    if args.folds is not None:
        return cross_validation(args)
    rows = []
    for dataset in args.datasets:
        for model_name in args.models:
            print(f"\n== {dataset} / {model_name}")
            rows.append(run(dataset, model_name, args.epochs or 10, args.patience, args.max_train, args.seed, args.min_freq,
                            args.embed_dim, args.fixed_epochs, args.device))
    print("\n| dataset | model | train examples | test sentences | test accuracy | epochs (best) | s / epoch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['dataset']} | {r['model']} | {r['train']} | {r['test']} | {100 * r['accuracy']:.1f}% | "
              f"{r['epochs']} ({r['best']}) | {r['per_epoch']:.1f} |")


def cross_validation(args):
    """``--folds K``: MR only, every model in --models, minigrad and (with --torch) PyTorch side by side."""
    if args.datasets != ["mr"] or "mlp" in args.models:
        raise SystemExit("accuracy.py --folds: cross-validation is for MR with the cnn, lstm and gru models; "
                         "pass --datasets mr --models lstm gru (or cnn)")
    torch = None
    if args.torch:
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed: minigrad only (pip install torch to add the twin)")
        else:
            check_device("accuracy.py", args.device, torch)
    mr = read_mr(DATA / "mr")
    epochs = args.epochs or 2  # the reference trained 2 epochs
    print(f"MR, {args.folds}-fold cross-validation (seed {args.seed}), {epochs} epochs per fold, no epoch picking; "
          f"NumPy {np.__version__}" + (f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)"
                                       if torch else "") + f"; load average {os.getloadavg()[0]:.1f} at the start")
    summary = []
    for model_name in args.models:
        print(f"\n== mr / {model_name}, {args.folds} folds")
        twin = torch if model_name in ("lstm", "gru") else None
        if torch is not None and twin is None:
            print(f"(no PyTorch twin for {model_name}: minigrad only)")
        rows = []
        for row in cross_validate(mr.texts, mr.labels, lambda v: make_model(model_name, v, args.embed_dim),
                                  args.folds, epochs, args.seed, args.min_freq, twin, model_name,
                                  MIN_LEN[model_name], only=args.only_folds, device=args.device):
            rows.append(row)
            line = (f"fold {row['fold']}: train {row['train']}, test {row['test']}, vocabulary {row['vocab']}: "
                    f"minigrad {100 * row['accuracy']:.1f}% ({row['seconds']:.0f} s)")
            if "torch_accuracy" in row:
                line += f"   PyTorch {100 * row['torch_accuracy']:.1f}% ({row['torch_seconds']:.0f} s)"
            print(line, flush=True)
        frameworks = [("minigrad", "accuracy")] + ([("PyTorch", "torch_accuracy")] if "torch_accuracy" in rows[0] else [])
        for name, key in frameworks:
            mean, error = mean_and_error([100 * r[key] for r in rows])
            summary.append(f"| {model_name} | {name} | {len(rows)} of {args.folds} | {epochs} | {mean:.1f}% +- {error:.1f} "
                           f"| {min(100 * r[key] for r in rows):.1f}-{max(100 * r[key] for r in rows):.1f}% |")
        if len(frameworks) == 2:
            mean, error = mean_and_error([100 * (r["accuracy"] - r["torch_accuracy"]) for r in rows])
            print(f"minigrad - PyTorch, per fold: {mean:+.1f} +- {error:.1f} points")
    print("\n| model | framework | folds | epochs | mean test accuracy +- standard error | range over folds |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
