"""read_sst_trees: sentences and every labelled phrase of the SST's bracketed trees."""
import pytest

from minigrad.datasets import DatasetError, parse_sst_tree, read_sst_trees

TREES = (
    "(3 (2 (2 The) (2 Rock)) (4 (3 (2 is) (4 great)) (2 .)))\n"
    "(1 (2 (2 not) (3 good)) (2 .))\n"
    "(2 (2 The) (2 Rock))\n"
)


def write(tmp_path, text, name="trees.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tree_gives_its_words_and_every_phrase_with_the_root_last():
    words, phrases = parse_sst_tree("(3 (2 (2 The) (2 Rock)) (4 (4 rocks) (2 .)))")
    assert words == ["The", "Rock", "rocks", "."]
    spans = {(" ".join(words[s:e]), label) for label, s, e in phrases}
    assert spans == {("The", 2), ("Rock", 2), ("The Rock", 2), ("rocks", 4), (".", 2), ("rocks .", 4),
                     ("The Rock rocks .", 3)}
    assert phrases[-1] == (3, 0, 4) and len(phrases) == 7


def test_sentences_carry_the_root_label(tmp_path):
    ds = read_sst_trees(write(tmp_path, TREES))
    assert ds.texts == ["The Rock is great .", "not good .", "The Rock"]
    assert ds.labels == [3, 1, 2] and len(ds.label_names) == 5


def test_phrases_are_distinct_and_include_the_sentences(tmp_path):
    ds = read_sst_trees(write(tmp_path, TREES), phrases=True)
    pairs = list(zip(ds.texts, ds.labels))
    assert len(pairs) == len(set(pairs))  # "The", "Rock" and "The Rock" of the third tree are not repeated
    assert ("The Rock is great .", 3) in pairs and ("great", 4) in pairs and ("not good", 2) in pairs
    assert len(pairs) == 9 + 4  # 9 nodes in the first tree; the second adds 4 (its "." is already there)


def test_binary_drops_neutral_and_merges_the_ends(tmp_path):
    ds = read_sst_trees(write(tmp_path, TREES), fine_grained=False)
    assert ds.texts == ["The Rock is great .", "not good ."] and ds.labels == [1, 0]
    assert ds.label_names == ["negative", "positive"]
    phrases = read_sst_trees(write(tmp_path, TREES), phrases=True, fine_grained=False)
    assert sorted(zip(phrases.texts, phrases.labels)) == sorted([
        ("The Rock is great .", 1), ("is great .", 1), ("is great", 1), ("great", 1), ("good", 1),
        ("not good .", 0)])


def test_lowercase_merges_case_variants(tmp_path):
    path = write(tmp_path, "(3 (2 The) (3 fun))\n(3 (2 the) (3 fun))\n")
    assert len(read_sst_trees(path, phrases=True)) == 5
    lower = read_sst_trees(path, phrases=True, lowercase=True)
    assert sorted(lower.texts) == ["fun", "the", "the fun"]


def test_a_deep_tree_needs_no_recursion():
    depth = 20_000  # far past Python's recursion limit
    line = "(1 " * depth + "word" + ")" * depth
    words, phrases = parse_sst_tree(line)
    assert words == ["word"] and len(phrases) == depth


@pytest.mark.parametrize("line, message", [
    ("(3 (2 The) (2 Rock)", "1 '(' never closed"),
    ("(3 (2 The)) (2 Rock))", "column 13: text after the tree's last ')'"),
    ("(3 (7 The) (2 Rock))", "column 5: label '7' is not one of 0, 1, 2, 3, 4"),
    ("(3 (2 The) ((2 x)))", "column 13: '(' where a label 0-4 was expected"),
    ("(3 (2) (2 Rock))", "column 6: an empty node"),
    ("The Rock", "column 1: 'The' outside any brackets"),
    ("(3 (2 The) (2 Rock)))", "column 21: text after"),
])
def test_malformed_trees_name_the_file_line_and_column(tmp_path, line, message):
    path = write(tmp_path, "(2 (2 fine) (2 .))\n" + line + "\n")
    with pytest.raises(DatasetError) as err:
        read_sst_trees(path)
    assert f"{path}, line 2" in str(err.value) and message in str(err.value)


@pytest.mark.parametrize("split, sentences, binary", [("train", 8544, 6920), ("dev", 1101, 872), ("test", 2210, 1821)])
def test_real_trees_counts(data_file, split, sentences, binary):
    path = data_file(f"sst_trees/{split}.txt")
    assert len(read_sst_trees(path)) == sentences
    assert len(read_sst_trees(path, fine_grained=False)) == binary


def test_real_training_phrases(data_file):
    path = data_file("sst_trees/train.txt")
    # the counts of ../shared/data/README.md: Kim's SST-1 training data
    assert len(read_sst_trees(path, phrases=True, lowercase=True)) == 157_401
    assert len(read_sst_trees(path, phrases=True)) == 159_274
