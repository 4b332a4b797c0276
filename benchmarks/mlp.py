"""One training epoch of a BatchNorm bag-of-words MLP on MR: minigrad against PyTorch on the CPU.

Model: binary bag of words over the whole MR vocabulary -> Linear 512 ->
BatchNorm1d -> ReLU -> Dropout 0.5 -> Linear 256 -> BatchNorm1d -> ReLU ->
Dropout 0.5 -> Linear 2; Adam at 1e-3, batch 50.  Same batches for both, in
one process; PyTorch is timed only when it is installed.

    python benchmarks/mlp.py               # one epoch over all 10,662 sentences
    python benchmarks/mlp.py --batches 40  # a shorter run
"""
from _mr import bag_batches, compare, train_minigrad, train_torch

import minigrad
from minigrad.models import BowMLP

try:
    import torch
except ImportError:
    torch = None

HIDDEN, DROPOUT, BATCH = (512, 256), 0.5, 50


def minigrad_epoch(batches, vocab_size, trace_memory=False):
    minigrad.manual_seed(0)
    return train_minigrad(BowMLP(vocab_size, 2, hidden=HIDDEN, dropout=DROPOUT), batches, trace_memory)


def torch_epoch(batches, vocab_size):
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(vocab_size, HIDDEN[0]), nn.BatchNorm1d(HIDDEN[0]), nn.ReLU(), nn.Dropout(DROPOUT),
        nn.Linear(HIDDEN[0], HIDDEN[1]), nn.BatchNorm1d(HIDDEN[1]), nn.ReLU(), nn.Dropout(DROPOUT),
        nn.Linear(HIDDEN[1], 2),
    )
    return train_torch(model, batches, torch)


def main():
    compare("bag-of-words MLP epoch on MR: minigrad vs PyTorch", lambda s, l, v: bag_batches(s, l, v, BATCH), minigrad_epoch, torch_epoch, torch)


if __name__ == "__main__":
    main()
