"""Where the time goes: a per-operation profile of a few training steps, for students to read.

(Not named profile.py: a script in this folder of that name would stand in for the standard library's
``profile`` module, which cProfile imports, in every benchmark here, PyTorch's imports included.)

    python benchmarks/profile_ops.py textcnn            # Kim's TextCNN on MR (as benchmarks/textcnn.py)
    python benchmarks/profile_ops.py mlp                # the bag-of-words MLP (as benchmarks/mlp.py)
    python benchmarks/profile_ops.py lstm               # an LSTM classifier (needs nn.LSTM)
    python benchmarks/profile_ops.py textcnn --steps 100 --device cuda

The steps run under cProfile, the profiler of Python's standard library.
Every ``Function``'s forward and every backward are separate rows, next to
the optimizer's update, the backward pass's own bookkeeping and the rest, with:

- calls: how many times it ran in the profiled steps;
- ms: its total CPU time, the calls inside it included (cProfile's "cumulative");
- share: that time over the whole of the profiled steps;
- GFLOP/s: for the operations that are matrix products (Linear, matmul,
  Conv1d), the arithmetic of the product (2 * m * k * n per product) over the
  time the operation took, compared with NumPy's own peak on this machine:
  a large float32 matmul timed in the same run.

cProfile adds a little time to every Python call, so tiny operations look a
bit dearer than they are; the large ones (matrix products, the optimizer on a
big embedding table) are measured almost exactly.  On a GPU (``--device
cuda``) the times are the host's: kernels run asynchronously, so a row
measures what Python spent launching them, and the GPU is synchronised only
at the end of the run.
"""
import argparse
import cProfile
import pstats
import time

import numpy as np
from _mr import bag_batches, index_batches, read_mr, vocabulary

import minigrad
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.autograd import Function
from minigrad.models import BowMLP, TextCNN

BATCH = 50


# ------------------------------------------------------------------ models
def textcnn(vocab_size):
    return TextCNN(vocab_size, 2, embed_dim=128, num_filters=100, kernel_sizes=(3, 4, 5), dropout=0.5)


def mlp(vocab_size):
    return BowMLP(vocab_size, 2, hidden=(512, 256), dropout=0.5)


def lstm(vocab_size):
    if not hasattr(nn, "LSTM"):
        raise SystemExit(
            "profile_ops.py lstm: this minigrad has no nn.LSTM yet (the recurrent layers are not in this version); "
            "profile textcnn or mlp instead."
        )

    class LSTMClassifier(nn.Module):
        """Embedding 128 -> one-layer LSTM of 128 -> the last hidden state -> Linear 2."""

        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, 128, padding_idx=0)
            self.lstm = nn.LSTM(128, 128, batch_first=True)
            self.fc = nn.Linear(128, 2)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.embedding(ids))
            return self.fc(h[-1])

    return LSTMClassifier()


MODELS = {"textcnn": (textcnn, index_batches), "mlp": (mlp, bag_batches), "lstm": (lstm, index_batches)}


# ------------------------------------------------------------- arithmetic
def _product_flops(cls, arrays, needs):
    """FLOPs of (forward, backward) of one call of a matrix-product Function, or None for other Functions.

    A product of (m, k) by (k, n) is m*n sums of k products: 2*m*k*n FLOPs.
    Backward does one such product per input that needs a gradient.
    """
    name = cls.__name__
    if name == "LinearFunction":  # x (..., in) @ W.T (in, out)
        x, w = arrays[0], arrays[1]
        one = 2 * (x.size // x.shape[-1]) * w.shape[1] * w.shape[0]
        return one, one * (needs[0] + needs[1])
    if name == "MatMul":
        a, b = arrays[0], arrays[1]
        out = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) if a.ndim > 1 and b.ndim > 1 else ()
        m = a.shape[-2] if a.ndim > 1 else 1
        n = b.shape[-1] if b.ndim > 1 else 1
        one = 2 * int(np.prod(out)) * m * a.shape[-1] * n
        return one, one * (needs[0] + needs[1])
    if name == "Conv1dFunction":  # the convolution's own arithmetic, whatever the algorithm
        x, w, (stride, left, right, dilation) = arrays[0], arrays[1], arrays[3]
        n, c_in, length = x.shape
        c_out, _, width = w.shape
        l_out = (length + left + right - dilation * (width - 1) - 1) // stride + 1
        one = 2 * n * l_out * c_in * width * c_out
        return one, one * (needs[0] + needs[1])
    return None


def _all_functions():
    found, todo = [], [Function]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def count_flops(run):
    """Run ``run()`` once with Function.apply watched: {class name: [forward FLOPs, backward FLOPs]}."""
    flops = {}
    original = Function.apply.__func__

    def watched(cls, *args):
        arrays = [a._data if isinstance(a, minigrad.Tensor) else a for a in args]
        needs = [isinstance(a, minigrad.Tensor) and a.requires_grad for a in args]
        counted = _product_flops(cls, arrays, needs)
        if counted is not None:
            total = flops.setdefault(cls.__name__, [0, 0])
            total[0] += counted[0]
            total[1] += counted[1] if minigrad.is_grad_enabled() else 0
        return original(cls, *args)

    Function.apply = classmethod(watched)
    try:
        run()
    finally:
        Function.apply = classmethod(original)
    return flops


def numpy_peak_gflops(size=1024, repeats=5):
    """NumPy's float32 matmul speed on this machine: the best of a few (size x size) products."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(np.float32)
    b = rng.standard_normal((size, size)).astype(np.float32)
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        a @ b
        best = min(best, time.process_time() - start)
    return 2 * size**3 / best / 1e9


# ------------------------------------------------------------------ profile
def _key(function):
    code = function.__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def rows_of(stats, optimizer_cls):
    """(label, calls, seconds) per Function forward/backward, the optimizer's update and the backward walk."""
    table = stats.stats
    wanted = {}
    for cls in _all_functions():
        for part in ("forward", "backward"):
            method = cls.__dict__.get(part)
            if isinstance(method, staticmethod):
                wanted[_key(method.__func__)] = (cls.__name__, part)
    for name in ("_update", "zero_grad"):
        for cls in optimizer_cls.__mro__:
            if name in cls.__dict__:
                wanted[_key(cls.__dict__[name])] = (f"{optimizer_cls.__name__}.{name}", "")
                break
    rows = {}
    for key, (_, calls, _, cumulative, _) in table.items():
        if key in wanted:
            label = wanted[key]
            calls_before, seconds_before = rows.get(label, (0, 0.0))
            rows[label] = (calls_before + calls, seconds_before + cumulative)
    return rows


def main():
    parser = argparse.ArgumentParser(description="Per-operation profile of minigrad training steps.")
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--steps", type=int, default=60, help="training steps to profile (default 60)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--top", type=int, default=25, help="rows to print (default 25)")
    args = parser.parse_args()

    make_model, make_batches = MODELS[args.model]
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    batches = make_batches(sentences, labels, vocab, BATCH)[: args.steps]
    device = minigrad.device(args.device)
    if device.type == "cuda" and not minigrad.cuda.is_available():
        raise SystemExit(f"profile_ops.py: no usable GPU here ({minigrad.cuda.unavailable_reason()})")

    def run():
        minigrad.manual_seed(0)
        model = make_model(len(vocab) + 2).to(device)
        optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
        model.train()
        for inputs, targets in batches:
            loss = F.cross_entropy(model(minigrad.tensor(inputs, device=device)), minigrad.tensor(targets, device=device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if device.type == "cuda":
            minigrad.cuda.synchronize()
        return optimizer

    flops = count_flops(run)
    run()  # warm up (first-touch allocations, CuPy's kernel compilation) before the profiled run
    # CPU time, not the wall clock: on a busy machine the wall clock also counts other processes' turns.
    profiler = cProfile.Profile(time.process_time)
    start = time.process_time()
    profiler.enable()
    optimizer = run()
    profiler.disable()
    total = time.process_time() - start
    peak = numpy_peak_gflops()
    rows = rows_of(pstats.Stats(profiler), type(optimizer))

    print(f"{args.model}: {len(batches)} training steps of batch {BATCH} on {device}, {total:.2f} s of CPU time under cProfile "
          f"({1e3 * total / len(batches):.1f} ms per step)")
    print(f"NumPy's float32 matmul peak on this machine: {peak:.1f} GFLOP/s (1024 x 1024, best of 5)\n")
    print(f"{'operation':38} {'calls':>6} {'ms':>9} {'share':>6}  {'GFLOP/s':>8} {'of peak':>7}")
    ordered = sorted(rows.items(), key=lambda item: -item[1][1])
    for (name, part), (calls, seconds) in ordered[: args.top]:
        label = f"{name}.{part}" if part else name
        work = flops.get(name, (None, None))[0 if part == "forward" else 1] if part else None
        rate = f"{work / seconds / 1e9:8.1f} {work / seconds / 1e9 / peak:7.0%}" if work and seconds else ""
        print(f"{label:38} {calls:6d} {1e3 * seconds:9.1f} {seconds / total:6.1%}  {rate}")
    listed = sum(seconds for (name, part), (_, seconds) in rows.items() if part or name.endswith("_update"))
    print(f"\nrows above are cumulative and may nest; the Functions and the optimizer's update add up to "
          f"{listed / total:.0%} of the time. The rest is Python: building the graph, walking it backward, "
          f"making Tensors, the data.")


if __name__ == "__main__":
    main()
