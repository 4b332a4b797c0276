"""The Stanford Sentiment Treebank's trees: a sentiment label on every phrase, not just the sentence.

Each line of ``train.txt``, ``dev.txt`` and ``test.txt`` is one bracketed tree::

    (3 (2 (2 The) (2 Rock)) (4 (3 (2 is) ...) (2 .)))

Every node is ``(label children...)`` or ``(label word)``, the label 0-4
(very negative to very positive); the root's label is the sentence's.

- ``read_sst_trees(path)`` gives one example per tree: the sentence and its
  root label (what dev and test are scored on).
- ``read_sst_trees(path, phrases=True)`` gives every *distinct* labelled
  phrase of the file, the sentences included: what Kim (2014) trained SST-1
  and SST-2 on (157,401 phrases in the training trees, against 8,544
  sentences).
- ``fine_grained=False`` is the binary task as Kim set it: labels 0-1 become
  negative, 3-4 positive, and neutral (2) phrases and sentences are dropped.

The parser is a loop over tokens with an explicit stack, so a tree as deep
as a sentence is long parses without Python's recursion limit.  Words keep
the treebank's spelling (mixed case, ``-LRB-`` for "("); ``Vocab``'s
tokenizer lower-cases them.
"""
import os
import re

from .errors import DatasetError
from .readers import SST_BINARY, SST_FINE, TextDataset, _lines

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def parse_sst_tree(line, where="tree"):
    """The words of one bracketed tree and its labelled phrases, as (words, [(label, start, end), ...]).

    Phrase ``(label, start, end)`` covers ``words[start:end]``; phrases come
    in the order their closing bracket is read, so the root is last.
    ``where`` (e.g. "train.txt, line 7") starts every error message.
    """
    words, phrases = [], []
    open_nodes = []  # [label or None, index of its first word] for each unclosed "("
    finished = False
    for match in _TOKEN.finditer(line):
        token, column = match.group(), match.start() + 1
        if finished:
            raise DatasetError(f"{where}, column {column}: text after the tree's last ')' ({line[column - 1:][:30]!r});"
                               " each line must hold exactly one tree")
        if token == "(":
            if open_nodes and open_nodes[-1][0] is None:
                raise DatasetError(f"{where}, column {column}: '(' where a label 0-4 was expected")
            open_nodes.append([None, len(words)])
        elif token == ")":
            if not open_nodes:
                raise DatasetError(f"{where}, column {column}: ')' without a matching '('")
            label, start = open_nodes.pop()
            if label is None or start == len(words):
                raise DatasetError(f"{where}, column {column}: an empty node; every node is "
                                   "'(label word)' or '(label (...) (...))'")
            phrases.append((label, start, len(words)))
            finished = not open_nodes
        elif not open_nodes:
            raise DatasetError(f"{where}, column {column}: {token!r} outside any brackets; a tree starts with '('")
        elif open_nodes[-1][0] is None:
            if token not in ("0", "1", "2", "3", "4"):
                raise DatasetError(f"{where}, column {column}: label {token!r} is not one of 0, 1, 2, 3, 4")
            open_nodes[-1][0] = int(token)
        else:
            words.append(token)
    if open_nodes:
        raise DatasetError(f"{where}: {len(open_nodes)} '(' never closed; is the line cut short?")
    if not phrases:
        raise DatasetError(f"{where}: no tree on the line")
    return words, phrases


def read_sst_trees(path, phrases=False, fine_grained=True, lowercase=False, encoding="utf-8"):
    """A Stanford Sentiment Treebank tree file as a ``TextDataset`` of sentences or of every distinct phrase.

    Args:
        path: ``sst_trees/train.txt``, ``dev.txt`` or ``test.txt``.
        phrases: False, one example per tree (the sentence, its root label);
            True, every distinct (phrase, label) pair of the file: a phrase
            met again in a later tree is kept once.
        lowercase: lower-case the words (``Vocab``'s tokenizer would anyway);
            with ``phrases=True`` that also merges "The movie" and "the
            movie", unless their labels differ.
        fine_grained: True, five classes (``SST_FINE``); False, two
            (``SST_BINARY``): 0-1 negative, 3-4 positive, neutral dropped.

    Texts are the words joined by spaces.  On SST: train 8,544 sentences,
    dev 1,101, test 2,210 (binary: 6,920 / 872 / 1,821); the training trees
    hold 159,274 distinct phrases, 157,401 once lower-cased (binary: 77,616
    and 77,307, neutral ones dropped).
    """
    path = os.fspath(path)
    texts, labels, seen = [], [], set()
    for number, line in _lines(path, encoding):
        words, labelled = parse_sst_tree(line, where=f"{path}, line {number}")
        chosen = labelled if phrases else labelled[-1:]  # the root is the last phrase closed
        for label, start, end in chosen:
            text = " ".join(words[start:end])
            if lowercase:
                text = text.lower()
            if phrases:
                if (text, label) in seen:
                    continue
                seen.add((text, label))
            if not fine_grained:
                if label == 2:
                    continue
                label = 0 if label < 2 else 1
            texts.append(text)
            labels.append(label)
    return TextDataset(texts, labels, SST_FINE if fine_grained else SST_BINARY, source=path)
