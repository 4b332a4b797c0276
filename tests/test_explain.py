"""Attributions (explain.py): exact on a linear model, complete on a trained TextCNN, and their contract."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.datasets import synthetic_sentiment
from minigrad.explain import gradient_x_input, integrated_gradients
from minigrad.models import TextCNN
from minigrad.optim import Adam
from minigrad.text import Vocab, pad_sequences


class SumOfVectors(nn.Module):
    """Linear in the word vectors: logits = W (sum_t e_t) + c."""

    def __init__(self, vocab_size=12, dim=5, classes=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.fc = nn.Linear(dim, classes)

    def forward(self, ids):
        return self.fc(self.embedding(ids).sum(dim=1))


def logit_without(model, ids, position, target):
    """The target's logit with token ``position``'s vector set to zero (removed)."""
    def remove(module, args, out):
        mask = np.ones(out.shape)
        mask[:, position] = 0
        return out * minigrad.tensor(mask, dtype=out.dtype)

    with model.embedding.register_forward_hook(remove), minigrad.no_grad():
        return model(minigrad.tensor([ids]))[0, target].item()


@pytest.fixture
def linear():
    minigrad.manual_seed(0)
    return SumOfVectors().double()


def test_gradient_x_input_is_the_exact_effect_of_removing_each_token_on_a_linear_model(linear):
    ids = [3, 7, 7, 2]  # a repeated word: each occurrence gets its own score
    result = gradient_x_input(linear, ids, target=2)
    with minigrad.no_grad():
        full = linear(minigrad.tensor([ids]))[0, 2].item()
    removed = [full - logit_without(linear, ids, t, 2) for t in range(len(ids))]
    np.testing.assert_allclose(result.scores, removed, rtol=1e-12, atol=1e-12)
    assert result.logit == pytest.approx(full) and result.target == 2


def test_on_a_linear_model_with_a_zero_padding_vector_both_methods_agree_and_ig_is_exactly_complete(linear):
    ids = [4, 5, 6]
    ig = integrated_gradients(linear, ids, steps=3)
    np.testing.assert_allclose(ig.scores, gradient_x_input(linear, ids).scores, rtol=1e-12)
    assert ig.completeness_error < 1e-12


def trained_textcnn():
    minigrad.manual_seed(0)
    data = synthetic_sentiment(n=200, seed=0)
    vocab = Vocab.build(data.texts)
    ids = pad_sequences([vocab.encode(t) for t in data.texts], max_len=None)
    labels = minigrad.tensor(np.asarray(data.labels, dtype=np.int64))
    model = TextCNN(len(vocab), 2, embed_dim=8, num_filters=6, kernel_sizes=(2, 3), dropout=0.0).double()
    optimizer = Adam(model.parameters(), lr=0.02)
    for _ in range(30):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids), labels)
        loss.backward()
        optimizer.step()
    return model, vocab, data, loss.item()


def test_integrated_gradients_is_complete_to_1e_3_on_a_trained_textcnn_in_float64():
    model, vocab, data, loss = trained_textcnn()
    assert loss < 0.3  # it learned
    checked = 0
    for text in data.texts:
        result = integrated_gradients(model, vocab.encode(text), steps=1000)
        difference = result.logit - result.baseline_logit
        if abs(difference) < 0.1:
            continue  # relative to a difference near zero, any quadrature error looks large
        # ReLU and max over time make the integrand jump, so the trapezoid rule needs many small steps.
        assert result.completeness_error < 1e-3, (text, result.scores.sum(), difference)
        checked += 1
        if checked == 3:
            break
    assert checked == 3
    with minigrad.no_grad():
        sentence = model(minigrad.tensor([vocab.encode(text)]))[0, result.target].item()
        padding = model(minigrad.tensor([[vocab.pad_index] * len(vocab.encode(text))]))[0, result.target].item()
    assert (result.logit, result.baseline_logit) == (pytest.approx(sentence), pytest.approx(padding))


def test_attribution_touches_no_grad_restores_the_mode_and_defaults_to_the_predicted_class(linear):
    linear.train()
    result = integrated_gradients(linear, [3, 4], steps=4)
    assert all(p.grad is None for p in linear.parameters()) and linear.training
    assert not linear._forward_hooks and not linear.embedding._forward_hooks
    with minigrad.no_grad():
        assert result.target == int(linear(minigrad.tensor([[3, 4]])).numpy().argmax())


def test_bad_requests_are_refused_with_what_to_do(linear):
    with pytest.raises(ValueError, match="has no nn.Embedding"):
        gradient_x_input(nn.Linear(3, 2), [1, 2])
    with pytest.raises(ValueError, match="target class 5 does not exist; the model has 3 classes"):
        gradient_x_input(linear, [1, 2], target=5)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        integrated_gradients(linear, [1, 2], steps=0)
    with pytest.raises(ValueError, match="baseline_id 99 is not a row of the embedding"):
        integrated_gradients(linear, [1, 2], baseline_id=99)
    with pytest.raises(ValueError, match="non-empty list of token ids"):
        gradient_x_input(linear, [])
    with pytest.raises(ValueError, match="only integrated gradients promises completeness"):
        gradient_x_input(linear, [1]).completeness_error
