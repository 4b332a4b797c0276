"""Making sentences of different lengths into one rectangular batch.

A batch of token ids must be a rectangle (batch, length), so shorter
sentences get ``<pad>`` (id 0) added at the end and longer ones are cut.

(Not ``F.pad``, the differentiable padding of a tensor along any dimension:
that is minigrad/nn/padding.py.)
"""
import numpy

from ..data.dataloader import default_collate
from ..tensor import Tensor


def _as_id_list(seq):
    if isinstance(seq, Tensor):
        seq = seq.tolist()
    elif isinstance(seq, numpy.ndarray):
        seq = seq.tolist()
    if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
        raise TypeError(f"pad_sequences: each sequence must be a list of token ids, got {type(seq).__name__}; "
                        "encode text first with vocab.encode(text)")
    return seq


def pad_sequences(seqs, max_len=None, pad_value=0, truncate="post"):
    """Pad (at the end) or cut sequences of ids to one length; returns an int64 Tensor (N, length).

    ``length`` is ``max_len`` when given, otherwise the longest sequence's.
    ``truncate="post"`` cuts the end off sequences that are too long;
    ``"pre"`` cuts their beginning and keeps the last ``max_len`` ids.
    """
    if truncate not in ("post", "pre"):
        raise ValueError(f"pad_sequences: truncate must be 'post' or 'pre', got {truncate!r}")
    if max_len is not None and (not isinstance(max_len, int) or max_len < 0):
        raise ValueError(f"pad_sequences: max_len must be a non-negative int or None, got {max_len!r}")
    seqs = [_as_id_list(s) for s in seqs]
    length = max_len if max_len is not None else max((len(s) for s in seqs), default=0)
    out = numpy.full((len(seqs), length), pad_value, dtype=numpy.int64)
    for row, seq in enumerate(seqs):
        kept = (seq[:length] if truncate == "post" else seq[len(seq) - length:]) if len(seq) > length else seq
        out[row, :len(kept)] = kept
    return Tensor(out)


class PadCollate:
    """A ``collate_fn`` that pads each batch to its own longest sentence ("dynamic padding").

    ``DataLoader(dataset, batch_size=50, collate_fn=PadCollate(min_len=5))``

    Examples are either id sequences or tuples ``(ids, label, ...)``; the ids
    are padded with ``pad_sequences`` and the other fields collated with
    ``default_collate``, so a batch is ``ids`` or ``[ids, labels, ...]``.

    The padded length is never below ``min_len``: a convolution of width 5
    needs at least 5 positions, even in a batch of three-word sentences, so
    set ``min_len`` to the widest filter.  ``max_len`` cuts longer sentences.
    """

    def __init__(self, min_len=1, max_len=None, pad_value=0, truncate="post"):
        if not isinstance(min_len, int) or min_len < 1:
            raise ValueError(f"PadCollate: min_len must be a positive int, got {min_len!r}")
        if max_len is not None and max_len < min_len:
            raise ValueError(f"PadCollate: max_len ({max_len}) must be at least min_len ({min_len})")
        self.min_len, self.max_len = min_len, max_len
        self.pad_value, self.truncate = pad_value, truncate

    def pad(self, seqs):
        longest = max((len(_as_id_list(s)) for s in seqs), default=0)
        length = max(longest, self.min_len)
        if self.max_len is not None:
            length = min(length, self.max_len)
        return pad_sequences(seqs, max_len=length, pad_value=self.pad_value, truncate=self.truncate)

    def __call__(self, batch):
        first = batch[0]
        if isinstance(first, tuple) and first and not isinstance(first[0], (int, numpy.integer)):
            # (ids, label, ...): pad the ids, collate the rest as usual
            rest = [default_collate(list(column)) for column in zip(*(example[1:] for example in batch))]
            return [self.pad([example[0] for example in batch]), *rest]
        return self.pad(batch)

    def __repr__(self):
        return f"PadCollate(min_len={self.min_len}, max_len={self.max_len})"
