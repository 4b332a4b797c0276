"""The stateless forms of the layers and losses: ``import minigrad.nn.functional as F``.

Each function lives beside its layer (``F.conv1d`` in ``nn/conv.py``, its
``Conv1d`` module next to it); this file only gathers them under PyTorch's
names.
"""
from ..ops.activation import elu, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
