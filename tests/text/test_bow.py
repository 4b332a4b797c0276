"""BagOfWords: count, binary and tf-idf (checked by hand)."""
import math

import numpy as np
import pytest

import minigrad
from minigrad.text import BagOfWords, Vocab

TEXTS = ["good good film", "bad film"]


@pytest.fixture
def vocab():
    return Vocab.build(TEXTS)  # <pad> <unk> film good bad  (film:2, good:2, bad:1)


def test_count_and_binary(vocab):
    assert vocab.itos == ["<pad>", "<unk>", "film", "good", "bad"]
    counts = BagOfWords(vocab).transform(TEXTS + ["unknown words only"])
    assert counts.dtype == minigrad.float32 and counts.shape == (3, 5)
    assert counts.tolist() == [[0, 0, 1, 2, 0], [0, 0, 1, 0, 1], [0, 0, 0, 0, 0]]
    assert BagOfWords(vocab, "binary").transform(TEXTS).tolist() == [[0, 0, 1, 1, 0], [0, 0, 1, 0, 1]]


def test_tfidf_by_hand(vocab):
    # n = 2 texts; df(film) = 2, df(good) = 1, df(bad) = 1
    idf_film, idf_rare = math.log(3 / 3) + 1, math.log(3 / 2) + 1
    row0 = np.array([0, 0, 1 * idf_film, 2 * idf_rare, 0])
    row1 = np.array([0, 0, 1 * idf_film, 0, 1 * idf_rare])
    expected = np.stack([row0 / np.linalg.norm(row0), row1 / np.linalg.norm(row1)])
    bow = BagOfWords(vocab, "tfidf").fit(TEXTS)
    assert np.allclose(bow.idf[2:], [idf_film, idf_rare, idf_rare])
    assert np.allclose(bow.transform(TEXTS).numpy(), expected, atol=1e-6)
    # a known value: row 0 is (1, 2 * 1.405465) / norm
    assert bow.transform(["good good film"]).numpy()[0, 3] == pytest.approx(0.942, abs=1e-3)


def test_tfidf_needs_fit_and_empty_rows_stay_zero(vocab):
    with pytest.raises(RuntimeError, match="fit"):
        BagOfWords(vocab, "tfidf").transform(TEXTS)
    out = BagOfWords(vocab, "tfidf").fit_transform(TEXTS + ["nothing known"])
    assert out.numpy()[2].tolist() == [0, 0, 0, 0, 0]


def test_word_order_is_lost(vocab):
    a, b = BagOfWords(vocab).transform(["good film bad", "bad film good"]).numpy()
    assert np.array_equal(a, b)


def test_bad_arguments(vocab):
    with pytest.raises(ValueError, match="mode"):
        BagOfWords(vocab, "tf")
    with pytest.raises(TypeError, match="list of texts"):
        BagOfWords(vocab).transform("good film")


@pytest.mark.parametrize("mode", ["count", "binary", "tfidf"])
def test_collate_builds_the_rows_of_transform_one_batch_at_a_time(mode):
    from minigrad.data import DataLoader

    vocab = Vocab.build(TEXTS)
    bow = BagOfWords(vocab, mode).fit(TEXTS)
    texts = TEXTS + ["good good unknown", "nothing known"]
    examples = [(vocab.encode(t), i) for i, t in enumerate(texts)]
    batches = list(DataLoader(examples, batch_size=2, collate_fn=bow.collate))
    assert [tuple(x.shape) for x, _ in batches] == [(2, len(vocab)), (2, len(vocab))]
    assert all(x.dtype == minigrad.float32 for x, _ in batches)
    whole = bow.transform(texts).numpy()
    assert np.array_equal(np.concatenate([x.numpy() for x, _ in batches]), whole)
    assert [y.tolist() for _, y in batches] == [[0, 1], [2, 3]]
