"""minigrad: a small, readable deep-learning engine on NumPy, with PyTorch's names.

    import minigrad
    x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    x.grad            # tensor([2., 4., 6.], dtype=minigrad.float32)

Where things live: ``tensor.py`` (Tensor; its operators and methods in
``tensor_methods.py``), ``autograd.py`` (Function, the
graph and backward), ``ops/`` (every operation with its derivative),
``gradcheck.py`` (finite-difference checks), ``creation.py`` (factories),
``random.py`` (the seeded generator), ``backend.py`` (NumPy or CuPy, and
devices: ``t.to('cuda')``, ``minigrad.cuda.is_available()``).  A map from
question to file and function: docs/map.md.
"""
# tensor.py first: it pulls in autograd and ops in the order their imports need.
from .tensor import Tensor  # noqa: I001
from . import autograd, backend, cuda, data, datasets, metrics, models, nn, optim, text, train
from .autograd import Function, detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .creation import (
    arange,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .backend import device, get_default_device, set_default_device
from .dtypes import bool, double, dtype, float, float32, float64, int64, long
from .errors import GradcheckError, ShapeError
from .gradcheck import gradcheck
from .ops.activation import elu, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, step, tanh
from .ops.compare import (
    all,
    allclose,
    any,
    eq,
    equal,
    ge,
    gt,
    isclose,
    le,
    logical_and,
    logical_not,
    logical_or,
    lt,
    ne,
)
from .ops.elementwise import (
    abs,
    add,
    clamp,
    clone,
    div,
    exp,
    log,
    masked_fill,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    sqrt,
    sub,
    where,
)
from .ops.linalg import matmul
from .ops.reduce import amax, amin, argmax, argmin, cumsum, logsumexp, max, mean, min, norm, std, sum, topk, var
from .ops.shape import cat, expand, flatten, gather, permute, reshape, squeeze, stack, transpose, unsqueeze
from .random import Generator, initial_seed, manual_seed
from .serialization import CheckpointError, load, save

clip = clamp
concat = cat
view = reshape

__version__ = "0.1.0"


def __getattr__(name):
    # `minigrad.plot` (matplotlib) and `minigrad.exercises` load on first use, so that
    # `import minigrad` stays quick while every subpackage is still reachable from it.
    if name in ("plot", "exercises"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")
