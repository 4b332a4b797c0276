"""Bag of words: a sentence as a vector of word counts, one column per vocabulary entry.

Word order is thrown away: "good, not bad" and "bad, not good" give the
same vector.  That is what makes it a good first baseline and also its limit.
"""
import numpy

from ..tensor import Tensor

MODES = ("count", "binary", "tfidf")


class BagOfWords:
    """Texts to a float32 Tensor of shape (N, len(vocab)); column ``i`` is ``vocab.itos[i]``.

    - ``mode="count"``: how often each word occurs;
    - ``mode="binary"``: 1 if it occurs at all, else 0;
    - ``mode="tfidf"``: count x idf, each row then scaled to unit length (L2).
      ``fit(texts)`` first learns idf(w) = ln((1 + n) / (1 + df(w))) + 1, where
      n is the number of texts and df(w) the number containing w (the
      smoothing of scikit-learn's ``TfidfVectorizer`` defaults), so words
      found in every text weigh least.

    ``<pad>`` and unknown words are not counted: their columns stay 0, so
    columns keep the vocabulary's ids.  The output is dense, so keep the
    vocabulary small (``Vocab.build(..., max_size=10000)``).
    """

    def __init__(self, vocab, mode="count"):
        if mode not in MODES:
            raise ValueError(f"BagOfWords: mode must be one of {MODES}, got {mode!r}")
        self.vocab, self.mode = vocab, mode
        self.idf = None

    def _counts(self, texts):
        if isinstance(texts, str):
            raise TypeError("BagOfWords: give a list of texts, not one string (wrap it: [text])")
        texts = list(texts)
        counts = numpy.zeros((len(texts), len(self.vocab)), dtype=numpy.float64)
        for row, text in enumerate(texts):
            ids = [i for i in self.vocab.encode(text) if i > self.vocab.unk_index]
            numpy.add.at(counts[row], ids, 1)  # add.at counts repeated words; counts[row, ids] += 1 would not
        return counts

    def fit(self, texts):
        """Learn idf from ``texts`` (needed for ``"tfidf"`` only; harmless otherwise)."""
        counts = self._counts(texts)
        n, df = counts.shape[0], (counts > 0).sum(axis=0)
        self.idf = numpy.log((1 + n) / (1 + df)) + 1
        return self

    def transform(self, texts):
        counts = self._counts(texts)
        if self.mode == "binary":
            out = (counts > 0).astype(numpy.float64)
        elif self.mode == "tfidf":
            if self.idf is None:
                raise RuntimeError("BagOfWords(mode='tfidf'): call fit(train_texts) before transform, "
                                   "so that idf comes from the training texts")
            out = counts * self.idf
            norms = numpy.linalg.norm(out, axis=1, keepdims=True)
            out = out / numpy.where(norms == 0, 1, norms)  # an empty row stays zeros instead of 0/0
        else:
            out = counts
        return Tensor(out.astype(numpy.float32))

    def fit_transform(self, texts):
        texts = list(texts)
        return self.fit(texts).transform(texts)
