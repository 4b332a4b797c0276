"""Neural-network building blocks with PyTorch's names: ``minigrad.nn`` is ``torch.nn``.

One idea per file: ``module.py`` (Module, Parameter), ``container.py`` (Sequential,
ModuleList, ModuleDict), ``linear.py``,
``embedding.py``, ``conv.py``, ``pooling.py``, ``padding.py``, ``dropout.py``,
``normalization.py``, ``activation.py``, ``flatten.py``, ``crf.py``; the losses in
``classification_loss.py``, ``binary_loss.py`` and ``regression_loss.py``,
their modules in ``loss.py``; the recurrent layers in ``rnn.py`` (their
backpropagation through time in ``rnn_functions.py``); ``attention.py``; the
stateless forms in ``functional.py``; ``init.py`` and ``utils/``
(``utils/rnn.py``: padding and packing sequences).
"""
from . import functional, init, utils
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh
from .attention import AttentionPooling, MultiheadAttention
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
from .container import ModuleDict, ModuleList, Sequential
from .module import Module, Parameter
from .normalization import BatchNorm1d, LayerNorm
from .pooling import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, MaxPool1d
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
