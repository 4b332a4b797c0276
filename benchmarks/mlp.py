"""One training epoch of a BatchNorm bag-of-words MLP on MR: minigrad against PyTorch on the CPU.

Model: binary bag of words over the whole MR vocabulary -> Linear 512 ->
BatchNorm1d -> ReLU -> Dropout 0.5 -> Linear 256 -> BatchNorm1d -> ReLU ->
Dropout 0.5 -> Linear 2; Adam at 1e-3, batch 50.  Same batches for both, in
one process; PyTorch is timed only when it is installed.

    python benchmarks/mlp.py               # one epoch over all 10,662 sentences
    python benchmarks/mlp.py --batches 40  # a shorter run
"""
import argparse
import time
import tracemalloc

import numpy as np
from _mr import bag_batches, read_mr, vocabulary

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
    parser = argparse.ArgumentParser(description="bag-of-words MLP epoch on MR: minigrad vs PyTorch")
    parser.add_argument("--batches", type=int, default=None, help="time only the first N batches")
    args = parser.parse_args()
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    batches = bag_batches(sentences, labels, vocab, BATCH)[: args.batches]
    count = sum(len(b[1]) for b in batches)
    print(f"MR: {count} sentences in {len(batches)} batches of {BATCH}, vocabulary {len(vocab) + 2}")
    print(f"NumPy {np.__version__}" + (f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ""))
    seconds, _, loss = minigrad_epoch(batches, len(vocab) + 2)
    _, peak, _ = minigrad_epoch(batches[:20], len(vocab) + 2, trace_memory=True)
    print(f"minigrad: {seconds:6.2f} s  {count / seconds:7.0f} sentences/s  peak arrays {peak / 2**20:.0f} MiB (first 20 batches)  last loss {loss:.3f}")
    if torch is None:
        print("PyTorch is not installed: no ratio (pip install torch==2.13.0 to compare)")
        return
    t_seconds, t_loss = torch_epoch(batches, len(vocab) + 2)
    print(f"PyTorch:  {t_seconds:6.2f} s  {count / t_seconds:7.0f} sentences/s  last loss {t_loss:.3f}")
    print(f"ratio minigrad / PyTorch (epoch time): {seconds / t_seconds:.2f}x")


if __name__ == "__main__":
    main()
