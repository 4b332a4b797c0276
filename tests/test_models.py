"""BowMLP and TextCNN: shapes, parameter counts as their docstrings state them, and what each can learn."""
import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.data import DataLoader
from minigrad.datasets import synthetic_sentiment
from minigrad.models import BowMLP, RNNClassifier, TextCNN
from minigrad.optim import Adam
from minigrad.text import PadCollate, Vocab
from minigrad.train import evaluate, train_epoch


def _count(model):
    return sum(p.numel() for p in model.parameters())


def test_bow_mlp_shapes_and_parameter_count():
    minigrad.manual_seed(0)
    V, C, hidden = 30, 3, (16, 8)
    model = BowMLP(V, C, hidden=hidden, dropout=0.5)
    assert model(minigrad.rand(5, V)).shape == (5, C)
    d = (V, *hidden)
    expected = sum(d[i - 1] * d[i] + 2 * d[i] for i in range(1, len(d))) + d[-1] * C + C  # the docstring's formula
    assert _count(model) == expected == 30 * 16 + 32 + 16 * 8 + 16 + 8 * 3 + 3
    names = [n for n, _ in model.named_parameters()]
    assert "hidden.0.bias" not in names  # no bias before BatchNorm
    assert sum(1 for n, _ in model.named_buffers() if n.endswith("running_mean")) == 2


def test_bow_mlp_docstring_example():
    assert _count(BowMLP(10_000, 2)) == 5_253_122


def test_bow_mlp_dropout_only_in_training():
    minigrad.manual_seed(0)
    model = BowMLP(20, 2, hidden=(32,), dropout=0.5)
    x = minigrad.rand(8, 20)
    model.train()
    a, b = model(x).detach().numpy(), model(x).detach().numpy()
    assert not np.allclose(a, b)  # a fresh dropout mask each call
    model.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), model(x).detach().numpy())


def test_bow_mlp_rejects_vectors_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"\(N, 20\)"):
        BowMLP(20, 2, hidden=(8,))(minigrad.rand(4, 21))


def test_text_cnn_shapes_and_parameter_count():
    minigrad.manual_seed(0)
    V, C, E, F, ks = 40, 3, 6, 5, (2, 3, 4)
    model = TextCNN(V, C, embed_dim=E, num_filters=F, kernel_sizes=ks)
    ids = minigrad.randint(0, V, (7, 9))
    assert model(ids).shape == (7, C)
    assert _count(model) == V * E + sum(k * E * F + F for k in ks) + len(ks) * F * C + C
    assert [tuple(conv.weight.shape) for conv in model.convs] == [(F, E, k) for k in ks]
    assert _count(TextCNN(20_000, 2)) == 2_714_502  # the docstring's example


def test_text_cnn_handles_any_length_and_names_the_minimum():
    minigrad.manual_seed(0)
    model = TextCNN(10, 2, embed_dim=4, num_filters=3, kernel_sizes=(3, 5)).eval()
    for length in (5, 6, 40):
        assert model(minigrad.randint(0, 10, (2, length))).shape == (2, 2)
    with pytest.raises(ValueError, match=r"min_len=5"):
        model(minigrad.randint(0, 10, (2, 4)))


def test_text_cnn_features_are_kims():
    """The classifier sees, per width, each filter's largest ReLU response over time, widths concatenated."""
    minigrad.manual_seed(0)
    model = TextCNN(12, 3, embed_dim=4, num_filters=5, kernel_sizes=(2, 3)).eval()
    seen = {}

    class Spy(nn.Module):
        def __init__(self, fc):
            super().__init__()
            self.fc = fc

        def forward(self, x):
            seen["features"] = x.detach().numpy()
            return self.fc(x)

    model.fc = Spy(model.fc)
    ids = minigrad.randint(0, 12, (3, 7))
    model(ids)
    emb = model.embedding.weight.detach().numpy()[ids.numpy()]  # (N, L, E)
    expected = []
    for conv in model.convs:
        w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()  # (F, E, k), (F,)
        k = w.shape[2]
        windows = np.stack([emb[:, t:t + k, :] for t in range(7 - k + 1)], axis=1)  # (N, T, k, E)
        response = np.einsum("ntke,fek->nft", windows, w) + b[None, :, None]
        expected.append(np.maximum(response, 0).max(axis=2))
    np.testing.assert_allclose(seen["features"], np.concatenate(expected, axis=1), rtol=1e-5, atol=1e-6)


def test_text_cnn_max_over_time_ignores_where_a_phrase_is():
    """Max over time: a phrase scores the same wherever it sits among identical filler."""
    minigrad.manual_seed(0)
    model = TextCNN(10, 2, embed_dim=4, num_filters=6, kernel_sizes=(2,)).eval()
    filler = 1
    # Same windows of width 2 in both ((f,7), (7,8), (8,f), (f,f)), only in another order.
    early = minigrad.tensor([[filler, 7, 8, filler, filler, filler, filler]])
    late = minigrad.tensor([[filler, filler, filler, filler, 7, 8, filler]])
    np.testing.assert_allclose(model(early).detach().numpy(), model(late).detach().numpy(), rtol=1e-6)


def test_text_cnn_padding_vector_stays_zero():
    minigrad.manual_seed(0)
    model = TextCNN(12, 2, embed_dim=4, num_filters=3, kernel_sizes=(2,), padding_idx=0)
    optimizer = Adam(model.parameters(), lr=0.1)
    ids = minigrad.tensor([[3, 4, 0, 0], [5, 6, 7, 0]])
    loss = nn.functional.cross_entropy(model(ids), minigrad.tensor([0, 1]))
    loss.backward()
    optimizer.step()
    assert not model.embedding.weight.detach().numpy()[0].any()


def _loader(texts, labels, vocab, shuffle):
    examples = [(vocab.encode(t), y) for t, y in zip(texts, labels)]
    return DataLoader(examples, batch_size=32, shuffle=shuffle, collate_fn=PadCollate(min_len=3))


def test_text_cnn_learns_word_order_beyond_the_bag_of_words_ceiling():
    """On the synthetic corpus, counting words caps accuracy near 60%; a width-2+ convolution reads the order."""
    minigrad.manual_seed(0)
    data = synthetic_sentiment(400, seed=3)
    vocab = Vocab.build(data.texts)
    loader = _loader(data.texts, data.labels, vocab, shuffle=True)
    model = TextCNN(len(vocab), 2, embed_dim=16, num_filters=16, kernel_sizes=(2, 3), dropout=0.0)
    optimizer = Adam(model.parameters(), lr=0.01)
    for _ in range(8):
        train_epoch(model, loader, optimizer)
    _, acc = evaluate(model, _loader(data.texts, data.labels, vocab, shuffle=False))
    assert acc > 0.9


# ------------------------------------------------------------------ RNNClassifier
@pytest.mark.parametrize("cell, gates", [("lstm", 4), ("gru", 3), ("rnn", 1)])
@pytest.mark.parametrize("pooling", ["last", "max", "attention"])
def test_rnn_classifier_shapes_and_parameter_count(cell, gates, pooling):
    V, C, E, H = 40, 3, 6, 5
    model = RNNClassifier(V, C, cell=cell, embed_dim=E, hidden_size=H, pooling=pooling)
    assert model(minigrad.tensor([[3, 4, 5, 0], [7, 0, 0, 0]])).shape == (2, C)
    D = 2
    attention = (D * H) ** 2 + 2 * D * H if pooling == "attention" else 0
    assert _count(model) == V * E + D * gates * (H * E + H * H + 2 * H) + D * H * C + C + attention


def test_rnn_classifier_docstring_example():
    assert _count(RNNClassifier(20_000, 2)) == 2_824_706


@pytest.mark.parametrize("pooling", ["last", "max", "attention"])
def test_rnn_classifier_ignores_the_padding(pooling):
    minigrad.manual_seed(0)
    model = RNNClassifier(30, 2, cell="gru", embed_dim=8, hidden_size=6, pooling=pooling).eval()
    alone = model(minigrad.tensor([[5, 6, 7]]))
    padded = model(minigrad.tensor([[5, 6, 7, 0, 0, 0], [9, 8, 7, 6, 5, 4]]))
    np.testing.assert_allclose(padded.detach().numpy()[0], alone.detach().numpy()[0], atol=1e-6)
    _, weights = model.features(minigrad.tensor([[5, 6, 7, 0, 0]]))
    if pooling == "attention":
        assert weights.shape == (1, 5) and weights.detach().numpy()[0, 3:].tolist() == [0.0, 0.0]
    else:
        assert weights is None


def test_rnn_classifier_rejects_unknown_settings():
    with pytest.raises(ValueError, match="cell must be one of \\['gru', 'lstm', 'rnn'\\], got 'transformer'"):
        RNNClassifier(10, 2, cell="transformer")
    with pytest.raises(ValueError, match="pooling must be 'last', 'max' or 'attention', got 'mean'"):
        RNNClassifier(10, 2, pooling="mean")


def test_bilstm_learns_word_order_beyond_the_bag_of_words_ceiling():
    """The negation corpus: "not good" must flip "good", which only reading in order can tell."""
    minigrad.manual_seed(0)
    data = synthetic_sentiment(400, seed=3)
    vocab = Vocab.build(data.texts)
    loader = _loader(data.texts, data.labels, vocab, shuffle=True)
    model = RNNClassifier(len(vocab), 2, cell="lstm", embed_dim=16, hidden_size=16, dropout=0.0)
    optimizer = Adam(model.parameters(), lr=0.01)
    for _ in range(6):
        train_epoch(model, loader, optimizer)
    _, acc = evaluate(model, _loader(data.texts, data.labels, vocab, shuffle=False))
    assert acc > 0.9
