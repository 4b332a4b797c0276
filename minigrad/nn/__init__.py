"""Neural-network building blocks with PyTorch's names: ``minigrad.nn`` is ``torch.nn``."""
from . import functional, init, utils
from .module import Module, ModuleDict, ModuleList, Parameter, Sequential
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh
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
from .conv import Conv1d
from .pooling import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, MaxPool1d
from .normalization import BatchNorm1d, LayerNorm
