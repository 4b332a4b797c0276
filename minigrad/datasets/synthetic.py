"""A seeded sentiment corpus, built in, in which word ORDER decides the label.

It needs no files, and it separates two kinds of model cleanly: those that
only count words (bag of words) and those that read words in context
(n-grams, convolutions, recurrent networks).
"""
import numpy

from .readers import TextDataset

POSITIVE = ["good", "great", "wonderful", "brilliant", "charming",
            "moving", "funny", "superb", "gripping", "delightful"]
NEGATIVE = ["bad", "dull", "boring", "awful", "tedious",
            "clumsy", "bland", "weak", "predictable", "terrible"]
SUBJECTS = ["the acting", "the plot", "the music", "the script", "the ending",
            "the cast", "the dialogue", "the pacing", "the story", "the camera work"]
# In every contrast frame the word right after the cue ("but", "ends", "yet it is") decides.
CONTRAST_FRAMES = ["{s} is {x} at first but {y} in the end",
                   "{s} starts {x} but ends {y}",
                   "{s} seems {x} , yet it is {y}"]


class SyntheticSentiment(TextDataset):
    """A ``TextDataset`` that also records, per example, its ``kinds`` and ``pair_ids``."""

    def __init__(self, texts, labels, kinds, pair_ids, seed):
        super().__init__(texts, labels, ["negative", "positive"], source=f"synthetic_sentiment(seed={seed})")
        self.kinds, self.pair_ids = kinds, pair_ids


def _negation_pair(rng):
    """Two sentences, the same words, opposite labels: which adjective does "not" touch?"""
    s1, s2 = rng.choice(SUBJECTS, size=2, replace=False)
    p, n = rng.choice(POSITIVE), rng.choice(NEGATIVE)
    if rng.random() < 0.5:
        return [(f"{s1} is {p} and {s2} is not {n}", 1), (f"{s1} is not {p} and {s2} is {n}", 0)]
    return [(f"{s1} is {n} and {s2} is not {p}", 0), (f"{s1} is not {n} and {s2} is {p}", 1)]


def _contrast_pair(rng):
    """Two sentences, the same words, opposite labels: which adjective comes after "but"?"""
    s, frame = rng.choice(SUBJECTS), rng.choice(CONTRAST_FRAMES)
    p, n = rng.choice(POSITIVE), rng.choice(NEGATIVE)
    return [(frame.format(s=s, x=n, y=p), 1), (frame.format(s=s, x=p, y=n), 0)]


def _plain(rng):
    label = int(rng.random() < 0.5)
    return f"{rng.choice(SUBJECTS)} is {rng.choice(POSITIVE if label else NEGATIVE)}", label


def synthetic_sentiment(n=2000, seed=0, plain_fraction=0.2):
    """``n`` short movie-review sentences, labelled negative=0 / positive=1, repeatable from ``seed``.

    Construction.  A fraction ``plain_fraction`` are plain sentences whose
    words alone decide ("the plot is dull" -> 0).  The rest come in *pairs*
    that use exactly the same words - the same multiset - in an order that
    gives them opposite labels:

    - negation: "the cast is good and the plot is not bad" (1) /
      "the cast is not good and the plot is bad" (0);
    - contrast: "the music is dull at first but wonderful in the end" (1) /
      "the music is wonderful at first but dull in the end" (0).

    Both members of a pair share a ``pair_ids`` entry (-1 for plain
    sentences); ``kinds`` says "plain", "negation" or "contrast".  The
    examples are shuffled, so partners are not neighbours.

    The bag-of-words ceiling.  A model that sees only which words occur and
    how often (bag of words, tf-idf, an average of word embeddings) gets the
    same input for both members of a pair, so it gives them the same
    prediction, and exactly one of the two is right - whatever it was
    trained on.  On the paired sentences its accuracy is therefore exactly
    50%, and on the whole corpus (or any subset made of whole pairs and
    plain sentences) at most ``plain_fraction + (1 - plain_fraction) / 2``:
    60% with the default.  To keep that bound exact on a test set, split by
    pair, e.g. test = examples with ``pair_id % 5 == 0`` plus some plain ones.

    A model that sees word order can do far better: the label is decided by
    a bigram - "not bad" vs "not good", "but wonderful" vs "but dull" - so a
    linear model on bigram counts, or a convolution of width 2 or more, can
    fit every sentence.
    """
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"synthetic_sentiment: n must be an int of at least 2, got {n!r}")
    if not 0 <= plain_fraction <= 1:
        raise ValueError(f"synthetic_sentiment: plain_fraction must lie in [0, 1], got {plain_fraction}")
    rng = numpy.random.default_rng(seed)
    n_pairs = (n - round(n * plain_fraction)) // 2
    examples = []  # (text, label, kind, pair_id)
    for pair_id in range(n_pairs):
        kind = "negation" if rng.random() < 0.5 else "contrast"
        pair = _negation_pair(rng) if kind == "negation" else _contrast_pair(rng)
        examples += [(text, label, kind, pair_id) for text, label in pair]
    while len(examples) < n:
        examples.append((*_plain(rng), "plain", -1))
    examples = [examples[i] for i in rng.permutation(n)]
    texts, labels, kinds, pair_ids = (list(column) for column in zip(*examples))
    return SyntheticSentiment(texts, labels, kinds, pair_ids, seed)
