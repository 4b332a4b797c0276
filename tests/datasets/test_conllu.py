"""read_conllu: words and UPOS tags from CoNLL-U, multi-word tokens and empty nodes skipped."""
import pytest

from minigrad.datasets import UPOS_TAGS, DatasetError, TaggedSentences, read_conllu


def row(*fields):
    return "\t".join(str(f) for f in fields) + "\n"


SAMPLE = (
    "# newdoc id = d1\n"
    "# sent_id = s1\n"
    "# text = I didn't go.\n"
    + row(1, "I", "I", "PRON", "PRP", "_", 4, "nsubj", "_", "_")
    + row("2-3", "didn't", "_", "_", "_", "_", "_", "_", "_", "_")
    + row(2, "did", "do", "AUX", "VBD", "_", 4, "aux", "_", "_")
    + row(3, "n't", "not", "PART", "RB", "_", 4, "advmod", "_", "_")
    + row(4, "go", "go", "VERB", "VB", "_", 0, "root", "_", "_")
    + row(5, ".", ".", "PUNCT", ".", "_", 4, "punct", "_", "_")
    + "\n"
    + "# sent_id = s2\n"
    + row(1, "Fine", "fine", "ADJ", "JJ", "_", 0, "root", "_", "_")
    + row("1.1", "is", "be", "AUX", "VBZ", "_", "_", "_", "0:root", "_")
    + row(2, "!", "!", "PUNCT", ".", "_", 1, "punct", "_", "_")
)


def write(tmp_path, text):
    path = tmp_path / "sample.conllu"
    path.write_text(text, encoding="utf-8")
    return path


def test_words_tags_lemmas_and_heads(tmp_path):
    ds = read_conllu(write(tmp_path, SAMPLE))
    assert isinstance(ds, TaggedSentences) and len(ds) == 2 and ds.num_words() == 7
    first = ds.sentences[0]
    # "didn't" (2-3) is skipped: its words "did" and "n't" are tagged on their own lines
    assert first.words == ["I", "did", "n't", "go", "."]
    assert first.tags == ["PRON", "AUX", "PART", "VERB", "PUNCT"]
    assert first.lemmas == ["I", "do", "not", "go", "."] and first.heads == [4, 4, 4, 0, 4]
    assert first.sent_id == "s1"
    # the empty node 1.1 is not a word
    assert ds[1] == (["Fine", "!"], ["ADJ", "PUNCT"])
    assert ds.tag_counts()["PUNCT"] == 2 and set(ds.tag_counts()) <= set(UPOS_TAGS)


def test_file_may_end_without_a_blank_line_and_with_windows_line_ends(tmp_path):
    ds = read_conllu(write(tmp_path, SAMPLE.replace("\n", "\r\n").rstrip("\r\n")))
    assert len(ds) == 2 and ds[1][0] == ["Fine", "!"]


@pytest.mark.parametrize("bad, message", [
    (row(1, "a", "a", "NOUN", "_", "_", 0, "root", "_", "_").replace("\t", " "), "1 tab-separated columns"),
    (row(1, "a", "a", "NOUN", "_", "_", "root", "root", "_", "_"), "HEAD (column 7) is 'root'"),
    (row("one", "a", "a", "NOUN", "_", "_", 0, "root", "_", "_"), "ID (column 1) is 'one'"),
    (row(1, "", "a", "NOUN", "_", "_", 0, "root", "_", "_"), "the word (column 2, FORM) is empty"),
    (row(3, "a", "a", "NOUN", "_", "_", 0, "root", "_", "_"), "word ID 3 should be 1"),
])
def test_malformed_lines_name_the_file_and_line(tmp_path, bad, message):
    path = write(tmp_path, SAMPLE + "\n# sent_id = s3\n" + bad)
    with pytest.raises(DatasetError) as err:
        read_conllu(path)
    assert f"{path}, line 17" in str(err.value) and message in str(err.value)


def test_a_missing_blank_line_between_sentences_is_named(tmp_path):
    path = write(tmp_path, SAMPLE.replace("\n\n# sent_id = s2\n", "\n"))
    with pytest.raises(DatasetError, match=r"line 10: word ID 1 should be 6 .*started on line 4.*blank line missing"):
        read_conllu(path)


def test_a_file_without_sentences(tmp_path):
    with pytest.raises(DatasetError, match="no sentences found"):
        read_conllu(write(tmp_path, "# just a comment\n"))


@pytest.mark.parametrize("split, sentences, words", [
    ("train", 12_544, 204_577), ("dev", 2_001, 25_147), ("test", 2_077, 25_094)])
def test_real_ewt_counts(data_file, split, sentences, words):
    ds = read_conllu(data_file(f"ud_ewt/en_ewt-ud-{split}.conllu"))
    assert len(ds) == sentences and ds.num_words() == words  # ../shared/data/README.md
    assert set(ds.tag_counts()) == set(UPOS_TAGS)
