"""CoNLL-U, the Universal Dependencies format: one word per line, a part-of-speech tag on every word.

A sentence is a block of lines ended by a blank line; lines starting with
``#`` are comments (``# sent_id = ...``, ``# text = ...``).  Each word line
has ten tab-separated columns::

    ID  FORM   LEMMA  UPOS  XPOS  FEATS            HEAD  DEPREL  DEPS    MISC
    4   world  world  NOUN  NN    Number=Sing      1     obl     1:obl   _

Two kinds of lines are not words of the sentence and are skipped:
multi-word tokens (ID ``19-20``: "didn't", whose words "did" and "n't"
follow on lines 19 and 20) and empty nodes (ID ``8.1``, words the
annotators restored).  What tagging needs is FORM and UPOS (17 universal
tags); the lemma and the head (the ID of the word this one depends on,
0 for the root) are kept for later tasks.
"""
import os
from collections import Counter, namedtuple

from ..data.dataset import Dataset
from .errors import DatasetError
from .readers import _read_text

# The 17 universal part-of-speech tags, in the order of their documentation (universaldependencies.org/u/pos).
UPOS_TAGS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
             "PUNCT", "SCONJ", "SYM", "VERB", "X"]

Sentence = namedtuple("Sentence", "words tags lemmas heads sent_id")
Sentence.__doc__ = """One sentence: parallel lists ``words``, ``tags`` (UPOS), ``lemmas``, ``heads`` (int, 0 = root,
None if not given), and ``sent_id`` (from its ``# sent_id =`` comment, or None)."""


class TaggedSentences(Dataset):
    """Sentences with a tag per word; ``dataset[i]`` is ``(words, tags)``, two lists of strings."""

    def __init__(self, sentences, source=None):
        self.sentences, self.source = list(sentences), source

    def __len__(self):
        return len(self.sentences)

    def __getitem__(self, index):
        sentence = self.sentences[index]
        return sentence.words, sentence.tags

    def num_words(self):
        return sum(len(s.words) for s in self.sentences)

    def tag_counts(self):
        """How many words carry each tag, most frequent first: ``{"NOUN": 34781, "PUNCT": 23679, ...}``."""
        return dict(Counter(tag for s in self.sentences for tag in s.tags).most_common())

    def __repr__(self):
        return f"TaggedSentences({len(self)} sentences, {self.num_words()} words, from {self.source})"


def _word(fields, where):
    """(form, upos, lemma, head) of one word line; raises DatasetError naming the line."""
    form, lemma, upos, head = fields[1], fields[2], fields[3], fields[6]
    if not form:
        raise DatasetError(f"{where}: the word (column 2, FORM) is empty")
    if head == "_":
        head = None
    elif head.isdigit():
        head = int(head)
    else:
        raise DatasetError(f"{where}: HEAD (column 7) is {head!r}; expected the number of a word, 0 for the root, "
                           "or '_'")
    return form, upos, lemma, head


def read_conllu(path, encoding="utf-8"):
    """A CoNLL-U file as ``TaggedSentences``, skipping multi-word tokens (``19-20``) and empty nodes (``8.1``).

    On the English Web Treebank (``ud_ewt``): train 12,544 sentences
    (204,577 words), dev 2,001 (25,147), test 2,077 (25,094).  A malformed
    line raises ``DatasetError`` naming the file and the line.
    """
    path = os.fspath(path)
    sentences, words, sent_id, first_line = [], [], None, None

    def finish():
        nonlocal words, sent_id
        if words:
            forms, tags, lemmas, heads = (list(column) for column in zip(*words))
            sentences.append(Sentence(forms, tags, lemmas, heads, sent_id))
        words, sent_id = [], None

    for number, line in enumerate(_read_text(path, encoding).split("\n"), start=1):
        line = line.rstrip("\r")
        where = f"{path}, line {number}"
        if not line.strip():
            finish()
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition("=")
            if key.strip() == "sent_id":
                sent_id = value.strip()
            continue
        fields = line.split("\t")
        if len(fields) != 10:
            raise DatasetError(f"{where}: {len(fields)} tab-separated columns, CoNLL-U has 10 (ID FORM LEMMA UPOS XPOS "
                               "FEATS HEAD DEPREL DEPS MISC); were the tabs turned into spaces?")
        token_id = fields[0]
        if "-" in token_id or "." in token_id:  # a multi-word token or an empty node: not a word to tag
            continue
        if not token_id.isdigit():
            raise DatasetError(f"{where}: ID (column 1) is {token_id!r}; expected a word number such as 1, 2, ... "
                               "(or 19-20, 8.1)")
        if not words:
            first_line = number
        if int(token_id) != len(words) + 1:
            raise DatasetError(f"{where}: word ID {token_id} should be {len(words) + 1} (IDs count 1, 2, ... "
                               f"in each sentence, which started on line {first_line}); is a blank line missing "
                               "between two sentences?")
        words.append(_word(fields, where))
    finish()
    if not sentences:
        raise DatasetError(f"{path}: no sentences found (expected CoNLL-U: 10 tab-separated columns per word)")
    return TaggedSentences(sentences, source=path)
