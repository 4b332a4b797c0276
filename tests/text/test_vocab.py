"""Vocab: building, ids, encode/decode and saving."""
import json
import os

import pytest

import minigrad
from minigrad.text import Vocab

CORPUS = ["a good film", "a bad film", "a good plot !", "zebra"]


def test_specials_then_frequency_then_alphabet():
    vocab = Vocab.build(CORPUS)
    # a:3, film:2, good:2, then the singletons alphabetically
    assert vocab.itos == ["<pad>", "<unk>", "a", "film", "good", "!", "bad", "plot", "zebra"]
    assert vocab.stoi["good"] == 4 and len(vocab) == 9


def test_order_does_not_depend_on_corpus_order():
    assert Vocab.build(CORPUS).itos == Vocab.build(CORPUS[::-1]).itos


def test_min_freq_and_max_size():
    assert Vocab.build(CORPUS, min_freq=2).itos == ["<pad>", "<unk>", "a", "film", "good"]
    vocab = Vocab.build(CORPUS, max_size=4)  # max_size counts <pad> and <unk>
    assert vocab.itos == ["<pad>", "<unk>", "a", "film"] and len(vocab) == 4


def test_token_lists_are_accepted():
    assert Vocab.build([["x", "y"], ["y"]]).itos == ["<pad>", "<unk>", "y", "x"]


def test_encode_decode_and_unknown_words():
    vocab = Vocab.build(CORPUS)
    ids = vocab.encode("A good movie!")
    assert ids == [2, 4, 1, 5]
    assert vocab.decode(ids) == "a good <unk> !"
    assert vocab.decode(minigrad.tensor([2, 3, 0, 0])) == "a film"  # padding is left out
    assert "good" in vocab and "movie" not in vocab
    assert vocab["movie"] == vocab.unk_index == 1 and vocab.pad_index == 0
    with pytest.raises(IndexError, match="outside the vocabulary"):
        vocab.decode([99])


def test_save_load_round_trip(tmp_path):
    vocab = Vocab.build(CORPUS + ["café ünïcode"])
    path = tmp_path / "vocab.json"
    vocab.save(path)
    loaded = Vocab.load(path)
    assert loaded.itos == vocab.itos and loaded.encode("a café") == vocab.encode("a café")
    assert os.listdir(tmp_path) == ["vocab.json"], "the temporary file must be renamed, not left behind"


def test_save_replaces_atomically_and_cleans_up_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "vocab.json"
    Vocab.build(["old words"]).save(path)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        Vocab.build(["new words"]).save(path)
    assert Vocab.load(path).itos[2:] == ["old", "words"], "a failed save must leave the old file intact"
    assert os.listdir(tmp_path) == ["vocab.json"]


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid UTF-8 JSON"),
    ('{"itos": ["a"]}', "not a vocabulary saved by Vocab.save"),
    ('{"format": "minigrad.Vocab", "itos": ["a", "b"]}', "damaged"),
    ("[" * 100_000 + "]" * 100_000, "not valid UTF-8 JSON"),  # nested deeper than the JSON reader recurses
])
def test_load_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "vocab.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Vocab.load(path)


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file at"):
        Vocab.load(tmp_path / "nope.json")


def test_saved_file_is_readable_json(tmp_path):
    Vocab.build(["hello"]).save(tmp_path / "v.json")
    data = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert data["itos"] == ["<pad>", "<unk>", "hello"]


# ------------------------------------- words of the data spelled like special tokens
def test_a_data_word_spelled_like_a_special_token_is_an_unknown_word_never_padding():
    vocab = Vocab.build([["a", "<pad>", "film"], ["<unk>", "<pad>", "a"]])
    assert vocab.itos == ["<pad>", "<unk>", "a", "film"]  # counted, but given no id of their own
    assert vocab.counts["<pad>"] == 2
    assert vocab.encode(["a", "<pad>", "film", "<unk>"]) == [2, 1, 3, 1]
    assert vocab.word_index("<pad>") == vocab.word_index("<unk>") == vocab.word_index("plot") == 1
    assert vocab.decode(vocab.encode(["<pad>", "film"])) == "<unk> film"  # nothing masked out
    # Looking the special tokens up by name still gives their ids: pad_idx = vocab["<pad>"].
    assert vocab["<pad>"] == vocab.stoi["<pad>"] == 0 and vocab["<unk>"] == 1


def test_a_text_holding_pad_keeps_every_word():
    # Split at spaces, "<pad>" is one token: an unknown word, not padding.
    spaced = Vocab.build(["a <pad> film"], tokenizer=str.split)
    assert spaced.encode("the <pad> film") == [1, 1, spaced["film"]]
    # minigrad's own tokenizer reads "<", "pad", ">": three words, none of them padding either.
    vocab = Vocab.build(CORPUS)
    assert vocab.encode("a <pad> film") == [2, vocab["<"], 1, vocab[">"], 3] and 0 not in vocab.encode("<pad>")


def test_a_vocabulary_saved_by_an_earlier_version_loads_and_reads_pad_as_a_word(tmp_path):
    path = tmp_path / "vocab.json"  # exactly what Vocab.save wrote before words spelled <pad> were read as words
    path.write_text('{"format": "minigrad.Vocab", "version": 1, "itos": ["<pad>", "<unk>", "a", "film"]}',
                    encoding="utf-8")
    vocab = Vocab.load(path)
    assert vocab.itos == ["<pad>", "<unk>", "a", "film"] and vocab.encode(["a", "<pad>"]) == [2, 1]
