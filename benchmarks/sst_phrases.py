"""SST-1 and SST-2 test accuracy of Kim's TextCNN trained on every labelled phrase of the SST training trees.

Kim (2014) trained on all the phrases of the training sentences, not only
the sentences: that is what his 45.0% (SST-1) and 82.7% (SST-2) figures for
CNN-rand rest on.  Here:

- training data: the distinct (lower-cased phrase, label) pairs of
  ``sst_trees/train.txt`` (157,401 for SST-1; 77,307 for SST-2, whose
  neutral phrases are dropped), read by ``read_sst_trees(phrases=True)``;
- the epoch is picked on the dev sentences (roots of ``dev.txt``), and the
  model is scored on the test sentences (roots of ``test.txt``: 2,210 for
  SST-1, 1,821 for SST-2);
- TextCNN: embeddings of 128 from U[-0.25, 0.25], 100 filters each of widths
  3, 4, 5, dropout 0.5, Adam 1e-3, batch 50 (the PyTorch reference recipe of
  ``../shared/data/README.md``: 46.4% dev, 45.3% test after one epoch).

    python benchmarks/sst_phrases.py                          # both tasks, up to 3 epochs each
    python benchmarks/sst_phrases.py --tasks sst1 --epochs 1
"""
import argparse
import os
import time
from pathlib import Path

import minigrad
from minigrad.data import DataLoader
from minigrad.datasets import read_sst_trees
from minigrad.models import TextCNN
from minigrad.text import PadCollate, Vocab
from minigrad.train import evaluate, fit

from accuracy import WIDTHS, Encoded  # benchmarks/accuracy.py: (ids, label) pairs, Kim's filter widths

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MINIGRAD_DATA", ROOT.parent / "shared" / "data")) / "sst_trees"


def run(task, epochs, patience, seed=0, max_train=None):
    minigrad.manual_seed(seed)
    fine = task == "sst1"
    train = read_sst_trees(DATA / "train.txt", phrases=True, fine_grained=fine, lowercase=True)
    dev = read_sst_trees(DATA / "dev.txt", fine_grained=fine, lowercase=True)
    test = read_sst_trees(DATA / "test.txt", fine_grained=fine, lowercase=True)
    train_x, train_y = train.texts[:max_train], train.labels[:max_train]
    vocab = Vocab.build(train_x)
    model = TextCNN(len(vocab), len(train.label_names), embed_dim=128, num_filters=100, kernel_sizes=WIDTHS,
                    dropout=0.5)
    collate = PadCollate(min_len=max(WIDTHS))
    loaders = [DataLoader(Encoded(x, y, vocab), batch_size=50, shuffle=shuffle, collate_fn=collate)
               for x, y, shuffle in ((train_x, train_y, True), (dev.texts, dev.labels, False),
                                     (test.texts, test.labels, False))]
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    history = fit(model, optimizer, loaders[0], loaders[1], epochs=epochs, early_stopping_patience=patience,
                  monitor="val_accuracy", mode="max", restore_best=True, verbose=True)
    elapsed = time.perf_counter() - start
    _, test_accuracy = evaluate(model, loaders[2])
    epochs_run = len(history["train_loss"])
    return dict(task=task, train=len(train_x), test=len(test.texts), dev=max(history["val_accuracy"]),
                accuracy=test_accuracy, epochs=epochs_run, best=history.best_epoch, per_epoch=elapsed / epochs_run)


def main():
    parser = argparse.ArgumentParser(description="SST-1 / SST-2 TextCNN trained on every phrase of the SST trees")
    parser.add_argument("--tasks", nargs="+", default=["sst1", "sst2"], choices=["sst1", "sst2"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--patience", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0, help="for the initial weights and the shuffling")
    parser.add_argument("--max-train", type=int, default=None, help="use only the first N training phrases")
    args = parser.parse_args()
    rows = []
    for task in args.tasks:
        print(f"\n== {task}: TextCNN on the phrases of sst_trees/train.txt", flush=True)
        rows.append(run(task, args.epochs, args.patience, args.seed, args.max_train))
        r = rows[-1]
        print(f"{task}: test {100 * r['accuracy']:.1f}% (dev {100 * r['dev']:.1f}%)", flush=True)
    print("\n| task | training phrases | test sentences | dev accuracy | test accuracy | epochs (best) | s / epoch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['task']} | {r['train']:,} | {r['test']:,} | {100 * r['dev']:.1f}% | {100 * r['accuracy']:.1f}% "
              f"| {r['epochs']} ({r['best']}) | {r['per_epoch']:.1f} |")


if __name__ == "__main__":
    main()
