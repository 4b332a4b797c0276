"""One training epoch of a bidirectional LSTM classifier on MR: minigrad against PyTorch on the CPU.

Model (``models.RNNClassifier`` and its PyTorch twin): random embeddings of
128, a BiLSTM of hidden size 128 over the packed sentences, max-pooling over
the real words, dropout 0.5, a linear layer; Adam at 1e-3, batch 50.  Both
frameworks get the same batches in the same process, one after the other,
``--repeat`` times; the best time of each counts.

    python benchmarks/rnn.py                        # one epoch over all 10,662 sentences, best of 2
    python benchmarks/rnn.py --batches 40 --repeat 3
    python benchmarks/rnn.py --cell gru
    OPENBLAS_NUM_THREADS=1 python benchmarks/rnn.py --torch-threads 1   # one core each, on a busy machine

Prints sentences per second and the ratio minigrad / PyTorch of the best
epoch times (lower is better for minigrad; 1.0 is parity).
"""
import argparse

import numpy as np
from _mr import index_batches, read_mr, torch_rnn_classifier, train_minigrad, train_torch, vocabulary

import minigrad
from minigrad.models import RNNClassifier

try:
    import torch
except ImportError:
    torch = None

EMBED, HIDDEN, DROPOUT, BATCH = 128, 128, 0.5, 50


def minigrad_epoch(batches, vocab_size, cell):
    minigrad.manual_seed(0)
    model = RNNClassifier(vocab_size, 2, cell=cell, embed_dim=EMBED, hidden_size=HIDDEN, bidirectional=True,
                          pooling="max", dropout=DROPOUT)
    seconds, _, _, loss = train_minigrad(model, batches)
    return seconds, loss


def torch_epoch(batches, vocab_size, cell):
    torch.manual_seed(0)
    model = torch_rnn_classifier(torch, vocab_size, cell, embed_dim=EMBED, hidden_size=HIDDEN, dropout=DROPOUT)
    seconds, _, loss = train_torch(model, batches, torch)
    return seconds, loss


def main():
    parser = argparse.ArgumentParser(description="BiLSTM (or BiGRU) epoch on MR: minigrad vs PyTorch")
    parser.add_argument("--batches", type=int, default=None, help="time only the first N batches")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each framework; the best counts")
    parser.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="PyTorch's thread count (default: its own); 1 matches OPENBLAS_NUM_THREADS=1 for NumPy")
    args = parser.parse_args()
    if torch is not None and args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    batches = index_batches(sentences, labels, vocab, BATCH)[: args.batches]
    count = sum(len(b[1]) for b in batches)
    print(f"MR: {count} sentences in {len(batches)} batches of {BATCH}, vocabulary {len(vocab) + 2}, Bi{args.cell.upper()}")
    print(f"NumPy {np.__version__}" + (f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ""))
    ours, theirs = [], []
    for run in range(args.repeat):
        seconds, loss = minigrad_epoch(batches, len(vocab) + 2, args.cell)
        ours.append(seconds)
        print(f"run {run + 1}: minigrad {seconds:6.2f} s (last loss {loss:.3f})", end="", flush=True)
        if torch is not None:
            t_seconds, t_loss = torch_epoch(batches, len(vocab) + 2, args.cell)
            theirs.append(t_seconds)
            print(f"   PyTorch {t_seconds:6.2f} s (last loss {t_loss:.3f})", end="")
        print()
    best = min(ours)
    print(f"minigrad: best {best:6.2f} s  {count / best:7.0f} sentences/s")
    if torch is None:
        print("PyTorch is not installed: no ratio (pip install torch==2.13.0 to compare)")
        return
    t_best = min(theirs)
    print(f"PyTorch:  best {t_best:6.2f} s  {count / t_best:7.0f} sentences/s")
    print(f"ratio minigrad / PyTorch (best epoch time): {best / t_best:.2f}x")


if __name__ == "__main__":
    main()
