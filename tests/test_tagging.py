"""Tagging every word: padded batches, word dropout, the per-word loss, the most-frequent-tag baseline, the taggers."""
from collections import Counter

import numpy as np
import pytest

import minigrad
from minigrad import tagging
from minigrad.data import DataLoader
from minigrad.metrics import accuracy
from minigrad.models import CNNTagger, RNNTagger
from minigrad.tagging import (IGNORE_INDEX, MostFrequentTag, TagCollate, TaggingDataset, build_vocab, rare_ids,
                              token_cross_entropy)

from .datasets.conftest import data_file  # noqa: F401  (the fixture finding ../shared/data)

SENTENCES = [
    (["The", "dog", "barks"], ["DET", "NOUN", "VERB"]),
    (["A", "cat"], ["DET", "NOUN"]),
    (["Dogs", "run", "fast", "."], ["NOUN", "VERB", "ADV", "PUNCT"]),
]
TAGS = ["DET", "NOUN", "VERB", "ADV", "PUNCT"]


# ------------------------------------------------------------------- batches
def test_words_and_tags_are_padded_apart():
    vocab = build_vocab(SENTENCES)
    data = TaggingDataset(SENTENCES, vocab, TAGS)
    ids, tags = TagCollate()([data[0], data[1]])
    assert ids.dtype == tags.dtype == minigrad.int64
    assert ids.tolist() == [vocab.encode(["the", "dog", "barks"]), vocab.encode(["a", "cat"]) + [0]]
    assert tags.tolist() == [[0, 1, 2], [0, 1, IGNORE_INDEX]]  # padding's tag is -100: no loss, no score
    assert TagCollate(min_len=5)([data[1]])[1].tolist() == [[0, 1, -100, -100, -100]]


def test_words_are_lower_cased_unless_asked_not_to():
    vocab = build_vocab(SENTENCES)
    assert "the" in vocab and "The" not in vocab
    cased = build_vocab(SENTENCES, lowercase=False)
    assert TaggingDataset(SENTENCES, cased, TAGS, lowercase=False)[0][0] == cased.encode(["The", "dog", "barks"])


def test_unknown_tag_and_length_mismatch_are_named():
    vocab = build_vocab(SENTENCES)
    with pytest.raises(ValueError, match=r"sentence 2 has the tag 'ADV', which is not one of the 3 tag_names"):
        TaggingDataset(SENTENCES, vocab, ["DET", "NOUN", "VERB"])
    with pytest.raises(ValueError, match="a sentence has 3 words but 2 tags"):
        TagCollate()([([2, 3, 4], [0, 1])])


# ---------------------------------------------------------------------- loss
LOGITS = [[[1.0, -0.5, 0.25], [0.0, 2.0, -1.0], [0.5, 0.5, 0.5]],
          [[-1.0, 0.0, 1.0], [3.0, 0.0, 0.0], [0.1, 0.2, 0.3]]]
PADDED_TAGS = [[0, 1, -100], [2, 0, -100]]


def test_token_cross_entropy_matches_pytorch_and_ignores_padding():
    logits = minigrad.tensor(LOGITS, dtype=minigrad.float64, requires_grad=True)
    loss = token_cross_entropy(logits, minigrad.tensor(PADDED_TAGS))
    # PyTorch 2.13: F.cross_entropy(logits.reshape(-1, 3), tags.reshape(-1), ignore_index=-100), float64
    assert loss.item() == pytest.approx(0.3000876710692342, abs=1e-12)
    loss.backward()
    assert np.allclose(logits.grad.numpy(), [[[-0.1026, 0.0329, 0.0697], [0.0285, -0.0391, 0.0105], [0, 0, 0]],
                                             [[0.0225, 0.0612, -0.0837], [-0.0226, 0.0113, 0.0113], [0, 0, 0]]],
                       atol=1e-4)


def test_token_cross_entropy_gradcheck(leaf):
    tags = minigrad.tensor([[0, 1, 2, -100], [2, -100, -100, -100]])
    assert minigrad.gradcheck(lambda x: token_cross_entropy(x, tags), (leaf(2, 4, 3),))


# ------------------------------------------------------------------ baseline
def test_most_frequent_tag_per_word_and_for_unseen_words():
    train = SENTENCES + [(["run", "run"], ["VERB", "NOUN"]), (["run"], ["VERB"])]
    baseline = MostFrequentTag().fit(train)
    assert baseline.predict(["THE", "run", "unicorn"]) == ["DET", "VERB", "NOUN"]  # NOUN: the commonest tag
    assert baseline.accuracy([(["run", "dog"], ["NOUN", "NOUN"])]) == 0.5


def test_most_frequent_tag_on_ewt_scores_the_published_baseline(data_file):
    from minigrad.datasets import read_conllu

    baseline = MostFrequentTag().fit(read_conllu(data_file("ud_ewt/en_ewt-ud-train.conllu")))
    # ../shared/data/README.md: 86.2% of the test words
    assert baseline.accuracy(read_conllu(data_file("ud_ewt/en_ewt-ud-test.conllu"))) == pytest.approx(0.862, abs=5e-4)


# -------------------------------------------------------------------- tagger
def test_cnn_tagger_gives_one_score_vector_per_word():
    minigrad.manual_seed(0)
    model = CNNTagger(20, 5, embed_dim=8, channels=6, window=3, num_layers=2)
    assert model(minigrad.tensor([[2, 3, 4, 0], [5, 6, 0, 0]])).shape == (2, 4, 5)
    with pytest.raises(ValueError, match="window must be odd"):
        CNNTagger(20, 5, window=4)


@pytest.mark.parametrize("window, num_layers", [(3, 1), (3, 2), (5, 2)])
def test_cnn_tagger_sees_exactly_its_window(window, num_layers):
    # A word's logits depend on num_layers * (window - 1) / 2 words on each side, and on nothing further.
    minigrad.manual_seed(0)
    model = CNNTagger(30, 4, embed_dim=6, channels=5, window=window, num_layers=num_layers).eval()
    reach = num_layers * (window - 1) // 2
    ids = np.arange(2, 17)[None, :]
    base = model(minigrad.tensor(ids)).detach().numpy()
    middle = 7
    for distance in range(1, reach + 2):
        changed = ids.copy()
        changed[0, middle + distance] = 25
        moved = not np.allclose(model(minigrad.tensor(changed)).detach().numpy()[0, middle], base[0, middle])
        assert moved == (distance <= reach), distance


def test_cnn_tagger_learns_a_tag_that_needs_the_previous_word():
    # Word 3 is tagged 1 after word 2 and 2 after word 4: a window of one word could not tell.
    minigrad.manual_seed(0)
    rng = np.random.default_rng(0)
    examples = []
    for _ in range(60):
        words = [3 if i % 2 else int(rng.choice([2, 4])) for i in range(rng.integers(3, 8))]
        tags = [0 if w != 3 else (1 if words[i - 1] == 2 else 2) for i, w in enumerate(words)]
        examples.append((words, tags))
    loader = DataLoader(examples, batch_size=8, shuffle=True, collate_fn=TagCollate())
    model = CNNTagger(5, 3, embed_dim=8, channels=16, window=3, num_layers=1, dropout=0.0)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=0.03)
    for _ in range(30):
        loss, _ = tagging.train_epoch(model, loader, optimizer)
    _, word_accuracy = tagging.evaluate(model, loader)
    y_true, y_pred = tagging.predict(model, loader)
    assert word_accuracy == 1.0 and accuracy(y_true, y_pred) == 1.0 and loss < 0.05
    assert len(y_true) == sum(len(w) for w, _ in examples)  # every real word, no padding


def test_synthetic_corpus_needs_context_and_is_reproducible():
    corpus = tagging.synthetic_tagged(n=300, seed=1)
    assert [s.words for s in corpus.sentences] == [s.words for s in tagging.synthetic_tagged(n=300, seed=1).sentences]
    tags_of = {}
    for words, tags in corpus:
        assert len(words) == len(tags)
        for w, t in zip(words, tags):
            tags_of.setdefault(w, set()).add(t)
    assert tags_of["run"] == {"NOUN", "VERB"} and tags_of["fast"] == {"ADJ", "ADV"}
    assert MostFrequentTag().fit(corpus).accuracy(corpus) < 0.97  # a word alone does not settle its tag


def test_a_word_spelled_pad_is_a_word_with_its_tag_not_padding():
    sentences = SENTENCES + [(["The", "<PAD>", "barks"], ["DET", "NOUN", "VERB"])]  # lower-cased: "<pad>"
    vocab = build_vocab(sentences)
    ids, tags = TagCollate()([TaggingDataset(sentences, vocab, TAGS)[3]])
    assert ids.tolist() == [[vocab["the"], vocab.unk_index, vocab["barks"]]] and tags.tolist() == [[0, 1, 2]]
    assert 0 not in rare_ids(vocab) and vocab.pad_index not in rare_ids(vocab, Counter({"<pad>": 1}))
    # A recurrent tagger reads the sentence's length off the ids that are not <pad>: all three words count.
    minigrad.manual_seed(0)
    model = RNNTagger(len(vocab), len(TAGS), embed_dim=4, hidden_size=3, dropout=0.0).eval()
    unseen = TagCollate()([(vocab.encode(["the", "zebra", "barks"]), [0, 1, 2])])[0]
    assert minigrad.equal(model(ids), model(unseen))  # "<pad>" reads as any unseen word


# ------------------------------------------------------------ word dropout
def test_word_dropout_turns_only_rare_words_into_unk_about_half_the_time():
    vocab = build_vocab(SENTENCES + [(["the", "dog"], ["DET", "NOUN"])])
    rare = rare_ids(vocab)
    assert vocab["barks"] in rare and vocab["the"] not in rare and vocab["dog"] not in rare  # seen 1, 3, 2 times
    assert rare_ids(vocab, Counter({"the": 1, "dog": 4})) == {vocab["the"]}  # a loaded Vocab's: counts given
    sentence = (vocab.encode(["the", "barks"]) * 200, [0, 2] * 200)
    minigrad.manual_seed(0)
    collate = TagCollate(word_dropout=0.5, rare_ids=rare, unk_index=vocab.unk_index)
    ids, tags = collate([sentence])
    words = ids.tolist()[0]
    assert set(words[0::2]) == {vocab["the"]}  # a frequent word is never dropped
    assert set(words[1::2]) == {vocab["barks"], vocab.unk_index}
    assert 0.4 < words[1::2].count(vocab.unk_index) / 200 < 0.6
    assert tags.tolist()[0] == [0, 2] * 200  # the tags stay
    minigrad.manual_seed(0)
    assert collate([sentence])[0].tolist()[0] == words  # manual_seed governs the draws
    assert TagCollate()([sentence])[0].tolist()[0] == sentence[0]  # off by default
    with pytest.raises(ValueError, match=r"word_dropout is a probability in \[0, 1\], got 1.5"):
        TagCollate(word_dropout=1.5)


# ---------------------------------------------------------- recurrent tagger
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_rnn_tagger_gives_one_score_vector_per_word(cell):
    minigrad.manual_seed(0)
    model = RNNTagger(20, 5, cell=cell, embed_dim=8, hidden_size=6)
    assert model(minigrad.tensor([[2, 3, 4, 0], [5, 6, 0, 0]])).shape == (2, 4, 5)
    assert RNNTagger(20, 5, cell=cell, hidden_size=6, bidirectional=False).out.in_features == 6
    with pytest.raises(ValueError, match=r"RNNTagger: cell must be one of \['gru', 'lstm'\], got 'rnn'"):
        RNNTagger(20, 5, cell="rnn")
    with pytest.raises(ValueError, match=r"expected word ids of shape \(N, L\)"):
        model(minigrad.tensor([2, 3]))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_rnn_tagger_never_reads_the_padding(cell):
    # The backward direction starts at each sentence's last word: alone or padded in a batch, the same scores.
    minigrad.manual_seed(0)
    model = RNNTagger(20, 5, cell=cell, embed_dim=8, hidden_size=6).eval()
    batch = model(minigrad.tensor([[2, 3, 4, 0, 0], [5, 6, 7, 8, 9]])).detach().numpy()
    alone = model(minigrad.tensor([[2, 3, 4]])).detach().numpy()
    assert np.allclose(batch[0, :3], alone[0], atol=1e-6)
    # and a word's scores depend on the words after it (the backward direction), unlike a left-to-right reader
    changed = model(minigrad.tensor([[2, 3, 11]])).detach().numpy()
    assert not np.allclose(changed[0, 0], alone[0, 0])


def test_rnn_tagger_gradcheck_through_the_packing(leaf):
    # float64, dropout off: the gradient of the per-word loss reaches each real word's vector, none the padding.
    minigrad.manual_seed(0)
    model = RNNTagger(10, 3, embed_dim=3, hidden_size=2).double().eval()
    tags, lengths = minigrad.tensor([[0, 2, 1], [1, -100, -100]]), minigrad.tensor([3, 1])
    vectors = leaf(2, 3, 3)
    assert minigrad.gradcheck(lambda x: token_cross_entropy(model.tag_scores(x, lengths), tags), (vectors,))
    token_cross_entropy(model.tag_scores(vectors, lengths), tags).backward()
    assert np.all(vectors.grad.numpy()[1, 1:] == 0)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_rnn_tagger_learns_the_synthetic_corpus(cell):
    minigrad.manual_seed(0)
    train, test = tagging.synthetic_tagged(n=200, seed=0), tagging.synthetic_tagged(n=100, seed=1)
    vocab, tag_names = build_vocab(train), sorted({t for _, tags in train for t in tags})
    loader = DataLoader(TaggingDataset(train, vocab, tag_names), batch_size=16, shuffle=True,
                        collate_fn=TagCollate())
    test_loader = DataLoader(TaggingDataset(test, vocab, tag_names), batch_size=50, collate_fn=TagCollate())
    model = RNNTagger(len(vocab), len(tag_names), cell=cell, embed_dim=16, hidden_size=16, dropout=0.0)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(6):
        tagging.train_epoch(model, loader, optimizer)
    _, word_accuracy = tagging.evaluate(model, test_loader)
    # the words alone are not enough (MostFrequentTag); the context settles "run", "walk", "plan" and "fast"
    assert word_accuracy > 0.99 > MostFrequentTag().fit(train).accuracy(test)
