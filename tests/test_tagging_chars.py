"""Spelling for unseen words: character ids per word, the character CNN, and the tagger that reads both."""
import numpy as np
import pytest

import minigrad
from minigrad import tagging
from minigrad.data import DataLoader
from minigrad.tagging import TagCollate, build_vocab, rare_ids
from minigrad.tagging_chars import CharCNN, CharRNNTagger, CharTagCollate, CharTaggingDataset, CharVocab

SENTENCES = [(["The", "dog", "barks"], ["DET", "NOUN", "VERB"]), (["A", "cat"], ["DET", "NOUN"])]
TAGS = ["DET", "NOUN", "VERB"]


def _batch(sentences, train=SENTENCES, **collate):
    vocab, chars = build_vocab(train), CharVocab.build(train)
    data = CharTaggingDataset(sentences, vocab, chars, TAGS, max_chars=4)
    return vocab, chars, CharTagCollate(**collate)([data[i] for i in range(len(data))])


def test_a_batch_holds_word_ids_then_each_words_characters():
    vocab, chars, (ids, tags) = _batch(SENTENCES)
    assert ids.shape == (2, 3, 1 + 4) and tags.tolist() == [[0, 1, 2], [0, 1, -100]]
    assert ids[:, :, 0].tolist() == [vocab.encode(["the", "dog", "barks"]), vocab.encode(["a", "cat"]) + [0]]
    assert ids[0, 2, 1:].tolist() == chars.encode("bark", 4)  # "barks" cut to max_chars, case kept
    assert ids[0, 0, 1] == chars.stoi["T"] and ids[1, 2].tolist() == [0] * 5  # a padded word: no characters
    assert ids[1, 1, 1:].tolist() == chars.encode("cat", 4) + [0]
    assert CharVocab.build(SENTENCES).encode("Tz", 5) == [chars.stoi["T"], 1]  # an unseen character: 1


def test_word_dropout_hides_the_word_but_keeps_its_spelling():
    train = [(["barks", "dog", "dog"], ["VERB", "NOUN", "NOUN"]), (["dog"], ["NOUN"])]
    vocab = build_vocab(train)
    minigrad.manual_seed(0)
    word_collate = TagCollate(word_dropout=1.0, rare_ids=rare_ids(vocab), unk_index=vocab.unk_index)
    _, chars, (ids, _) = _batch(train[:1], train=train, word_collate=word_collate)
    assert ids[0, 0, 0] == vocab.unk_index and ids[0, 0, 1:].tolist() == chars.encode("bark", 4)
    assert ids[0, 1, 0] == vocab["dog"]


def test_char_cnn_gradcheck_and_the_padding_characters_are_left_out(leaf):
    minigrad.manual_seed(0)
    cnn = CharCNN(10, char_dim=3, filters=4, width=3).double()
    real = minigrad.tensor([[True, True, True, False], [True, False, False, False]])
    assert minigrad.gradcheck(lambda v: cnn.features(v, real), (leaf(2, 4, 3),))
    # a word's vector does not depend on how many padding characters follow it
    short, long = (cnn(minigrad.tensor([[[2, 3, 4] + [0] * k]])).detach().numpy() for k in (0, 5))
    assert np.allclose(short, long)
    assert cnn(minigrad.tensor([[[0, 0, 0]]])).detach().numpy().tolist() == [[[0.0] * 4]]


def test_unseen_words_are_told_apart_by_their_spelling():
    minigrad.manual_seed(0)
    vocab, chars, _ = _batch(SENTENCES)
    model = CharRNNTagger(len(vocab), len(TAGS), len(chars), embed_dim=6, hidden_size=5, char_dim=4,
                          char_filters=3).eval()
    data = CharTaggingDataset([(["cats"], ["NOUN"]), (["barked"], ["VERB"])], vocab, chars, TAGS)
    assert data[0][0][0] == data[1][0][0] == [vocab.unk_index]  # both <unk> to the word embedding
    scores = [model(CharTagCollate()([data[i]])[0]).detach().numpy() for i in (0, 1)]
    assert not np.allclose(scores[0], scores[1])
    with pytest.raises(ValueError, match=r"expected \(N, L, 1 \+ W\) ids from CharTagCollate"):
        model(minigrad.tensor([[2, 3]]))


def test_char_tagger_learns_the_synthetic_corpus():
    minigrad.manual_seed(0)
    train, test = tagging.synthetic_tagged(n=200, seed=0), tagging.synthetic_tagged(n=100, seed=1)
    vocab, chars, names = build_vocab(train), CharVocab.build(train), sorted({t for _, ts in train for t in ts})
    loader = DataLoader(CharTaggingDataset(train, vocab, chars, names), batch_size=16, shuffle=True,
                        collate_fn=CharTagCollate())
    test_loader = DataLoader(CharTaggingDataset(test, vocab, chars, names), batch_size=50, collate_fn=CharTagCollate())
    model = CharRNNTagger(len(vocab), len(names), len(chars), embed_dim=16, hidden_size=16, dropout=0.0,
                          char_dim=8, char_filters=8)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(6):
        tagging.train_epoch(model, loader, optimizer)
    assert tagging.evaluate(model, test_loader)[1] > 0.99
