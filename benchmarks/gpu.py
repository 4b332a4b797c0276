"""One training epoch of Kim's TextCNN on MR on a GPU: minigrad (CuPy) against PyTorch on the same GPU.

The same model code runs on both devices; only the device differs.  Model
and data as in benchmarks/textcnn.py: random embeddings of 128, 100 filters
each of widths 3, 4 and 5, ReLU, max over time, dropout 0.5, a linear layer;
Adam at 1e-3.  Each batch is copied to the device inside the timed loop (as
a training loop does), and the GPU is synchronised before the clock stops.
A few untimed warm-up batches first let CuPy compile its kernels.  Each
batch size is timed ``--repeats`` times, minigrad and PyTorch interleaved;
the best time of each counts.

    python benchmarks/gpu.py                        # batch 50 and 500, one epoch (10,662 sentences) each
    python benchmarks/gpu.py --batch-sizes 50 --repeats 5
    python benchmarks/gpu.py --cpu                  # also minigrad's own CPU epoch, for the CPU / GPU ratio

Prints, per batch size, each side's epoch time, milliseconds per step, the
host's CPU time during the epoch (when it is close to the epoch time, the
GPU waits on Python, not the other way round) and the ratio minigrad /
PyTorch (lower is better for minigrad; 1.0 is parity).  PyTorch is timed
only where it is installed with CUDA.  Where no GPU is usable it says why
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
    """minigrad: (seconds, host CPU seconds, last loss) of one pass over ``batches`` on ``device``."""
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

    return _timed(batches, step, warmup, minigrad.cuda.synchronize)


def torch_epoch(batches, vocab_size, warmup):
    """The same epoch in PyTorch on its GPU: (seconds, host CPU seconds, last loss)."""
    import torch
    from textcnn import torch_model  # benchmarks/textcnn.py: the PyTorch twin of the TextCNN

    model = torch_model(vocab_size).cuda()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()

    def step(ids, labels):
        ids, labels = torch.from_numpy(ids).cuda(), torch.from_numpy(labels).cuda()
        loss = torch.nn.functional.cross_entropy(model(ids), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    return _timed(batches, step, warmup, torch.cuda.synchronize)


def _timed(batches, step, warmup, synchronize):
    for ids, labels in batches[:warmup]:
        step(ids, labels)
    synchronize()
    start, cpu_start = time.perf_counter(), time.process_time()
    for ids, labels in batches:
        loss = step(ids, labels)
    synchronize()
    return time.perf_counter() - start, time.process_time() - cpu_start, loss.item()


def _torch_on_gpu():
    """Why PyTorch cannot be timed on the GPU here, or None when it can."""
    try:
        import torch
    except ImportError:
        return "PyTorch is not installed"
    return None if torch.cuda.is_available() else "PyTorch sees no GPU"


def main():
    parser = argparse.ArgumentParser(description="TextCNN epoch on MR on a GPU: minigrad vs PyTorch")
    parser.add_argument("--batches", type=int, default=None, help="time only the first N batches of each size")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--repeats", type=int, default=3, help="time each side N times, interleaved; keep the best")
    parser.add_argument("--warmup", type=int, default=5, help="untimed batches before each timed epoch")
    parser.add_argument("--cpu", action="store_true", help="also time minigrad's epoch on the CPU (batch 50)")
    args = parser.parse_args()
    if not minigrad.cuda.is_available():
        print(f"No GPU is usable, so there is nothing to compare: {minigrad.cuda.unavailable_reason()}")
        return
    xp = minigrad.backend.array_module_for("cuda")  # CuPy
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    gpu_name = xp.cuda.runtime.getDeviceProperties(0)["name"].decode()
    no_torch = _torch_on_gpu()
    torch_version = "" if no_torch else f", PyTorch {__import__('torch').__version__}"
    print(f"MR: {len(sentences)} sentences, vocabulary {len(vocab) + 2}; GPU: {gpu_name}, CuPy {xp.__version__}"
          f"{torch_version}; CPU: {platform.processor() or platform.machine()}, NumPy {np.__version__}")
    if no_torch:
        print(f"PyTorch is not timed: {no_torch}")
    for batch in args.batch_sizes:
        batches = index_batches(sentences, labels, vocab, batch)[: args.batches]
        count = sum(len(b[1]) for b in batches)
        best = {}
        for _ in range(args.repeats):
            sides = [("minigrad", lambda: epoch(batches, len(vocab) + 2, "cuda", args.warmup))]
            if not no_torch:
                sides.append(("PyTorch", lambda: torch_epoch(batches, len(vocab) + 2, args.warmup)))
            for name, run in sides:
                seconds, cpu_seconds, loss = run()
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, cpu_seconds, loss)
        print(f"\nbatch {batch}: {count} sentences in {len(batches)} steps, best of {args.repeats}")
        for name, (seconds, cpu_seconds, loss) in best.items():
            print(f"  {name:8} {seconds:6.3f} s  {1000 * seconds / len(batches):6.2f} ms/step  "
                  f"host CPU {cpu_seconds:6.3f} s  last loss {loss:.3f}")
        if "PyTorch" in best:
            print(f"  ratio minigrad / PyTorch (epoch time): {best['minigrad'][0] / best['PyTorch'][0]:.2f}x")
    if args.cpu:
        batches = index_batches(sentences, labels, vocab, 50)[: args.batches]
        seconds, _, _ = epoch(batches, len(vocab) + 2, "cpu", args.warmup)
        print(f"\nminigrad on the CPU, batch 50: {seconds:.2f} s")


if __name__ == "__main__":
    main()
