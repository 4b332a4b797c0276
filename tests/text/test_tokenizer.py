"""tokenize: lower-casing, negations, clitics and punctuation as their own tokens."""
import pytest

from minigrad.text import tokenize


@pytest.mark.parametrize("text, tokens", [
    ("It isn't good!", ["it", "is", "n't", "good", "!"]),
    ("I can't, won't; cannot.", ["i", "ca", "n't", ",", "wo", "n't", ";", "can", "not", "."]),
    ("It’s not BAD", ["it", "'s", "not", "bad"]),
    ("they're we've i'll you'd i'm", ["they", "'re", "we", "'ve", "i", "'ll", "you", "'d", "i", "'m"]),
    ("a well-made film by o'brien", ["a", "well-made", "film", "by", "o'brien"]),
    ("wait... what -- really?!", ["wait", "...", "what", "--", "really", "?", "!"]),
    ("'quoted' (aside)", ["'", "quoted", "'", "(", "aside", ")"]),
    ("", []),
])
def test_rules(text, tokens):
    assert tokenize(text) == tokens


def test_already_tokenised_treebank_text_passes_through():
    line = "it 's a charming -lrb- and often affecting -rrb- journey , is n't it ? ..."
    assert tokenize(line) == line.split()


def test_not_a_string():
    with pytest.raises(TypeError, match="expected a string"):
        tokenize(["a", "list"])
