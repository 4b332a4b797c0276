"""Splitting a sentence into tokens: ``tokenize("It isn't good!") == ["it", "is", "n't", "good", "!"]``.

The rules, applied in this order:

1. Lower-case everything, and turn curly apostrophes (’) into straight ones.
2. Split negations off their verb, as the Penn Treebank does:
   "isn't" -> "is n't", "can't" -> "ca n't", "won't" -> "wo n't", and
   "cannot" -> "can not".  Negation flips a sentence's meaning, so "n't"
   must stay a token of its own - the same token in "isn't" and "doesn't".
3. Split the other clitics off the same way: "it's" -> "it 's",
   "they're" -> "they 're", "we've", "i'll", "you'd", "i'm".
4. Then read tokens left to right.  A token is
   - a word: letters, digits and underscores, with inner hyphens or
     apostrophes kept ("well-made", "o'brien");
   - a clitic from steps 2-3 ("n't", "'s", ...);
   - a bracket as the Treebank writes it ("-lrb-", "-rrb-", ...);
   - an ellipsis "...", a dash "--" or Treebank quotes "``" and "''";
   - otherwise one punctuation character ("!", ",", "(", ...).
   Whitespace only separates tokens.

These are the conventions MR and SST were tokenised with, so their
already-tokenised text passes through unchanged ("it 's not bad ." stays
five tokens), and raw text such as SMS messages is split the same way.
Numbers are split at their punctuation ("3.5" -> "3", ".", "5").
"""
import re

# Step 2: a word ending in n't (or "cannot") gets a space before the negation.
_NEGATION = re.compile(r"(\w)(n't)\b")
_CANNOT = re.compile(r"\bcannot\b")
# Step 3: the other clitics.
_CLITIC = re.compile(r"(\w)('(?:s|re|ve|ll|d|m))\b")
# Step 4: one token; the alternatives are tried in order at each position.
_TOKEN = re.compile(
    r"""n't\b                       # negation clitic
      | '(?:s|re|ve|ll|d|m)\b       # other clitics
      | -(?:lrb|rrb|lsb|rsb|lcb|rcb)-   # Treebank brackets
      | \w+(?:[-']\w+)*             # a word, inner hyphens and apostrophes kept
      | \.\.\.+ | --+ | `` | ''       # ellipsis, dash, Treebank quotes
      | [^\w\s]                     # any other single punctuation character
    """,
    re.VERBOSE,
)


def tokenize(text):
    """Lower-case ``text`` and split it into word, negation and punctuation tokens (rules above)."""
    if not isinstance(text, str):
        raise TypeError(f"tokenize: expected a string, got {type(text).__name__}")
    text = text.lower().replace("\u2019", "'")
    text = _NEGATION.sub(r"\1 \2", text)
    text = _CANNOT.sub("can not", text)
    text = _CLITIC.sub(r"\1 \2", text)
    return _TOKEN.findall(text)
