"""Batches of sentences of different lengths for the recurrent layers, PyTorch's way.

Sentences in a batch differ in length, so they are padded to the longest.
A recurrent layer must not read the padding: the state of a sentence of 5
words should be the same whether it sits in a batch padded to 5 steps or to
50.  The recipe is PyTorch's::

    padded = pad_sequence(sentences, batch_first=True)             # (N, T, E)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    output, h_n = rnn(packed)                                       # h_n: each sentence's last real step
    output, lengths = pad_packed_sequence(output, batch_first=True) # (N, T, D*H), padding_value at padded steps

Inside the layer, padded steps leave the state unchanged (see
``nn/rnn_functions.py``), so after the last step the state is the one of
each sentence's last real word, and, for the reverse direction, the state
after its first word.
"""
from ... import backend
from ...ops import shape as _shape
from ...ops.elementwise import where
from ...tensor import Tensor


class PackedSequence:
    """A padded batch together with the true length of each sequence.

    minigrad's internal layout differs from PyTorch's.  PyTorch packs the
    real steps only, sorted by length, into ``data`` of shape
    (sum of lengths, *) with ``batch_sizes``.  minigrad keeps the padded
    batch as it is, time-major, and the lengths beside it:

        data (T, N, *): step t of sequence n, T = the longest length
                        (whatever ``batch_first`` was); values at padded
                        steps are unspecified until ``pad_packed_sequence``
        lengths (N,):   int64 tensor, in the batch's own order

    The batch is never reordered, so ``sorted_indices`` and
    ``unsorted_indices`` are always None.  ``batch_sizes`` (how many
    sequences are still running at each step) is computed on demand, as
    information.  Build one with ``pack_padded_sequence`` or
    ``pack_sequence``, and read it back with ``pad_packed_sequence``.
    """

    __slots__ = ("data", "lengths")
    sorted_indices = None
    unsorted_indices = None

    def __init__(self, data, lengths):
        self.data = data
        self.lengths = lengths

    def mask(self):
        """(T, N, 1) bool array on the data's device: True at real steps, False at padded ones."""
        xp = self.data.xp
        steps = xp.arange(self.data.shape[0])
        return (steps[:, None] < self.lengths._data[None, :])[:, :, None]

    @property
    def batch_sizes(self):
        lengths = backend.to_numpy(self.lengths._data)
        return Tensor([int((lengths > t).sum()) for t in range(self.data.shape[0])])

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return PackedSequence(data, self.lengths.to(data.device))

    def __iter__(self):  # so that ``data, lengths = packed`` reads like a tuple
        return iter((self.data, self.lengths))

    def __repr__(self):
        return f"PackedSequence(data of shape {self.data.shape}, lengths={self.lengths.tolist()})"


def _lengths_tensor(lengths, batch, steps, enforce_sorted):
    """``lengths`` as an int64 Tensor, checked when its values are on the host."""
    if isinstance(lengths, Tensor) and lengths.device != "cpu":
        # Checking would copy them to the host in every training step; a device tensor is trusted.
        return lengths.long()
    values = backend.to_numpy(lengths._data) if isinstance(lengths, Tensor) else backend.cpu.asarray(lengths)
    if values.ndim != 1 or len(values) != batch:
        raise ValueError(f"pack_padded_sequence: expected {batch} lengths (one per sequence of the batch), got "
                         f"lengths of shape {tuple(values.shape)}")
    if values.dtype.kind not in "iu":
        raise TypeError(f"pack_padded_sequence: lengths must be integers, got {values.dtype}")
    if batch and (values.min() < 1 or values.max() > steps):
        raise ValueError(f"pack_padded_sequence: every length must be between 1 and the padded length {steps}, got "
                         f"{values.tolist()}; drop empty sequences (or give them one <pad> step) before packing")
    if enforce_sorted and (values[1:] > values[:-1]).any():
        raise RuntimeError(f"pack_padded_sequence: lengths {values.tolist()} are not sorted in decreasing order; "
                           "sort the batch by length, or pass enforce_sorted=False (minigrad never reorders it)")
    return Tensor(values.astype("int64"), device=lengths.device if isinstance(lengths, Tensor) else None)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """A padded batch ((T, N, *), or (N, T, *) with batch_first) and its lengths -> ``PackedSequence``.

    ``lengths`` is a list, array or int64 tensor of N lengths, each from 1 to
    T.  With ``enforce_sorted=True`` (PyTorch's default) they must be in
    decreasing order; minigrad never needs them sorted.  Steps past the
    longest length are dropped, as in PyTorch.
    """
    if input.ndim < 2:
        raise ValueError(f"pack_padded_sequence: expected input of shape (T, N, *) or (N, T, *), got {input.shape}")
    data = input.transpose(0, 1) if batch_first else input
    lengths = _lengths_tensor(lengths, data.shape[1], data.shape[0], enforce_sorted)
    if lengths.device == "cpu" and data.device != "cpu":
        lengths = lengths.to(data.device)
    if lengths.device == "cpu" and data.shape[1]:
        longest = int(lengths._data.max())
        if longest < data.shape[0]:
            data = data[:longest]
    return PackedSequence(data, lengths)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """``PackedSequence`` -> (padded (T, N, *) or (N, T, *), lengths), ``padding_value`` at padded steps.

    ``total_length`` pads the result to that many steps (at least the
    longest length), e.g. to give every batch the same T.
    """
    data, steps = sequence.data, sequence.data.shape[0]
    padded = where(Tensor._from_array(sequence.mask()), data, padding_value)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
                             f"sequence ({steps} steps); pass at least {steps}")
        if total_length > steps:
            fill = data.xp.full((total_length - steps,) + tuple(data.shape[1:]), padding_value, dtype=data._data.dtype)
            padded = _shape.cat([padded, Tensor._from_array(fill)], dim=0)
    return (padded.transpose(0, 1) if batch_first else padded), sequence.lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """A list of N tensors (L_i, *) -> one tensor (T, N, *) (or (N, T, *)), T = max L_i, padded with ``padding_value``.

    ``padding_side='left'`` puts the padding before each sequence.
    """
    sequences = list(sequences)
    if not sequences:
        raise ValueError("pad_sequence: got no sequences; pass a non-empty list of tensors of shape (L_i, *)")
    if padding_side not in ("right", "left"):
        raise ValueError(f"pad_sequence: padding_side must be 'right' or 'left', got {padding_side!r}")
    trailing = tuple(sequences[0].shape[1:])
    for i, s in enumerate(sequences):
        if tuple(s.shape[1:]) != trailing:
            raise ValueError(f"pad_sequence: sequence {i} has shape {s.shape}, but sequence 0 has {sequences[0].shape}; "
                             "all must agree after their first (time) dimension")
    steps = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        missing = steps - s.shape[0]
        if missing:
            fill = Tensor._from_array(s.xp.full((missing,) + trailing, padding_value, dtype=s._data.dtype))
            s = _shape.cat([s, fill] if padding_side == "right" else [fill, s], dim=0)
        rows.append(s)
    return _shape.stack(rows, dim=0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """A list of tensors (L_i, *) -> ``PackedSequence``: ``pad_sequence`` then ``pack_padded_sequence``."""
    sequences = list(sequences)
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
