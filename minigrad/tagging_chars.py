"""Spelling for words never seen in training: a character CNN per word, beside the word vector.

A word-level tagger sees every unseen word as the same ``<unk>``: on EWT
that is 7.5% of the test words.  Their spelling still says much
("-ly", "-ed", a capital letter, digits), so each word also gets a vector
read off its characters (Ma & Hovy 2016):

    chars (W,) -> embeddings (W, E_c) -> Conv1d(padding="same") -> ReLU -> max over the characters (F,)

and the tagger reads [word vector ; character vector] per word.

    chars = CharVocab.build(train)                       # the training words' characters (case kept)
    data = CharTaggingDataset(train, vocab, chars, UPOS_TAGS)
    loader = DataLoader(data, batch_size=32, shuffle=True, collate_fn=CharTagCollate())
    model = CharRNNTagger(len(vocab), len(UPOS_TAGS), len(chars))
    train_epoch(model, loader, optimizer)                # tagging.train_epoch, unchanged

A batch is one int64 tensor (N, L, 1 + W): column 0 the word ids (padded
with 0 as ``TagCollate`` pads them), columns 1.. each word's character ids
(0 after its last character), so the training loop and ``predict`` need
no change.
"""
from . import nn
from .nn import functional as F
from .ops.shape import cat
from .tagging import RNNTagger, TagCollate, TaggingDataset
from .text.padding import pad_sequences


class CharVocab:
    """Character ids: 0 pads, 1 stands for a character never seen in training, then the training characters."""

    def __init__(self, chars):
        self.itos = ["<pad>", "<unk>"] + sorted(chars)
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    @classmethod
    def build(cls, sentences):
        """The characters of the words of ``(words, tags)`` pairs, case kept (a capital hints at PROPN)."""
        return cls({c for words, _ in sentences for w in words for c in w})

    def __len__(self):
        return len(self.itos)

    def encode(self, word, max_chars):
        """The ids of the first ``max_chars`` characters of ``word``."""
        return [self.stoi.get(c, 1) for c in word[:max_chars]]


class CharTaggingDataset(TaggingDataset):
    """As ``TaggingDataset``, each example ((word ids, character ids per word), tag ids)."""

    def __init__(self, sentences, vocab, char_vocab, tag_names, lowercase=True, max_chars=20):
        sentences = list(sentences)
        super().__init__(sentences, vocab, tag_names, lowercase)
        self.examples = [((ids, [char_vocab.encode(w, max_chars) for w in words]), tags)
                         for (ids, tags), (words, _) in zip(self.examples, sentences)]


class CharTagCollate:
    """(ids (N, L, 1 + W), tags (N, L)): ``TagCollate``'s word ids and tags, each word's characters beside.

    W is the batch's longest word (at most ``CharTaggingDataset``'s
    ``max_chars``).  The word columns go through ``word_collate`` (default
    ``TagCollate()``), so its word dropout applies; a dropped word keeps its
    spelling, as an unseen word has one.
    """

    def __init__(self, word_collate=None):
        self.word_collate = word_collate or TagCollate()

    def __call__(self, batch):
        ids, tags = self.word_collate([(words, t) for (words, _), t in batch])
        steps = ids.shape[1]
        width = max(len(c) for (_, spelled), _ in batch for c in spelled)
        rows = [[c + [0] * (width - len(c)) for c in spelled] + [[0] * width] * (steps - len(spelled))
                for (_, spelled), _ in batch]
        chars = pad_sequences([sum(r, []) for r in rows], max_len=steps * width).reshape(len(batch), steps, width)
        return cat([ids.unsqueeze(2), chars], dim=2), tags


class CharCNN(nn.Module):
    """Character ids (N, L, W) -> one vector per word (N, L, F): embeddings, a convolution, a max over the characters.

    The max leaves out the padding characters (id 0): after the ReLU every
    value is >= 0, so setting them to 0 cannot change a maximum that a real
    character reaches.  A padded word (no characters) gets zeros.
    """

    def __init__(self, num_chars, char_dim=30, filters=50, width=3):
        super().__init__()
        self.embedding = nn.Embedding(num_chars, char_dim, padding_idx=0)
        self.conv = nn.Conv1d(char_dim, filters, width, padding="same")

    def forward(self, chars):
        n, steps, width = chars.shape
        flat = chars.reshape(n * steps, width)
        return self.features(self.embedding(flat), flat != 0).reshape(n, steps, -1)

    def features(self, vectors, real):
        """(words, F) from character vectors (words, W, E_c) and the mask of real characters (words, W)."""
        h = F.relu(self.conv(vectors.transpose(1, 2)))  # (words, F, W): Conv1d wants channels before position
        return h.masked_fill(~real.unsqueeze(1), 0.0).amax(dim=2)


class CharRNNTagger(RNNTagger):
    """``RNNTagger`` reading [word vector ; ``CharCNN`` vector] per word; input (N, L, 1 + W) from ``CharTagCollate``.

    Args as ``RNNTagger``'s, and num_chars (``len(CharVocab)``), char_dim
    (E_c), char_filters (F) and char_width (the characters each filter reads).
    """

    def __init__(self, vocab_size, num_tags, num_chars, cell="lstm", embed_dim=100, hidden_size=128, num_layers=1,
                 bidirectional=True, dropout=0.5, padding_idx=0, char_dim=30, char_filters=50, char_width=3):
        super().__init__(vocab_size, num_tags, cell, embed_dim, hidden_size, num_layers, bidirectional, dropout,
                         padding_idx, extra_features=char_filters)
        self.chars = CharCNN(num_chars, char_dim, char_filters, char_width)

    def forward(self, ids):
        if ids.ndim != 3:
            raise ValueError(f"CharRNNTagger: expected (N, L, 1 + W) ids from CharTagCollate (word ids, then "
                             f"character ids), got shape {ids.shape}")
        words = ids[:, :, 0]
        lengths = (words != self.padding_idx).long().sum(dim=1).clamp(min=1)
        vectors = cat([self.embedding(words), self.chars(ids[:, :, 1:])], dim=2)
        return self.tag_scores(vectors, lengths)
