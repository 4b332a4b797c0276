"""Does any reading of the BiLSTM/BiGRU recipe reach the sequence-model issue's targets on MR?  PyTorch only.

The recipe (word vectors of 128 from U[-0.25, 0.25], hidden 128 each way,
max-pooling over time, dropout 0.5, Adam 1e-3, batch 50, 2 epochs) leaves
some choices open.  This script trains PyTorch's model under one reading on
the ten folds of ``accuracy.py --folds 10`` (same permutation, per-fold
vocabularies and batches as ``_crossval.py``) and prints the test accuracy
of each fold after every epoch, then the mean over the folds.  The readings
(``_mr.torch_rnn_classifier``):

- ``masked``: max over the real words only (minigrad's ``RNNClassifier``);
- ``zero``: padded outputs are 0 and take part in the max;
- ``unpacked``: no packing, the max over every padded step;
- ``embdrop``: ``masked`` plus dropout 0.5 on the word vectors.

Only PyTorch trains here: minigrad's own figures, on the same folds beside
its PyTorch twin, come from ``accuracy.py --folds 10 --torch``, and the two
agree (README, "Recurrent networks and attention").  The point is the
recipe: if no reading reaches the target in PyTorch, no engine will.
``--seed`` draws the initial weights (``torch.manual_seed(1000 * seed +
fold)``) and the batches; the folds stay those of seed 0.  On a GPU
(``--device cuda``) the ten folds of one reading take a few minutes.

    python benchmarks/mr_readings.py --cell gru --reading zero --device cuda
"""
import argparse
import time

import numpy as np
from _crossval import fold_indices, mean_and_error
from _mr import check_device, data_folder, index_batches, torch_rnn_classifier

from minigrad.datasets import read_mr
from minigrad.text import Vocab, tokenize


def accuracy(torch, model, batches, device):
    """The fraction of ``batches``' sentences whose arg-max logit is the label, dropout off."""
    model.eval()
    right = seen = 0
    with torch.no_grad():
        for ids, labels in batches:
            right += int((model(torch.from_numpy(ids).to(device)).argmax(1).cpu().numpy() == labels).sum())
            seen += len(labels)
    return right / seen


def run_fold(torch, sentences, labels, train_rows, test_rows, args, fold):
    """Train one fold for ``args.epochs`` epochs; returns its test accuracy after each epoch."""
    train = [sentences[i] for i in train_rows]
    vocab = Vocab.build(train)
    test_batches = index_batches([sentences[i] for i in test_rows], labels[test_rows], vocab.stoi, 50, min_len=1)
    torch.manual_seed(1000 * args.seed + fold)
    model = torch_rnn_classifier(torch, len(vocab), args.cell, reading=args.reading).to(args.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scores = []
    for epoch in range(args.epochs):
        model.train()
        for ids, target in index_batches(train, labels[train_rows], vocab.stoi, 50, seed=[args.seed, fold, epoch],
                                         min_len=1):
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(ids).to(args.device)),
                                                     torch.from_numpy(target).to(args.device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scores.append(accuracy(torch, model, test_batches, args.device))
    return scores


def main():
    parser = argparse.ArgumentParser(description="MR, 10 folds: one reading of the BiLSTM/BiGRU recipe, in PyTorch")
    parser.add_argument("--cell", choices=["lstm", "gru"], default="gru")
    parser.add_argument("--reading", choices=["masked", "zero", "unpacked", "embdrop"], default="masked")
    parser.add_argument("--epochs", type=int, default=3, help="test accuracy is printed after each (the recipe: 2)")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--only-folds", type=int, default=None, help="run just the first N folds, for a quick look")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="cuda: PyTorch on the GPU")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        raise SystemExit("mr_readings.py: this script trains PyTorch's model only; pip install torch to run it")
    check_device("mr_readings.py", args.device, torch)
    mr = read_mr(data_folder() / "mr")
    sentences, labels = [tokenize(t) for t in mr.texts], np.asarray(mr.labels, dtype=np.int64)
    print(f"MR, {args.folds} folds, {args.cell}, reading {args.reading}, seed {args.seed}, PyTorch {torch.__version__} "
          f"on {args.device}", flush=True)
    rows = []
    for fold, (train_rows, test_rows) in enumerate(fold_indices(len(sentences), args.folds)[:args.only_folds]):
        start = time.perf_counter()
        rows.append(run_fold(torch, sentences, labels, train_rows, test_rows, args, fold))
        print(f"fold {fold}: " + "  ".join(f"epoch {e + 1} {100 * a:.1f}%" for e, a in enumerate(rows[-1]))
              + f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    for epoch in range(args.epochs):
        mean, error = mean_and_error([100 * r[epoch] for r in rows])
        print(f"after epoch {epoch + 1}: mean {mean:.1f}% +- {error:.1f} (standard error over {len(rows)} folds)")


if __name__ == "__main__":
    main()
