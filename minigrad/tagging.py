"""Tagging every word: a label per token instead of one per sentence (part of speech, named entities).

A tagger reads a sentence of L words and answers L labels.  What changes
from sentence classification:

- batches: sentences of different lengths are padded to one length L with
  ``<pad>`` (id 0), and their tags with ``IGNORE_INDEX`` (-100, PyTorch's
  ``ignore_index``), so that the padding counts in no loss and no score
  (``TagCollate``);
- the model: one score vector per word, logits (N, L, C) (``RNNTagger``,
  ``CNNTagger``);
- the loss: cross-entropy over every real word, ``token_cross_entropy``;
- the scores: accuracy over words, per-tag F1, the tag confusion matrix
  (``minigrad.metrics`` with ``ignore_index=-100``).

    train = read_conllu("../shared/data/ud_ewt/en_ewt-ud-train.conllu")
    vocab, tag_names = build_vocab(train), UPOS_TAGS
    loader = DataLoader(TaggingDataset(train, vocab, tag_names), batch_size=32, shuffle=True,
                        collate_fn=TagCollate())
    model = CNNTagger(len(vocab), len(tag_names))
    train_epoch(model, loader, optimizer)             # (loss per word, word accuracy)

The baseline every tagger must beat is ``MostFrequentTag``: each word's most
frequent training tag (86.2% of the EWT test words).
"""
import random as _py_random
from collections import Counter, defaultdict

from . import nn
from . import random as _random
from . import train as _train
from .autograd import no_grad
from .data.dataset import Dataset
from .nn import functional as F
from .nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from .ops.shape import cat
from .text.padding import pad_sequences
from .text.vocab import Vocab
from .train import IGNORE_INDEX  # the label of padding: PyTorch's default ignore_index for cross_entropy


def _words(words, lowercase):
    return [w.lower() for w in words] if lowercase else list(words)


def build_vocab(sentences, min_freq=1, lowercase=True):
    """A ``Vocab`` of the words of tagged sentences (``(words, tags)`` pairs such as ``read_conllu``'s)."""
    return Vocab.build((_words(words, lowercase) for words, _ in sentences), min_freq=min_freq)


class TaggingDataset(Dataset):
    """``(word ids, tag ids)`` per sentence, from ``(words, tags)`` pairs, a ``Vocab`` and the tag names.

    Words are lower-cased first with ``lowercase=True`` (as ``build_vocab``
    does); a tag that is not in ``tag_names`` is an error naming the sentence.
    """

    def __init__(self, sentences, vocab, tag_names, lowercase=True):
        tag_index = {tag: i for i, tag in enumerate(tag_names)}
        self.examples = []
        for n, (words, tags) in enumerate(sentences):
            unknown = [t for t in tags if t not in tag_index]
            if unknown:
                raise ValueError(f"TaggingDataset: sentence {n} has the tag {unknown[0]!r}, which is not one of "
                                 f"the {len(tag_names)} tag_names {list(tag_names)}")
            self.examples.append((vocab.encode(_words(words, lowercase)), [tag_index[t] for t in tags]))

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, index):
        return self.examples[index]


class TagCollate:
    """A ``collate_fn`` for tagged sentences: (word ids (N, L), tag ids (N, L)), both int64 Tensors.

    L is the batch's longest sentence (at least ``min_len``).  Shorter
    sentences get ``pad_index`` after their words and ``ignore_index`` after
    their tags, so ``tags != ignore_index`` is the mask of real words.

    Word dropout (for the training loader only): each occurrence of a word
    whose id is in ``rare_ids`` becomes ``unk_index`` with probability
    ``word_dropout``, so that the model learns an ``<unk>`` vector from words
    like the ones it will meet unseen at test time.  ``rare_ids(vocab)``
    gives the ids of the words seen once; the draws come from ``generator``
    (default: the one ``minigrad.manual_seed`` seeds)::

        TagCollate(word_dropout=0.5, rare_ids=rare_ids(vocab), unk_index=vocab.unk_index)
    """

    def __init__(self, pad_index=0, ignore_index=IGNORE_INDEX, min_len=1, word_dropout=0.0, rare_ids=(),
                 unk_index=1, generator=None):
        if not 0.0 <= word_dropout <= 1.0:
            raise ValueError(f"TagCollate: word_dropout is a probability in [0, 1], got {word_dropout}")
        self.pad_index, self.ignore_index, self.min_len = pad_index, ignore_index, min_len
        self.word_dropout, self.rare_ids, self.unk_index = word_dropout, frozenset(rare_ids), unk_index
        self.generator = generator

    def __call__(self, batch):
        length = max(self.min_len, max(len(ids) for ids, _ in batch))
        for ids, tags in batch:
            if len(ids) != len(tags):
                raise ValueError(f"TagCollate: a sentence has {len(ids)} words but {len(tags)} tags; every word "
                                 "needs exactly one tag")
        sentences = [ids for ids, _ in batch]
        if self.word_dropout > 0 and self.rare_ids:
            sentences = [self._drop_rare(ids) for ids in sentences]
        ids = pad_sequences(sentences, max_len=length, pad_value=self.pad_index)
        tags = pad_sequences([tags for _, tags in batch], max_len=length, pad_value=self.ignore_index)
        return ids, tags

    def _drop_rare(self, ids):
        draws = _random.rng(self.generator).random(len(ids))
        return [self.unk_index if i in self.rare_ids and u < self.word_dropout else i for i, u in zip(ids, draws)]


def rare_ids(vocab, counts=None, max_count=1):
    """The ids of the words counted at most ``max_count`` times (for word dropout).

    ``counts`` (a ``Counter`` of the training words) defaults to the one
    ``Vocab.build`` keeps; a loaded ``Vocab`` has none, so pass it then.
    """
    counts = vocab.counts if counts is None else counts
    if counts is None:
        raise ValueError("rare_ids: the vocabulary has no counts (a loaded Vocab keeps none); pass counts=Counter("
                         "of the training words), or build the vocabulary with build_vocab or Vocab.build")
    return {vocab.word_index(w) for w, c in counts.items() if c <= max_count} - {vocab.unk_index}


def token_cross_entropy(logits, tags, ignore_index=IGNORE_INDEX):
    """The mean cross-entropy over the real words of a batch: logits (N, L, C), tags (N, L) with padding -100.

    Each word is one classification; flattening (N, L, C) to (N * L, C)
    makes them rows of an ordinary cross-entropy, whose ``ignore_index``
    leaves the padding out of both the sum and the count it is divided by.
    """
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tags.reshape(-1), ignore_index=ignore_index)


class MostFrequentTag:
    """The baseline: each word gets the tag it had most often in training; unseen words the commonest tag.

    ``MostFrequentTag().fit(train).predict(["the", "dog"]) == ["DET", "NOUN"]``
    """

    def __init__(self, lowercase=True):
        self.lowercase = lowercase

    def fit(self, sentences):
        counts, overall = defaultdict(Counter), Counter()
        for words, tags in sentences:
            for word, tag in zip(_words(words, self.lowercase), tags):
                counts[word][tag] += 1
                overall[tag] += 1
        # most_common breaks ties by first appearance: deterministic for a given file
        self.tag_of = {word: c.most_common(1)[0][0] for word, c in counts.items()}
        self.default = overall.most_common(1)[0][0]
        return self

    def predict(self, words):
        return [self.tag_of.get(w, self.default) for w in _words(words, self.lowercase)]

    def accuracy(self, sentences):
        """The fraction of the words of ``sentences`` it tags right."""
        right = total = 0
        for words, tags in sentences:
            right += sum(p == t for p, t in zip(self.predict(words), tags))
            total += len(tags)
        return right / total


class CNNTagger(nn.Module):
    """Embeddings -> convolutions over a window of words -> a linear layer per word -> tag logits.

    Args:
        vocab_size: V.
        num_tags: C.
        embed_dim: E.
        channels: F, filters per convolution.
        window: k, the words each convolution reads (odd: the word and
            (k - 1) / 2 on each side).
        num_layers: stacked convolutions; a word's tag then depends on
            num_layers * (k - 1) + 1 words around it, and on nothing further.
        dropout: on the embeddings and before the output layer.
        padding_idx: the ``<pad>`` id, whose vector stays zero.

    The word vectors start from U[-0.25, 0.25], as ``TextCNN``'s (Kim's
    CNN-rand), not from ``nn.Embedding``'s N(0, 1): in a trial on the first
    3,000 EWT training sentences (3 epochs, Adam 3e-3, dropout 0.5), that
    tagged 81.6% of the first 600 dev sentences' words right against 73.8%.

    Shapes::

        ids (N, L) -> embedding (N, L, E) -> transposed (N, E, L)
        -> per layer: Conv1d(padding="same") (N, F, L) -> ReLU
        -> transposed (N, L, F) -> dropout -> Linear per word -> logits (N, L, C)

    ``padding="same"`` keeps one output per word, so the output lines up
    with the tags.  A window sees a fixed neighbourhood; a recurrent tagger
    can carry information from any distance, which is what the lesson on
    tagging compares.
    """

    def __init__(self, vocab_size, num_tags, embed_dim=100, channels=128, window=3, num_layers=2, dropout=0.25,
                 padding_idx=0):
        super().__init__()
        if window % 2 == 0:
            raise ValueError(f"CNNTagger: window must be odd (the word and as many on each side), got {window}")
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=padding_idx)
        nn.init.uniform_(self.embedding.weight, -0.25, 0.25)
        if padding_idx is not None:
            self.embedding.weight.data[padding_idx] = 0.0
        sizes = [embed_dim] + [channels] * num_layers
        self.convs = nn.ModuleList([nn.Conv1d(a, b, window, padding="same") for a, b in zip(sizes, sizes[1:])])
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(sizes[-1], num_tags)

    def forward(self, ids):
        if ids.ndim != 2:
            raise ValueError(f"CNNTagger: expected word ids of shape (N, L), got {ids.shape}")
        x = self.dropout(self.embedding(ids)).transpose(1, 2)  # (N, E, L): Conv1d wants channels before time
        for conv in self.convs:
            x = F.relu(conv(x))
        return self.out(self.dropout(x.transpose(1, 2)))  # (N, L, C): one score vector per word


class RNNTagger(nn.Module):
    """Embeddings -> a recurrent layer read both ways -> a linear layer per word -> tag logits.

    Args:
        vocab_size: V.   num_tags: C.
        cell: 'lstm' or 'gru'.
        embed_dim: E (word vectors from U[-0.25, 0.25], as ``CNNTagger``'s).
        hidden_size: H per direction.   num_layers: stacked layers.
        bidirectional: read the sentence both ways (D = 2), so each word's
            output knows the words before it and the words after it.
        dropout: on the embeddings and on the recurrent outputs (and between
            stacked layers).
        padding_idx: the ``<pad>`` id.  A sentence's length is its number of
            ids that are not ``<pad>``, so batches are padded on the right (as
            ``TagCollate`` does).
        extra_features: more features per word that a subclass joins to the
            word vector before the recurrent layer (``CharRNNTagger``'s
            spelling); the recurrent layer reads E + extra_features.

    Shapes::

        ids (N, L) -> embedding (N, L, E) -> dropout -> packed by length
        -> LSTM/GRU outputs (N, L, D*H) -> dropout -> Linear per word -> logits (N, L, C)

    The batch is packed by each sentence's real length, so the backward
    direction starts at the sentence's last word, never at the padding: a
    sentence gets the same scores alone as padded in a batch.  Scores at
    padded positions are those of a zero output; the -100 tags leave them
    out of the loss.  Unlike a window (``CNNTagger``), a recurrence can carry
    information from any distance.
    """

    def __init__(self, vocab_size, num_tags, cell="lstm", embed_dim=100, hidden_size=128, num_layers=1,
                 bidirectional=True, dropout=0.5, padding_idx=0, extra_features=0):
        super().__init__()
        layers = {"lstm": nn.LSTM, "gru": nn.GRU}
        if cell not in layers:
            raise ValueError(f"RNNTagger: cell must be one of {sorted(layers)}, got {cell!r}")
        self.cell, self.padding_idx = cell, padding_idx
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=padding_idx)
        nn.init.uniform_(self.embedding.weight, -0.25, 0.25)  # as CNNTagger and TextCNN: Kim's range
        if padding_idx is not None:
            self.embedding.weight.data[padding_idx] = 0.0
        self.rnn = layers[cell](embed_dim + extra_features, hidden_size, num_layers=num_layers, batch_first=True,
                                bidirectional=bidirectional, dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear((2 if bidirectional else 1) * hidden_size, num_tags)

    def forward(self, ids):
        if ids.ndim != 2:
            raise ValueError(f"RNNTagger: expected word ids of shape (N, L), got {ids.shape}")
        real = ids != self.padding_idx if self.padding_idx is not None else ids >= 0
        lengths = real.long().sum(dim=1).clamp(min=1)  # an all-<pad> row reads one step rather than none
        return self.tag_scores(self.embedding(ids), lengths)

    def tag_scores(self, vectors, lengths):
        """Logits (N, L, C) from word vectors (N, L, E + extra_features) and each sentence's real length (N,)."""
        packed = pack_padded_sequence(self.dropout(vectors), lengths, batch_first=True, enforce_sorted=False)
        output, _ = self.rnn(packed)
        padded, _ = pad_packed_sequence(output, batch_first=True, total_length=vectors.shape[1])  # (N, L, D*H)
        return self.out(self.dropout(padded))  # (N, L, C): one score vector per word


# --------------------------------------------------- a corpus needing no files
_LEXICON = {
    "DET": ["the", "a", "every", "this"],
    "ADJ": ["big", "small", "red", "old", "happy"],
    "NOUN": ["dog", "cat", "bird", "child", "garden"],
    "VERB": ["sees", "likes", "chases", "finds"],
    "PRON": ["they", "we", "you"],
    "PUNCT": ["."],
}
# Words whose tag depends on their neighbours, as in real text: after "the" or an adjective "run" is a NOUN,
# after "they" a VERB; "fast" is an ADJ before a noun and an ADV after a verb.
_AMBIGUOUS = {"NOUN": ["run", "walk", "plan"], "VERB": ["run", "walk", "plan"], "ADJ": ["fast"], "ADV": ["fast"]}


def synthetic_tagged(n=500, seed=0):
    """``n`` made-up tagged sentences (``TaggedSentences``) from a tiny grammar, for lessons and tests.

    Sentences are "DET (ADJ) NOUN VERB DET (ADJ) NOUN ." or "PRON VERB DET
    (ADJ) NOUN (ADV) .", and the words "run", "walk", "plan" (NOUN or VERB)
    and "fast" (ADJ or ADV) change tag with their context, so a tagger must
    look at the neighbours to tag them: each word's most frequent tag is not
    enough.  The tags are UPOS names; the same seed gives the same corpus.
    """
    from .datasets.conllu import Sentence, TaggedSentences

    rng = _py_random.Random(seed)

    def word(tag, ambiguous=0.3):
        choices = _LEXICON.get(tag, [])
        if tag in _AMBIGUOUS and (not choices or rng.random() < ambiguous):
            choices = _AMBIGUOUS[tag]
        return rng.choice(choices), tag

    def noun_phrase():
        return [word("DET")] + ([word("ADJ")] if rng.random() < 0.5 else []) + [word("NOUN")]

    sentences = []
    for _ in range(n):
        if rng.random() < 0.5:
            pairs = noun_phrase() + [word("VERB", ambiguous=0)] + noun_phrase()
        else:
            pairs = [word("PRON"), word("VERB", ambiguous=0.6)] + noun_phrase()
            pairs += [word("ADV")] if rng.random() < 0.5 else []
        pairs.append(word("PUNCT"))
        words, tags = (list(column) for column in zip(*pairs))
        sentences.append(Sentence(words, tags, list(words), [None] * len(words), None))
    return TaggedSentences(sentences, source=f"synthetic_tagged(n={n}, seed={seed})")


# ------------------------------------------------------ training, word by word
# minigrad.train's loop already counts words, not sentences: it scores every target entry that is not -100.
# These two only say where a tagger's logits hold the class scores (last, (N, L, C)) and which loss flattens them.
def train_epoch(model, loader, optimizer, clip_grad_norm=None):
    """One pass over ``loader`` of (ids, tags) batches; returns (mean loss per word, word accuracy).

    ``minigrad.train.train_epoch`` with ``token_cross_entropy`` and the tag
    scores on the last dimension; the padding (tag -100) is neither counted
    nor scored.
    """
    return _train.train_epoch(model, loader, optimizer, token_cross_entropy, clip_grad_norm, class_dim=-1)


def evaluate(model, loader):
    """(mean loss per word, word accuracy) over ``loader``, in eval mode: ``minigrad.train.evaluate`` for taggers."""
    return _train.evaluate(model, loader, token_cross_entropy, class_dim=-1)


@no_grad()
def predict(model, loader):
    """(true tags, predicted tags) of every real word of ``loader``, two 1-D int64 Tensors, in eval mode."""
    model.eval()
    true, predicted = [], []
    for ids, tags in loader:
        real = tags != IGNORE_INDEX
        true.append(tags[real])
        predicted.append(model(ids).argmax(2)[real])
    return cat(true), cat(predicted)
