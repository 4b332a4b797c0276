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
  ``../shared/data/README.md``: 46.4% dev, 45.3% test after one epoch);
- padding as in Kim's code (``--padding both``, the default), since his
  figures are the target: 4 ``<pad>`` before the words and at least 4
  after, so that every word, the first included, meets every column of
  every filter.  ``--padding post`` pads after the words only
  (``PadCollate(min_len=5)``, what ``python -m minigrad train`` does): there
  a filter sees the first word only through its first column, and a
  one-word phrase (17,007 of the 157,401) through that column alone.  Over
  three seeds of the PyTorch twin, Kim's padding gave 1.2 points more dev
  accuracy on average and 0.6 less test accuracy: no gain that holds on
  both (README, "phrase-level SST").

``--torch`` then trains a PyTorch twin (``_sst.py``) on the very batches
minigrad trained on, recorded as they were made: same vocabulary, ids,
padding and order; only the initial weights and the dropout masks are
PyTorch's own.  Its figures print beside minigrad's.  On the same batches
both engines score alike, so what separates either from the reference's
46.4% is not the engine (``sst_bisect.py`` compares one choice at a time).

    python benchmarks/sst_phrases.py                          # both tasks, up to 3 epochs each
    python benchmarks/sst_phrases.py --tasks sst1 --epochs 2 --torch
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

from _sst import KimPadCollate, Recorder, load_torch, run_twin
from accuracy import WIDTHS, Encoded  # benchmarks/accuracy.py: (ids, label) pairs, Kim's filter widths

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MINIGRAD_DATA", ROOT.parent / "shared" / "data")) / "sst_trees"


def run(task, epochs, patience, seed=0, max_train=None, padding="both", torch=None):
    """Train and score minigrad's TextCNN; with ``torch``, then the PyTorch twin on the very same batches."""
    minigrad.manual_seed(seed)
    fine = task == "sst1"
    train = read_sst_trees(DATA / "train.txt", phrases=True, fine_grained=fine, lowercase=True)
    dev = read_sst_trees(DATA / "dev.txt", fine_grained=fine, lowercase=True)
    test = read_sst_trees(DATA / "test.txt", fine_grained=fine, lowercase=True)
    train_x, train_y = train.texts[:max_train], train.labels[:max_train]
    vocab = Vocab.build(train_x)
    model = TextCNN(len(vocab), len(train.label_names), embed_dim=128, num_filters=100, kernel_sizes=WIDTHS,
                    dropout=0.5)
    collate = KimPadCollate(max(WIDTHS) - 1) if padding == "both" else PadCollate(min_len=max(WIDTHS))
    train_collate = Recorder(collate, -(-len(train_x) // 50)) if torch else collate
    loaders = [DataLoader(Encoded(x, y, vocab), batch_size=50, shuffle=shuffle, collate_fn=c)
               for x, y, shuffle, c in ((train_x, train_y, True, train_collate), (dev.texts, dev.labels, False, collate),
                                        (test.texts, test.labels, False, collate))]
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    history = fit(model, optimizer, loaders[0], loaders[1], epochs=epochs, early_stopping_patience=patience,
                  monitor="val_accuracy", mode="max", restore_best=True, verbose=True)
    elapsed = time.perf_counter() - start
    _, test_accuracy = evaluate(model, loaders[2])
    epochs_run = len(history["train_loss"])
    result = dict(task=task, train=len(train_x), test=len(test.texts), dev=max(history["val_accuracy"]),
                  accuracy=test_accuracy, epochs=epochs_run, best=history.best_epoch, per_epoch=elapsed / epochs_run)
    if torch is None:
        return result, None
    as_numpy = [[(ids.numpy(), labels.numpy()) for ids, labels in loader] for loader in loaders[1:]]
    twin = run_twin(torch, train_collate.epochs, *as_numpy, len(vocab), len(train.label_names), seed=seed)
    return result, dict(twin, task=task, train=len(train_x), test=len(test.texts))


def main():
    parser = argparse.ArgumentParser(description="SST-1 / SST-2 TextCNN trained on every phrase of the SST trees")
    parser.add_argument("--tasks", nargs="+", default=["sst1", "sst2"], choices=["sst1", "sst2"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--patience", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0, help="for the initial weights and the shuffling")
    parser.add_argument("--max-train", type=int, default=None, help="use only the first N training phrases")
    parser.add_argument("--padding", choices=["both", "post"], default="both",
                        help="both: 4 <pad> before and after the words, as Kim's code (the default); "
                             "post: after the words only, to at least 5 (PadCollate(min_len=5))")
    parser.add_argument("--torch", action="store_true",
                        help="also train a PyTorch twin on the same batches and print its figures beside minigrad's")
    args = parser.parse_args()
    torch = None
    if args.torch:
        torch = load_torch()
        if torch is None:
            print("--torch: PyTorch is not installed; the twin is skipped (minigrad never needs it)")
        else:
            torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS", "1")))  # NumPy's share of the cores
    rows = []
    for task in args.tasks:
        print(f"\n== {task}: TextCNN on the phrases of sst_trees/train.txt, padding {args.padding}", flush=True)
        result, twin = run(task, args.epochs, args.patience, args.seed, args.max_train, args.padding, torch)
        rows += [("minigrad", result)] + ([("PyTorch twin", twin)] if twin else [])
        for who, r in rows[-2 if twin else -1:]:
            print(f"{task} {who}: test {100 * r['accuracy']:.1f}% (dev {100 * r['dev']:.1f}%)", flush=True)
    print(f"\npadding {args.padding}, seed {args.seed}, load average {os.getloadavg()[0]:.1f} at the end")
    print("| task | engine | training phrases | test sentences | dev accuracy | test accuracy | epochs (best) | s / epoch |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for who, r in rows:
        print(f"| {r['task']} | {who} | {r['train']:,} | {r['test']:,} | {100 * r['dev']:.1f}% | {100 * r['accuracy']:.1f}% "
              f"| {r['epochs']} ({r['best']}) | {r['per_epoch']:.1f} |")


if __name__ == "__main__":
    main()
