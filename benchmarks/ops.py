"""Per-operation cost of minigrad against the raw NumPy call (and PyTorch when installed).

Two regimes matter:

- tiny tensors (8 values): the time is all overhead - wrapping arrays in
  Tensors and recording the graph - so the ratio to NumPy shows what the
  autograd bookkeeping costs;
- large tensors (1M values, or 512x512 matrices): the time is the arithmetic,
  so the ratio should be close to 1.

Each row times forward only and forward + backward.  The NumPy reference for
forward + backward is the same arithmetic written by hand.

    python benchmarks/ops.py            # full run (about a minute)
    python benchmarks/ops.py --quick    # fewer repetitions
"""
import argparse
import timeit

import numpy as np

import minigrad

try:
    import torch
except ImportError:
    torch = None


def best_time(fn, number, repeat=5):
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls (least disturbed by noise)."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def cases(size):
    """(name, minigrad forward, numpy forward, numpy forward+backward, torch forward) for inputs of ``size``."""
    rng = np.random.default_rng(0)
    if size == "tiny":
        a_np, b_np = rng.standard_normal(8, dtype=np.float32), rng.standard_normal(8, dtype=np.float32)
        m_np, n_np = rng.standard_normal((4, 4), dtype=np.float32), rng.standard_normal((4, 4), dtype=np.float32)
    else:
        a_np = rng.standard_normal(1_000_000, dtype=np.float32)
        b_np = rng.standard_normal(1_000_000, dtype=np.float32)
        m_np = rng.standard_normal((512, 512), dtype=np.float32)
        n_np = rng.standard_normal((512, 512), dtype=np.float32)
    a, b = minigrad.tensor(a_np, requires_grad=True), minigrad.tensor(b_np, requires_grad=True)
    m, n = minigrad.tensor(m_np, requires_grad=True), minigrad.tensor(n_np, requires_grad=True)
    ones = np.ones_like(a_np)

    def numpy_add_backward():
        _ = a_np + b_np
        return ones.copy(), ones.copy()

    def numpy_mul_backward():
        _ = a_np * b_np
        return ones * b_np, ones * a_np

    def numpy_tanh_backward():
        y = np.tanh(a_np)
        return ones * (1 - y * y)

    def numpy_relu_backward():
        _ = np.maximum(a_np, 0)
        return ones * (a_np > 0)

    def numpy_sum_backward():
        _ = a_np.sum()
        return np.broadcast_to(np.float32(1), a_np.shape).copy()

    def numpy_matmul_backward():
        _ = m_np @ n_np
        g = np.ones((m_np.shape[0], n_np.shape[1]), dtype=np.float32)
        return g @ n_np.T, m_np.T @ g

    rows = [
        ("add", lambda: a + b, lambda: a_np + b_np, numpy_add_backward),
        ("mul", lambda: a * b, lambda: a_np * b_np, numpy_mul_backward),
        ("tanh", lambda: a.tanh(), lambda: np.tanh(a_np), numpy_tanh_backward),
        ("relu", lambda: a.relu(), lambda: np.maximum(a_np, 0), numpy_relu_backward),
        ("sum", lambda: a.sum(), lambda: a_np.sum(), numpy_sum_backward),
        ("matmul", lambda: m @ n, lambda: m_np @ n_np, numpy_matmul_backward),
    ]
    torch_rows = {}
    if torch is not None:
        ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
        tm, tn = torch.tensor(m_np, requires_grad=True), torch.tensor(n_np, requires_grad=True)
        torch_rows = {
            "add": lambda: ta + tb,
            "mul": lambda: ta * tb,
            "tanh": lambda: ta.tanh(),
            "relu": lambda: ta.relu(),
            "sum": lambda: ta.sum(),
            "matmul": lambda: tm @ tn,
        }
    return rows, torch_rows


def backward_of(forward):
    def run():
        out = forward()
        out.backward(gradient=minigrad.ones_like(out) if hasattr(out, "_data") else torch.ones_like(out))

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    print(f"minigrad {minigrad.__version__}, NumPy {np.__version__}" + (f", PyTorch {torch.__version__}" if torch else ""))
    for size, number in (("tiny", int(20000 * scale)), ("large", max(int(20 * scale), 3))):
        rows, torch_rows = cases(size)
        print(f"\n{size} tensors (times per call; ratio = minigrad / reference)")
        header = f"{'op':<8}{'fwd':>10}{'x numpy':>9}{'fwd+bwd':>11}{'x numpy':>9}"
        if torch_rows:
            header += f"{'x torch fwd':>13}{'x torch f+b':>13}"
        print(header)
        for name, mg_fwd, np_fwd, np_both in rows:
            t_fwd = best_time(mg_fwd, number)
            t_both = best_time(backward_of(mg_fwd), number)
            r_fwd = t_fwd / best_time(np_fwd, number)
            r_both = t_both / best_time(np_both, number)
            line = f"{name:<8}{t_fwd * 1e6:>8.1f}us{r_fwd:>8.1f}x{t_both * 1e6:>9.1f}us{r_both:>8.1f}x"
            if name in torch_rows:
                line += f"{t_fwd / best_time(torch_rows[name], number):>12.2f}x"
                line += f"{t_both / best_time(backward_of(torch_rows[name]), number):>12.2f}x"
            print(line)


if __name__ == "__main__":
    main()
