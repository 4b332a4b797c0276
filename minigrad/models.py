"""The reference models of the course, written as you would write them in PyTorch.

- ``BowMLP``: a bag-of-words vector through a multilayer perceptron.  It
  sees which words occur, never their order.
- ``TextCNN``: Kim (2014).  Convolutions over word embeddings read short
  phrases ("not bad", "but dull"), so word order counts.
- ``RNNClassifier``: an LSTM, GRU or plain RNN (one way or both) reads the
  whole sentence in order; its outputs are pooled and classified.
"""
import math

from . import nn
from .nn import functional as F
from .nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from .ops.shape import cat
from .tensor import Tensor


class BowMLP(nn.Module):
    """Bag of words -> [Linear -> BatchNorm1d -> ReLU -> Dropout] per hidden size -> Linear.

    Args:
        vocab_size: V, the length of each bag-of-words vector (``len(vocab)``).
        num_classes: C.
        hidden: the hidden layer sizes (h_1, ..., h_k).
        dropout: probability of zeroing each hidden unit during training.

    Shapes: input (N, V) float (counts, 0/1 or tf-idf) -> logits (N, C).

    The hidden Linear layers have no bias: BatchNorm subtracts the batch
    mean right after, which would cancel it, and BatchNorm's own shift
    (beta) takes its place.  With d_0 = V and d_{k+1} = C, the number of
    parameters is::

        sum_{i=1..k} (d_{i-1} * d_i + 2 * d_i)   +   d_k * C + C
        (weights + BatchNorm's gamma and beta)      (output layer)

    e.g. V = 10,000, hidden = (512, 256), C = 2: 5,120,000 + 1,024 + 131,072
    + 512 + 514 = 5,253,122.  BatchNorm's running mean and variance are
    buffers, not parameters.
    """

    def __init__(self, vocab_size, num_classes, hidden=(512, 256), dropout=0.5):
        super().__init__()
        sizes = [vocab_size, *hidden]
        layers = []
        for d_in, d_out in zip(sizes, sizes[1:]):
            layers += [nn.Linear(d_in, d_out, bias=False), nn.BatchNorm1d(d_out), nn.ReLU(), nn.Dropout(dropout)]
        self.hidden = nn.Sequential(*layers)
        self.out = nn.Linear(sizes[-1], num_classes)
        self.vocab_size = vocab_size

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.vocab_size:
            raise ValueError(f"BowMLP: expected input of shape (N, {self.vocab_size}) - one bag-of-words row "
                             f"per sentence - got {x.shape}; was the BagOfWords built with the same vocabulary?")
        return self.out(self.hidden(x))


class TextCNN(nn.Module):
    """Kim (2014): embed the words, convolve with several widths, max over time, concatenate, classify.

    Args:
        vocab_size: V, rows of the embedding table (``len(vocab)``).
        num_classes: C.
        embed_dim: E, the size of each word vector.
        num_filters: F, filters per width (feature maps).
        kernel_sizes: the widths k, in words (3, 4, 5: phrases of 3 to 5 words).
        dropout: applied to the concatenated features before the classifier.
        padding_idx: the ``<pad>`` id, whose vector stays zero.

    The word vectors start from U[-0.25, 0.25], as Kim's CNN-rand did (not
    from N(0, 1), ``nn.Embedding``'s default); the other layers keep PyTorch's
    default initialisation.

    Shapes, with N sentences of L tokens (L >= the widest kernel)::

        ids (N, L) int64 -> embedding (N, L, E) -> transposed (N, E, L)
        -> per width k: Conv1d (N, F, L - k + 1) -> ReLU -> max over time (N, F)
        -> concatenated (N, F * len(kernel_sizes)) -> dropout -> Linear -> logits (N, C)

    Max over time keeps each filter's strongest match anywhere in the
    sentence, so sentences of any length give features of one size.
    Number of parameters, with K = len(kernel_sizes)::

        V * E  +  sum_k (k * E * F + F)  +  K * F * C + C
        (embedding) (one Conv1d per width)   (classifier)

    e.g. V = 20,000, E = 128, F = 100, widths (3, 4, 5), C = 2:
    2,560,000 + 153,900 + 602 = 2,714,502.
    """

    def __init__(self, vocab_size, num_classes, embed_dim=128, num_filters=100, kernel_sizes=(3, 4, 5),
                 dropout=0.5, padding_idx=0):
        super().__init__()
        self.kernel_sizes = tuple(kernel_sizes)
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=padding_idx)
        # Kim drew CNN-rand's word vectors from U[-0.25, 0.25]. nn.Embedding's default, N(0, 1), is four
        # times wider, and on MR it cost 5 points of test accuracy (benchmarks/accuracy.py: 71% against 76%).
        nn.init.uniform_(self.embedding.weight, -0.25, 0.25)
        if padding_idx is not None:
            self.embedding.weight.data[padding_idx] = 0.0
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim, num_filters, k) for k in self.kernel_sizes])
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(num_filters * len(self.kernel_sizes), num_classes)

    def forward(self, ids):
        if ids.ndim != 2:
            raise ValueError(f"TextCNN: expected token ids of shape (N, L), got {ids.shape}")
        if ids.shape[1] < max(self.kernel_sizes):
            raise ValueError(f"TextCNN: sentences of {ids.shape[1]} tokens are shorter than the widest filter "
                             f"({max(self.kernel_sizes)}); pad every batch to at least that length, e.g. "
                             f"PadCollate(min_len={max(self.kernel_sizes)})")
        x = self.embedding(ids).transpose(1, 2)  # (N, E, L): Conv1d wants channels before time
        pooled = [F.relu(conv(x)).amax(dim=2) for conv in self.convs]  # each (N, F)
        return self.fc(self.dropout(cat(pooled, dim=1)))


class RNNClassifier(nn.Module):
    """A recurrent network reads the sentence in order; its outputs are pooled into one vector and classified.

    Args:
        vocab_size: V.   num_classes: C.
        cell: 'lstm', 'gru' or 'rnn' (tanh).
        embed_dim: E (word vectors from U[-0.25, 0.25], as the TextCNN's).
        hidden_size: H per direction.   num_layers: stacked layers.
        bidirectional: read the sentence both ways (D = 2) and join the two outputs.
        pooling: how the T outputs become one vector of size D*H:
            'last': the final states (the forward direction's last word, the backward's first);
            'max': the largest value of each feature over the real words;
            'attention': ``nn.AttentionPooling`` (Yang et al. 2016), a learned weighting of the words.
        dropout: on the pooled vector before the classifier (and between stacked layers).
        padding_idx: the ``<pad>`` id.  A sentence's length is its number of tokens that are not
            ``<pad>``, so batches must be padded on the right (as ``PadCollate`` does).

    Shapes::

        ids (N, T) int64 -> embedding (N, T, E) -> packed by length -> RNN outputs (N, T, D*H)
        -> pooled (N, D*H) -> dropout -> Linear -> logits (N, C)

    Number of parameters of a one-layer model, with G = 4 (LSTM), 3 (GRU) or 1 (RNN)::

        V * E  +  D * G * (H * E + H * H + 2 * H)  +  D * H * C + C   (+ attention: (D*H)^2 + 2 * D * H)

    e.g. V = 20,000, E = 128, H = 128, bidirectional LSTM, C = 2:
    2,560,000 + 264,192 + 514 = 2,824,706.

    ``features(ids)`` returns (pooled, attention weights (N, T) or None), to
    look at which words the attention read.
    """

    def __init__(self, vocab_size, num_classes, cell="lstm", embed_dim=128, hidden_size=128, num_layers=1,
                 bidirectional=True, pooling="max", dropout=0.5, padding_idx=0):
        super().__init__()
        layers = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
        if cell not in layers:
            raise ValueError(f"RNNClassifier: cell must be one of {sorted(layers)}, got {cell!r}")
        if pooling not in ("last", "max", "attention"):
            raise ValueError(f"RNNClassifier: pooling must be 'last', 'max' or 'attention', got {pooling!r}")
        self.cell, self.pooling, self.padding_idx = cell, pooling, padding_idx
        self.directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=padding_idx)
        nn.init.uniform_(self.embedding.weight, -0.25, 0.25)  # as TextCNN: Kim's range
        if padding_idx is not None:
            self.embedding.weight.data[padding_idx] = 0.0
        self.rnn = layers[cell](embed_dim, hidden_size, num_layers=num_layers, batch_first=True,
                                bidirectional=bidirectional, dropout=dropout if num_layers > 1 else 0.0)
        features = self.directions * hidden_size
        if pooling == "attention":
            self.attention = nn.AttentionPooling(features)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(features, num_classes)

    def features(self, ids):
        """(pooled (N, D*H), attention weights (N, T) or None) for token ids (N, T)."""
        if ids.ndim != 2:
            raise ValueError(f"RNNClassifier: expected token ids of shape (N, L), got {ids.shape}")
        real = ids != self.padding_idx if self.padding_idx is not None else ids >= 0
        # An empty sentence (all <pad>) reads one <pad> step rather than nothing.
        lengths = real.long().sum(dim=1).clamp(min=1)
        packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        output, h_n = self.rnn(packed)
        if self.pooling == "last":
            h_n = h_n[0] if self.cell == "lstm" else h_n
            last = h_n[-self.directions :]  # the top layer's directions: (D, N, H)
            return last.transpose(0, 1).reshape(ids.shape[0], -1), None
        if self.pooling == "max":
            padded, _ = pad_packed_sequence(output, batch_first=True, padding_value=-math.inf)
            return padded.amax(dim=1), None
        steps = ids.shape[1]  # weights for every column of ids, 0 at the padding
        padded, _ = pad_packed_sequence(output, batch_first=True, total_length=steps)
        xp = ids.xp
        mask = Tensor._from_array(xp.arange(steps)[None, :] < lengths._data[:, None])
        return self.attention(padded, mask)

    def forward(self, ids):
        pooled, _ = self.features(ids)
        return self.fc(self.dropout(pooled))


from .tagging import CNNTagger, RNNTagger  # noqa: E402,F401  (the taggers live in tagging.py)
