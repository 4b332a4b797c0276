"""How wide the timed check's margin is: each reference backward's CPU time on the check's input, and the budget.

    PYTHONPATH=$PWD OPENBLAS_NUM_THREADS=1 python tests/exercises/timing_margin.py

(not a test: a measurement, quoted in minigrad/exercises/README.md)
"""
import importlib.util
import time
from pathlib import Path

import numpy as np

from minigrad.exercises import catalog

SOLUTIONS = Path(__file__).resolve().parent / "solutions"
for e in catalog.select():
    fast = [c for c in e.checks if c.key == "fast"]
    if not fast:
        continue
    plan = fast[0].build(np.random.default_rng(0), 1)
    call = plan.calls[0]
    spec = importlib.util.spec_from_file_location(e.name, SOLUTIONS / f"{e.name}.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    cls = getattr(mod, call["target"])
    args = [plan.arrays[a["array"]] if "array" in a else np.random.default_rng(a["generator"]) if "generator" in a else a["value"] for a in call["args"]]
    ctx = cls(); out = cls.forward(ctx, *args)
    g = plan.arrays[call["grad"]]
    best = min((lambda s: (cls.backward(ctx, g), time.process_time() - s)[1])(time.process_time()) for _ in range(3))
    print(f"{e.name:14s} backward {best:7.4f} s   budget {call['budget']:6.3f} s   ratio {call['budget']/max(best,1e-6):8.0f}x")
