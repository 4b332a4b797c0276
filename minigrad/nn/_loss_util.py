"""What every loss checks and does the same way: tensors in, a known reduction, and the reduction itself."""
from ..ops import reduce as reduce_ops
from ..tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(op, reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}. Use 'none' to get one loss "
            "per entry."
        )


def reduce(loss, reduction):
    """The reduction of a loss whose entries all count equally."""
    if reduction == "sum":
        return reduce_ops.sum(loss)
    if reduction == "mean":
        return reduce_ops.mean(loss)
    return loss


def check_tensor(op, name, value):
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{op}: {name} must be a minigrad Tensor, got {type(value).__name__}. Wrap it with minigrad.tensor(...)."
        )


def check_float(op, name, t):
    if not t.is_floating_point():
        raise TypeError(f"{op}: {name} must be floating point, got {t.dtype}; convert it with .float().")
