"""Adam's update on the TextCNN's parameters: the formula run whole, in cache-sized blocks, and folded.

``fusion.fused`` runs an elementwise formula block by block on NumPy so that
its temporaries stay in the cache.  This measures whether that pays, on the
parameters of benchmarks/textcnn.py (a 21,422 x 128 embedding table: 2.7 M
values, most of the work), with the same arrays for every variant, in
turns, keeping the best CPU time of each:

- folded: the bias corrections folded into two scalars, each operator
  writing into a full-size buffer (minigrad's Adam before ``fused``);
- whole: the literal formula (``adam.adam_step``) over whole arrays;
- blocks of B: the same formula through ``fusion.fused`` with FUSED_BLOCK = B.

    python benchmarks/fused.py
    python benchmarks/fused.py --repeats 30 --blocks 16384 65536
"""
import argparse
import math
import time

import numpy as np

from minigrad import fusion
from minigrad.optim import adam

SHAPES = [(21422, 128), (100, 128, 3), (100,), (100, 128, 4), (100,), (100, 128, 5), (100,), (2, 300), (2,)]
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8


def folded(theta, g, m, v, t):
    """The update as minigrad computed it before ``fused``, kept here as the reference to beat."""
    m *= BETA1
    m += (1 - BETA1) * g
    v *= BETA2
    v += (1 - BETA2) * (g * g)
    denom = np.sqrt(v)
    denom /= math.sqrt(1 - BETA2**t)
    denom += EPS
    step = np.divide(m, denom, out=denom)
    step *= LR / (1 - BETA1**t)
    theta -= step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--blocks", type=int, nargs="*", default=[4096, 16384, 65536, 262144])
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    params = [[rng.standard_normal(s).astype(np.float32) for _ in range(4)] for s in SHAPES]
    for p in params:
        p[3] = np.abs(p[3])  # v >= 0

    def one_step(variant, t):
        for theta, g, m, v in params:
            if variant == "folded":
                folded(theta, g, m, v, t)
            elif variant == "whole":
                adam.adam_step(theta, g, m, v, LR, BETA1, BETA2, EPS, 1 - BETA1**t, 1 - BETA2**t)
            else:
                adam.fused_adam_step(theta, g, m, v, LR, BETA1, BETA2, EPS, 1 - BETA1**t, 1 - BETA2**t)

    variants = ["folded", "whole"] + [f"blocks of {b}" for b in args.blocks]
    best = dict.fromkeys(variants, float("inf"))
    for t in range(1, args.repeats + 1):
        for variant, block in zip(variants, [None, None] + args.blocks):
            if block is not None:
                fusion.FUSED_BLOCK = block
            start = time.process_time()
            one_step(variant, t)
            best[variant] = min(best[variant], time.process_time() - start)
    print(f"Adam step over the TextCNN's {sum(int(np.prod(s)) for s in SHAPES):,} parameter values, float32, "
          f"best CPU time of {args.repeats}:")
    for variant in variants:
        print(f"  {variant:18} {1e3 * best[variant]:7.2f} ms   {best[variant] / best['folded']:.2f}x folded")


if __name__ == "__main__":
    main()
