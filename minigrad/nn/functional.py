"""The stateless forms of the layers and losses: ``import minigrad.nn.functional as F``.

Each function lives beside its layer (``F.conv1d`` in ``nn/conv.py``, its
``Conv1d`` module next to it); this file only gathers them under PyTorch's
names.
"""
from ..ops.activation import elu, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
from ..ops.shape import one_hot
from .attention import scaled_dot_product_attention
from .conv import conv1d
from .dropout import dropout
from .embedding import embedding
from .linear import linear
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .normalization import batch_norm, layer_norm
from .padding import pad
from .pooling import adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, max_pool1d
