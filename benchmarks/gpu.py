"""One training epoch of Kim's TextCNN on MR with minigrad: on the CPU (NumPy) and on the GPU (CuPy).

The same model code runs on both; only the device differs.  Model and data
as in benchmarks/textcnn.py: random embeddings of 128, 100 filters each of
widths 3, 4 and 5, ReLU, max over time, dropout 0.5, a linear layer; Adam at
1e-3, batch 50.  Each batch is copied to the device inside the timed loop
(as a training loop does), and the GPU is synchronised before the clock
stops.  A few untimed warm-up batches first let CuPy compile its kernels.

    python benchmarks/gpu.py               # one epoch over all 10,662 sentences on each device
    python benchmarks/gpu.py --batches 40  # a shorter run

Prints the epoch time and sentences per second on each device and the ratio
CPU / GPU (above 1: the GPU is faster).  Where no GPU is usable it says why
and exits with status 0 without timing anything.
"""
import argparse
import platform
import time

import numpy as np
from _mr import index_batches, read_mr, vocabulary

import minigrad
import minigrad.nn.functional as F
from minigrad.models import TextCNN

EMBED, FILTERS, WIDTHS, DROPOUT, BATCH = 128, 100, (3, 4, 5), 0.5, 50


def epoch(batches, vocab_size, device, warmup):
    """Seconds for one pass over ``batches`` on ``device``, and the last loss."""
    minigrad.manual_seed(0)
    model = TextCNN(vocab_size, 2, embed_dim=EMBED, num_filters=FILTERS, kernel_sizes=WIDTHS, dropout=DROPOUT)
    model.to(device)  # before making the optimizer, so its state is created on the device
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    model.train()

    def step(ids, labels):
        loss = F.cross_entropy(model(minigrad.tensor(ids, device=device)), minigrad.tensor(labels, device=device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    for ids, labels in batches[:warmup]:
        step(ids, labels)
    minigrad.cuda.synchronize()
    start = time.perf_counter()
    for ids, labels in batches:
        loss = step(ids, labels)
    minigrad.cuda.synchronize()
    return time.perf_counter() - start, loss.item()


def main():
    parser = argparse.ArgumentParser(description="TextCNN epoch on MR: minigrad on the CPU vs on the GPU")
    parser.add_argument("--batches", type=int, default=None, help="time only the first N batches")
    parser.add_argument("--warmup", type=int, default=5, help="untimed batches before each timed epoch")
    args = parser.parse_args()
    if not minigrad.cuda.is_available():
        print(f"No GPU is usable, so there is nothing to compare: {minigrad.cuda.unavailable_reason()}")
        return
    xp = minigrad.backend.array_module_for("cuda")  # CuPy
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    batches = index_batches(sentences, labels, vocab, BATCH)[: args.batches]
    count = sum(len(b[1]) for b in batches)
    gpu_name = xp.cuda.runtime.getDeviceProperties(0)["name"].decode()
    print(f"MR: {count} sentences in {len(batches)} batches of {BATCH}, vocabulary {len(vocab) + 2}")
    print(f"CPU: {platform.processor() or platform.machine()}, NumPy {np.__version__}; "
          f"GPU: {gpu_name}, CuPy {xp.__version__}")
    results = {}
    for device in ("cpu", "cuda"):
        seconds, loss = epoch(batches, len(vocab) + 2, device, args.warmup)
        results[device] = seconds
        print(f"{device:>4}: {seconds:7.2f} s  {count / seconds:7.0f} sentences/s  last loss {loss:.3f}")
    print(f"ratio CPU / GPU (epoch time): {results['cpu'] / results['cuda']:.2f}x")


if __name__ == "__main__":
    main()
