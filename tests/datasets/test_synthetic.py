"""synthetic_sentiment: pairs with the same words and opposite labels, so only word order can tell."""
import collections

import numpy as np
import pytest

from minigrad.datasets import synthetic_sentiment
from minigrad.datasets.synthetic import POSITIVE


def multiset(text):
    return tuple(sorted(text.split()))


def by_pair(ds):
    pairs = collections.defaultdict(list)
    for i, pair_id in enumerate(ds.pair_ids):
        if pair_id >= 0:
            pairs[pair_id].append(i)
    return pairs


def test_size_labels_and_kinds():
    ds = synthetic_sentiment(n=1001, seed=3, plain_fraction=0.2)
    assert len(ds) == 1001 and ds.label_names == ["negative", "positive"]
    assert set(ds.labels) == {0, 1} and set(ds.kinds) == {"plain", "negation", "contrast"}
    assert ds.kinds.count("plain") == 1001 - 2 * len(by_pair(ds))
    assert abs(ds.kinds.count("plain") - 200) <= 1


def test_pairs_have_identical_word_multisets_and_opposite_labels():
    ds = synthetic_sentiment(n=2000, seed=0)
    pairs = by_pair(ds)
    assert len(pairs) == 800
    for a, b in pairs.values():
        assert multiset(ds.texts[a]) == multiset(ds.texts[b])
        assert ds.texts[a] != ds.texts[b]
        assert ds.labels[a] != ds.labels[b]
        assert ds.kinds[a] == ds.kinds[b] != "plain"


def test_plain_sentences_are_labelled_by_their_adjective():
    ds = synthetic_sentiment(n=500, seed=2, plain_fraction=1.0)
    assert set(ds.kinds) == {"plain"} and set(ds.labels) == {0, 1}
    for text, label in zip(ds.texts, ds.labels):
        assert label == (text.split()[-1] in POSITIVE) and "not" not in text.split()


def test_seed_repeats_and_varies():
    assert synthetic_sentiment(n=50, seed=1).texts == synthetic_sentiment(n=50, seed=1).texts
    assert synthetic_sentiment(n=50, seed=1).texts != synthetic_sentiment(n=50, seed=2).texts


def test_even_the_best_bag_of_words_is_at_chance_on_pairs():
    # The best any word-count model can do is predict each multiset's majority label;
    # here it even sees the test data.  On the paired sentences that is exactly 50%.
    ds = synthetic_sentiment(n=2000, seed=0)
    votes = collections.defaultdict(list)
    for text, label in zip(ds.texts, ds.labels):
        votes[multiset(text)].append(label)
    predict = {m: int(np.mean(v) > 0.5) for m, v in votes.items()}
    paired = [i for i, k in enumerate(ds.kinds) if k != "plain"]
    right = sum(predict[multiset(ds.texts[i])] == ds.labels[i] for i in paired)
    assert right / len(paired) == 0.5


def _features(texts, ngram):
    grams = []
    for text in texts:
        words = text.split()
        grams.append(words + ([" ".join(p) for p in zip(words, words[1:])] if ngram == 2 else []))
    index = {g: i for i, g in enumerate(sorted({g for gs in grams for g in gs}))}
    X = np.zeros((len(texts), len(index)))
    for row, gs in enumerate(grams):
        for g in gs:
            X[row, index[g]] += 1
    return X


def _logistic_regression_accuracy(X, y, train, test, steps=400, lr=0.5):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X[train] @ w + b)))
        w -= lr * X[train].T @ (p - y[train]) / len(train)
        b -= lr * (p - y[train]).mean()
    return float(((X[test] @ w + b > 0) == y[test]).mean())


@pytest.mark.parametrize("ngram, low, high", [(1, 0.5, 0.5), (2, 0.95, 1.0)])
def test_bigrams_learn_what_unigrams_cannot(ngram, low, high):
    ds = synthetic_sentiment(n=2000, seed=0, plain_fraction=0.0)
    y, ids = np.array(ds.labels), np.array(ds.pair_ids)
    test, train = np.flatnonzero(ids % 5 == 0), np.flatnonzero(ids % 5 != 0)  # whole pairs on each side
    acc = _logistic_regression_accuracy(_features(ds.texts, ngram), y, train, test)
    assert low <= acc <= high


def test_bad_arguments():
    with pytest.raises(ValueError, match="n must be"):
        synthetic_sentiment(n=1)
    with pytest.raises(ValueError, match="plain_fraction"):
        synthetic_sentiment(plain_fraction=1.5)
