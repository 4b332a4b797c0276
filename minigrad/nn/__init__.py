"""Neural-network building blocks with PyTorch's names: ``minigrad.nn`` is ``torch.nn``.

One idea per file: ``module.py`` (Module, Parameter, containers), ``linear.py``,
``embedding.py``, ``conv.py``, ``pooling.py``, ``padding.py``, ``dropout.py``,
``normalization.py``, ``activation.py``, ``flatten.py``, ``loss.py``, ``crf.py``; the
stateless forms in ``functional.py``; ``init.py`` and ``utils.py``.
"""
from . import functional, init, utils
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh
from .conv import Conv1d
from .crf import CRF
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten, Identity, Unflatten
from .linear import Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, ModuleDict, ModuleList, Parameter, Sequential
from .normalization import BatchNorm1d, LayerNorm
from .pooling import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, MaxPool1d
