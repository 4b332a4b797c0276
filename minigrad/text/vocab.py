"""``Vocab``: the two-way map between tokens and the integer ids an embedding layer looks up."""
import collections
import json
import os

from ..atomic import write_json
from .tokenizer import tokenize

PAD, UNK = "<pad>", "<unk>"
SPECIALS = (PAD, UNK)  # the tokens with fixed ids; a word of the data spelled like them is never one of them
_FORMAT = "minigrad.Vocab"


class Vocab:
    """Tokens and their ids: ``<pad>`` is 0, ``<unk>`` is 1, then the corpus's words.

    ``stoi`` maps a token to its id and ``itos`` lists the tokens by id.
    Build one from a corpus with ``Vocab.build``; tokens it never saw
    encode as ``<unk>``.

        vocab = Vocab.build(["a good film", "a bad film"])
        vocab.encode("a good plot")   # [2, 4, 1]: "plot" is unknown
        vocab.decode([2, 4, 1])       # "a good <unk>"

    A word of the data spelled like a special token is an ordinary word.
    ``build``, ``encode`` and ``word_index`` read data, and there the word
    ``<pad>`` or ``<unk>`` is one the vocabulary never holds: it encodes as
    ``<unk>`` (1), like any unseen word, and no data word ever gets
    ``<pad>``'s id, 0, which only padding adds.  (Otherwise a sentence
    holding the word ``<pad>`` would have it masked out as padding, while a
    tagged sentence kept its tag.)  Looking a special token up by name,
    ``vocab["<pad>"]`` or ``stoi["<pad>"]``, gives its id, so the idiom
    ``pad_idx = vocab["<pad>"]`` works as in torchtext.  Where minigrad
    differs from torchtext: there ``vocab(tokens)`` gives a literal
    ``"<pad>"`` in the data the padding id; here ``encode`` gives it
    ``<unk>``'s.  The file format is unchanged: vocabularies saved earlier
    load as before.
    """

    def __init__(self, tokens, tokenizer=tokenize):
        itos = [PAD, UNK] + [t for t in tokens if t not in SPECIALS]
        if len(set(itos)) != len(itos):
            duplicates = sorted(t for t, c in collections.Counter(itos).items() if c > 1)
            raise ValueError(f"Vocab: tokens must be unique, these repeat: {duplicates[:10]}")
        self.itos = itos
        self.stoi = {token: i for i, token in enumerate(itos)}
        self.tokenizer = tokenizer
        self.counts = None  # the corpus's token counts (a Counter) when made by Vocab.build

    @classmethod
    def build(cls, texts_or_token_lists, max_size=None, min_freq=1, tokenizer=tokenize):
        """Count the tokens of a corpus and keep the frequent ones.

        Each item is a string (split with ``tokenizer``) or a list of tokens.
        Tokens seen fewer than ``min_freq`` times are dropped; ``max_size``
        caps the whole vocabulary, ``<pad>`` and ``<unk>`` included (so it is
        the number of rows of the embedding table).  The order - most
        frequent first, ties alphabetically - does not depend on the order
        of the corpus, so the same data always gives the same ids.
        """
        if max_size is not None and max_size < 2:
            raise ValueError(f"Vocab.build: max_size counts <pad> and <unk> too, so it must be at least 2, "
                             f"got {max_size}")
        counts = collections.Counter()
        for item in texts_or_token_lists:
            counts.update(tokenizer(item) if isinstance(item, str) else item)
        kept = [t for t, c in counts.items() if c >= min_freq and t not in SPECIALS]
        ranked = sorted(kept, key=lambda t: (-counts[t], t))
        if max_size is not None:
            ranked = ranked[:max_size - 2]
        vocab = cls(ranked, tokenizer=tokenizer)
        vocab.counts = counts
        return vocab

    @property
    def pad_index(self):
        return 0

    @property
    def unk_index(self):
        return 1

    def __len__(self):
        return len(self.itos)

    def __contains__(self, token):
        return token in self.stoi

    def __getitem__(self, token):
        """The id of ``token`` (``<unk>``'s id if it is not in the vocabulary)."""
        return self.stoi.get(token, self.unk_index)

    def __repr__(self):
        preview = ", ".join(self.itos[2:8])
        return f"Vocab({len(self)} tokens: <pad>, <unk>, {preview}{', ...' if len(self) > 8 else ''})"

    def word_index(self, token):
        """The id of ``token`` read as a word of the data: ``<unk>``'s (1) if it is not a word of the vocabulary.

        A token spelled ``"<pad>"`` or ``"<unk>"`` is such a word: 1, never 0.
        """
        return self.unk_index if token in SPECIALS else self.stoi.get(token, self.unk_index)

    def encode(self, text):
        """A string (or list of tokens) as a list of ids, each token a word of the data (``word_index``)."""
        tokens = self.tokenizer(text) if isinstance(text, str) else text
        return [self.word_index(t) for t in tokens]

    def decode(self, ids, skip_pad=True):
        """Ids (a list, array or Tensor) back to a space-separated string, leaving out ``<pad>``."""
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        words = []
        for i in ids:
            if not 0 <= i < len(self.itos):
                raise IndexError(f"Vocab.decode: id {i} is outside the vocabulary (0 to {len(self.itos) - 1})")
            if not (skip_pad and i == self.pad_index):
                words.append(self.itos[i])
        return " ".join(words)

    # ------------------------------------------------------------------ files
    def save(self, path):
        """Write the tokens to ``path`` as JSON, with ``atomic.write_json``.

        The file is written next to its final place and then renamed over it
        (``os.replace`` is atomic), so a crash mid-write never leaves half a
        vocabulary behind.  The tokenizer is code, not data: ``load`` takes it
        as an argument.
        """
        write_json(os.fspath(path), {"format": _FORMAT, "version": 1, "itos": self.itos})

    @classmethod
    def load(cls, path, tokenizer=tokenize):
        """Read a vocabulary written by ``save``."""
        path = os.fspath(path)
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            raise FileNotFoundError(f"Vocab.load: no file at {path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:  # RecursionError: nested too deep
            raise ValueError(f"Vocab.load: {path} is not a vocabulary saved by Vocab.save "
                             f"(it is not valid UTF-8 JSON: {err})") from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("itos"), list):
            raise ValueError(f"Vocab.load: {path} is JSON but not a vocabulary saved by Vocab.save "
                             f"(expected an object with \"format\": \"{_FORMAT}\" and a list \"itos\")")
        itos = data["itos"]
        if itos[:2] != [PAD, UNK] or not all(isinstance(t, str) for t in itos):
            raise ValueError(f"Vocab.load: {path} is damaged: \"itos\" must be strings starting with "
                             f"\"{PAD}\", \"{UNK}\"; it starts with {itos[:2]}")
        return cls(itos[2:], tokenizer=tokenizer)
