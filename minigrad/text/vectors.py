"""Pretrained word vectors (GloVe, word2vec) as the starting weights of an embedding layer.

The text format is one word per line followed by its numbers, separated by
spaces::

    the 0.418 0.24968 -0.41242 ...
    , 0.013441 0.23682 -0.16899 ...

word2vec's text files start with a header line "<word count> <dimension>".
"""
import os

import numpy

from .. import random as _random
from ..tensor import Tensor
from .vocab import PAD

# Kim (2014) drew vectors for words missing from word2vec from U[-0.25, 0.25].
MISSING_SCALE = 0.25
# Word vectors have tens to hundreds of dimensions (GloVe 50-300, word2vec 300).  A file claiming more is
# damaged or hostile: its one line "2 100000000" would make a len(vocab) x 10^8 matrix it cannot justify.
# A larger dimension the caller means can be passed as dim=.
MAX_FILE_DIM = 10_000


class VectorsError(ValueError):
    """A vectors file that cannot be read; the message names the file and line."""


class Coverage:
    """How much of a vocabulary a vectors file covered (``<pad>`` and ``<unk>`` not counted)."""

    def __init__(self, found, total, missing, path):
        self.found, self.total, self.missing, self.path = found, total, missing, path

    @property
    def fraction(self):
        return self.found / self.total if self.total else 0.0

    def __str__(self):
        example = f"; missing e.g. {', '.join(self.missing[:5])}" if self.missing else ""
        return (f"{self.found:,} of {self.total:,} vocabulary words ({self.fraction:.1%}) have a vector "
                f"in {os.path.basename(self.path)}{example}")

    def __repr__(self):
        return f"Coverage(found={self.found}, total={self.total}, fraction={self.fraction:.4f})"


def _header(parts):
    """True for word2vec's "count dim" first line."""
    return len(parts) == 2 and all(p.isdigit() for p in parts)


def load_vectors(path, vocab, dim=None, generator=None):
    """Read a GloVe/word2vec text file into a matrix aligned with ``vocab``.

    Returns ``(weights, coverage)``: ``weights`` is a float32 Tensor of shape
    (len(vocab), dim) whose row ``i`` is the vector of ``vocab.itos[i]``.
    Words the file lacks get small random vectors, U[-0.25, 0.25] as in Kim
    (2014), drawn from ``generator`` (or the default one, so
    ``manual_seed`` repeats them); ``<pad>`` gets zeros.  Only the words of
    the vocabulary are kept, so even a large file needs little memory.
    ``dim`` is read from the file when not given (a file claiming more than
    ``MAX_FILE_DIM`` dimensions, or holding no vector, is refused: the
    matrix would be one it cannot justify).  Every line's length is
    checked, but numbers are parsed only on the vocabulary's lines - which
    is what makes reading a 400,000-word file quick.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_vectors: no file at {path}")
    found, lines, asked = {}, 0, dim
    with open(path, "rb") as f:  # bytes, decoded line by line, so an encoding error has a line number
        for line_no, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise VectorsError(f"{path}, line {line_no}: not valid UTF-8 ({err.reason}); vectors files "
                                   "are UTF-8 text - is this a binary word2vec file?") from None
            parts = line.rstrip("\r\n").rstrip(" ").split(" ")
            if line_no == 1 and _header(parts):
                if dim is not None and int(parts[1]) != dim:
                    raise VectorsError(f"{path}, line 1: the header says dimension {parts[1]}, "
                                       f"but dim={dim} was asked for")
                dim = _checked_dim(int(parts[1]), asked, path, line_no)
                continue
            if parts == [""]:
                continue  # a blank line
            if dim is None:
                dim = _checked_dim(len(parts) - 1, asked, path, line_no)
                if dim < 1:
                    raise VectorsError(f"{path}, line {line_no}: expected a word followed by numbers, "
                                       f"got {line[:60]!r}")
            if len(parts) < dim + 1:
                raise VectorsError(f"{path}, line {line_no}: expected a word and {dim} numbers, found "
                                   f"{len(parts) - 1} values (a ragged or cut-off line?)")
            lines += 1
            # A few GloVe files have words with spaces in them: the last `dim` fields are the numbers.
            word = " ".join(parts[:-dim])
            # A line for "<pad>" or "<unk>" is a word of the file, not the vocabulary's special rows.
            if vocab.word_index(word) != vocab.unk_index and word not in found:
                try:
                    found[word] = numpy.array(parts[-dim:], dtype=numpy.float32)
                except ValueError:
                    bad = next(p for p in parts[-dim:] if not _is_number(p))
                    raise VectorsError(f"{path}, line {line_no}: {bad!r} is not a number "
                                       "(the file may be garbled or not a vectors file)") from None
    if dim is None or not lines:
        raise VectorsError(f"{path}: the file holds no vectors")
    rng = _random.rng(generator)
    weights = rng.uniform(-MISSING_SCALE, MISSING_SCALE, size=(len(vocab), dim)).astype(numpy.float32)
    weights[vocab.stoi[PAD]] = 0.0
    for word, vector in found.items():
        weights[vocab.stoi[word]] = vector
    words = vocab.itos[2:]
    coverage = Coverage(sum(w in found for w in words), len(words), [w for w in words if w not in found], path)
    return Tensor(weights), coverage


def _checked_dim(dim, asked, path, line_no):
    """The dimension the file gives, refused above ``MAX_FILE_DIM`` unless the caller asked for it with dim=."""
    if asked is None and dim > MAX_FILE_DIM:
        raise VectorsError(f"{path}, line {line_no}: a dimension of {dim:,} is more than any word-vector file holds "
                           f"(at most {MAX_FILE_DIM:,} here); the file is damaged, or pass dim={dim} if you mean it")
    return dim


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False
