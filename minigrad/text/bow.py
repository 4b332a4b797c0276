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
    columns keep the vocabulary's ids.

    The output is dense, so ``transform`` of a whole corpus needs N x V x 4
    bytes (67,349 sentences x 20,000 words: 5.4 GB).  For training, keep each
    sentence as its token ids and let ``collate`` build the dense block one
    batch at a time (50 x 20,000 x 4 bytes: 4 MB)::

        examples = [(vocab.encode(text), label) for text, label in zip(texts, labels)]
        loader = DataLoader(examples, batch_size=50, shuffle=True, collate_fn=bow.collate)
    """

    def __init__(self, vocab, mode="count"):
        if mode not in MODES:
            raise ValueError(f"BagOfWords: mode must be one of {MODES}, got {mode!r}")
        self.vocab, self.mode = vocab, mode
        self.idf = None

    def _ids(self, texts):
        if isinstance(texts, str):
            raise TypeError("BagOfWords: give a list of texts, not one string (wrap it: [text])")
        return [self.vocab.encode(text) for text in texts]

    def _counts(self, id_lists):
        """(N, V) float32 word counts from N lists of token ids: the sparse rows made dense."""
        counts = numpy.zeros((len(id_lists), len(self.vocab)), dtype=numpy.float32)
        for row, ids in enumerate(id_lists):
            ids = numpy.asarray(ids, dtype=numpy.int64)
            numpy.add.at(counts[row], ids[ids > self.vocab.unk_index], 1)  # add.at counts repeated words
        return counts

    def fit(self, texts):
        """Learn idf from ``texts`` (needed for ``"tfidf"`` only; harmless otherwise)."""
        id_lists = self._ids(texts)
        df = numpy.zeros(len(self.vocab), dtype=numpy.int64)
        for ids in id_lists:
            ids = numpy.unique(numpy.asarray(ids, dtype=numpy.int64))
            df[ids[ids > self.vocab.unk_index]] += 1  # unique ids: each text counts a word once
        self.idf = numpy.log((1 + len(id_lists)) / (1 + df)) + 1
        return self

    def features(self, id_lists):
        """The (N, V) float32 array for N lists of token ids, in this ``mode``."""
        counts = self._counts(id_lists)
        if self.mode == "binary":
            return (counts > 0).astype(numpy.float32)
        if self.mode == "tfidf":
            if self.idf is None:
                raise RuntimeError("BagOfWords(mode='tfidf'): call fit(train_texts) before transform, "
                                   "so that idf comes from the training texts")
            out = counts * self.idf.astype(numpy.float32)
            norms = numpy.linalg.norm(out, axis=1, keepdims=True)
            return out / numpy.where(norms == 0, 1, norms)  # an empty row stays zeros instead of 0/0
        return counts

    def transform(self, texts):
        return Tensor(self.features(self._ids(texts)))

    def fit_transform(self, texts):
        texts = list(texts)
        return self.fit(texts).transform(texts)

    def collate(self, batch):
        """A DataLoader ``collate_fn``: ``[(token ids, label), ...]`` -> (features (B, V) float32, labels (B,) int64)."""
        id_lists, labels = zip(*batch)
        return Tensor(self.features(id_lists)), Tensor(numpy.asarray(labels, dtype=numpy.int64))
