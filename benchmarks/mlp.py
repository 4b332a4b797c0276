"""One training epoch of a BatchNorm bag-of-words MLP on MR: minigrad against PyTorch on the CPU.

Model: binary bag of words over the whole MR vocabulary -> Linear 512 ->
BatchNorm1d -> ReLU -> Dropout 0.5 -> Linear 256 -> BatchNorm1d -> ReLU ->
Dropout 0.5 -> Linear 2; Adam at 1e-3, batch 50.  Same batches for both, in
one process; PyTorch is timed only when it is installed.

    python benchmarks/mlp.py               # one epoch over all 10,662 sentences
    python benchmarks/mlp.py --batches 40  # a shorter run
"""
import time
import tracemalloc

from _mr import bag_batches, compare

import minigrad
import minigrad.nn.functional as F
from minigrad.models import BowMLP

try:
    import torch
except ImportError:
    torch = None

HIDDEN, DROPOUT, BATCH = (512, 256), 0.5, 50


def minigrad_epoch(batches, vocab_size, trace_memory=False):
    """(seconds, peak bytes of arrays or None, last loss); tracing memory slows NumPy, so it is a separate run."""
    minigrad.manual_seed(0)
    model = BowMLP(vocab_size, 2, hidden=HIDDEN, dropout=DROPOUT)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    for bags, labels in batches:
        loss = F.cross_entropy(model(minigrad.tensor(bags)), minigrad.tensor(labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    peak = None
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak, loss.item()


def torch_epoch(batches, vocab_size):
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(vocab_size, HIDDEN[0]), nn.BatchNorm1d(HIDDEN[0]), nn.ReLU(), nn.Dropout(DROPOUT),
        nn.Linear(HIDDEN[0], HIDDEN[1]), nn.BatchNorm1d(HIDDEN[1]), nn.ReLU(), nn.Dropout(DROPOUT),
        nn.Linear(HIDDEN[1], 2),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    start = time.perf_counter()
    for bags, labels in batches:
        loss = nn.functional.cross_entropy(model(torch.from_numpy(bags)), torch.from_numpy(labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start, loss.item()


def main():
    compare("bag-of-words MLP epoch on MR: minigrad vs PyTorch", lambda s, l, v: bag_batches(s, l, v, BATCH), minigrad_epoch, torch_epoch, torch)


if __name__ == "__main__":
    main()
