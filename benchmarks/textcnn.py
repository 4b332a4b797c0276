"""One training epoch of Kim's TextCNN on MR: minigrad against PyTorch on the CPU.

Model: random embeddings of 128, 100 filters each of widths 3, 4 and 5, ReLU,
max over time, dropout 0.5, a linear layer; Adam at 1e-3, batch 50.  Both
frameworks get the same batches in the same process; PyTorch is timed only
when it is installed.

    python benchmarks/textcnn.py               # one epoch over all 10,662 sentences
    python benchmarks/textcnn.py --batches 40  # a shorter run

Prints sentences per second, the ratio minigrad / PyTorch of the epoch time
(lower is better for minigrad; 1.0 is parity), and peak memory of minigrad's
arrays (tracemalloc sees NumPy's allocations).
"""
import argparse
import time
import tracemalloc

import numpy as np
from _mr import index_batches, read_mr, vocabulary

import minigrad
import minigrad.nn.functional as F
from minigrad.models import TextCNN

try:
    import torch
except ImportError:
    torch = None

EMBED, FILTERS, WIDTHS, DROPOUT, BATCH = 128, 100, (3, 4, 5), 0.5, 50


def minigrad_epoch(batches, vocab_size, trace_memory=False):
    """(seconds, peak bytes of arrays or None, last loss); tracing memory slows NumPy, so it is a separate run."""
    minigrad.manual_seed(0)
    model = TextCNN(vocab_size, 2, embed_dim=EMBED, num_filters=FILTERS, kernel_sizes=WIDTHS, dropout=DROPOUT)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    for ids, labels in batches:
        loss = F.cross_entropy(model(minigrad.tensor(ids)), minigrad.tensor(labels))
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

    class TorchTextCNN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(vocab_size, EMBED, padding_idx=0)
            self.convs = torch.nn.ModuleList(torch.nn.Conv1d(EMBED, FILTERS, k) for k in WIDTHS)
            self.dropout = torch.nn.Dropout(DROPOUT)
            self.fc = torch.nn.Linear(FILTERS * len(WIDTHS), 2)

        def forward(self, ids):
            x = self.embedding(ids).transpose(1, 2)
            pooled = [torch.relu(conv(x)).max(dim=2).values for conv in self.convs]
            return self.fc(self.dropout(torch.cat(pooled, dim=1)))

    model = TorchTextCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    start = time.perf_counter()
    for ids, labels in batches:
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(ids)), torch.from_numpy(labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start, loss.item()


def main():
    parser = argparse.ArgumentParser(description="TextCNN epoch on MR: minigrad vs PyTorch")
    parser.add_argument("--batches", type=int, default=None, help="time only the first N batches")
    args = parser.parse_args()
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    batches = index_batches(sentences, labels, vocab, BATCH)[: args.batches]
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
