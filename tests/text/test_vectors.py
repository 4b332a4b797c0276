"""load_vectors: GloVe and word2vec text files, coverage and errors."""
import numpy as np
import pytest

import minigrad
from minigrad.text import Vocab, VectorsError, load_vectors

GLOVE = "good 0.1 0.2 0.3\nfilm -1 0 1.5\nunused 9 9 9\n"


@pytest.fixture
def vocab():
    return Vocab.build(["good film", "good plot"])  # <pad> <unk> good film plot


def test_glove_rows_align_with_vocab(tmp_path, vocab):
    path = tmp_path / "glove.txt"
    path.write_text(GLOVE, encoding="utf-8")
    weights, coverage = load_vectors(path, vocab)
    assert weights.dtype == minigrad.float32 and weights.shape == (5, 3)
    w = weights.numpy()
    assert np.allclose(w[vocab.stoi["good"]], [0.1, 0.2, 0.3])
    assert np.allclose(w[vocab.stoi["film"]], [-1, 0, 1.5])
    assert np.all(w[0] == 0), "<pad> must be zeros"
    missing = w[vocab.stoi["plot"]]
    assert np.all(np.abs(missing) <= 0.25) and np.any(missing != 0)
    assert (coverage.found, coverage.total) == (2, 3) and coverage.fraction == pytest.approx(2 / 3)
    assert coverage.missing == ["plot"]
    assert str(coverage) == "2 of 3 vocabulary words (66.7%) have a vector in glove.txt; missing e.g. plot"


def test_word2vec_header_and_seeded_missing_rows(tmp_path, vocab):
    path = tmp_path / "w2v.txt"
    path.write_text("3 3\n" + GLOVE, encoding="utf-8")
    minigrad.manual_seed(5)
    first, _ = load_vectors(path, vocab)
    minigrad.manual_seed(5)
    again, _ = load_vectors(path, vocab, dim=3)
    assert np.array_equal(first.numpy(), again.numpy())


@pytest.mark.parametrize("content, message", [
    ("good 0.1 0.2 0.3\nfilm 1 2\n", r"line 2: expected a word and 3 numbers, found 2"),
    ("good 0.1 0.2 0.3\nfilm 1 two 3\n", r"line 2: 'two' is not a number"),
    ("5 4\ngood 0.1 0.2 0.3 0.4\n", r"line 1: the header says dimension 4, but dim=3"),
    ("", "holds no vectors"),
    ("3 3\n", "holds no vectors"),  # a header alone: nothing to make a matrix from
    ("2 100000000\ngood 0.1\n", r"line 1: a dimension of 100,000,000 is more than any word-vector file holds"),
    ("good " + "0.5 " * 20_000 + "\n", r"line 1: a dimension of 20,000 is more than"),
])
def test_bad_files_name_the_line(tmp_path, vocab, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    dim = 3 if "header" in message else None
    with pytest.raises(VectorsError, match=message):
        load_vectors(path, vocab, dim=dim)


def test_binary_file_is_reported(tmp_path, vocab):
    path = tmp_path / "vectors.bin"
    path.write_bytes(b"good 0.1 0.2 0.3\n\xff\xfe\x00\x01 garbage\n")
    with pytest.raises(VectorsError, match="line 2: not valid UTF-8"):
        load_vectors(path, vocab)


def test_lines_for_pad_and_unk_do_not_fill_the_special_rows(tmp_path, vocab):
    # "<pad>" and "<unk>" in a vectors file are words of the file: the <pad> row stays zero, <unk> stays random.
    path = tmp_path / "glove.txt"
    path.write_text("<pad> 1 1 1\n<unk> 2 2 2\n" + GLOVE, encoding="utf-8")
    weights, coverage = load_vectors(path, vocab)
    w = weights.numpy()
    assert np.all(w[vocab.pad_index] == 0) and np.all(np.abs(w[vocab.unk_index]) <= 0.25)
    assert (coverage.found, coverage.total) == (2, 3)
