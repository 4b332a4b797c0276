"""Hostile: raise the CPU and memory limits again, then spin."""
import resource

import numpy as np  # noqa: F401
from minigrad import Function

outcome = []
for which in (resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_NPROC):
    try:
        resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        outcome.append("lifted")
    except (ValueError, OSError):
        outcome.append("refused")
print("LIMITS", " ".join(outcome), flush=True)


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        while True:
            pass
