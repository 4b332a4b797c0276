"""What train_epoch / evaluate / fit score: every target entry once, padding (ignore_index) never, batches by size.

The model is a lookup table with hand-set scores, so each accuracy below is
counted by hand.  Word ids 1, 2, 3 always answer classes 0, 1, 2; id 0 is
padding.  The five real words of the data, with their targets:

    sentence a: ids 1 2 3 -> classes 0 1 2, targets 0 1 1   (two right)
    sentence b: ids 2     -> class 1,       target  1       (right)
    sentence c: ids 3     -> class 2,       target  2       (right)

so the word accuracy is 4 / 5 = 0.8, however the sentences are batched.
"""
import numpy as np
import pytest

import minigrad
from minigrad import nn, tagging
from minigrad.nn import functional as F
from minigrad.optim import SGD
from minigrad.train import evaluate, fit, train_epoch

SCORES = [[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]  # one row per word id
IDS = [[1, 2, 3], [2, 0, 0], [3, 0, 0]]
TARGETS = [[0, 1, 1], [1, -100, -100], [2, -100, -100]]


class Tagger(nn.Module):
    """Word ids (N, L) -> logits (N, C, L) (PyTorch's per-token layout), or (N, L, C) with ``classes_last``."""

    def __init__(self, classes_last=False):
        super().__init__()
        self.table = nn.Embedding(4, 3)
        self.table.weight.data[...] = np.array(SCORES, dtype=np.float32)
        self.classes_last = classes_last

    def forward(self, ids):
        scores = self.table(ids)  # (N, L, C)
        return scores if self.classes_last else scores.transpose(1, 2)


def batches(sizes=(2, 1)):
    """The three sentences in batches of ``sizes`` sentences, each padded to the batch's longest."""
    out, start = [], 0
    for size in sizes:
        length = max(sum(t != -100 for t in row) for row in TARGETS[start:start + size])
        ids = minigrad.tensor([row[:length] for row in IDS[start:start + size]])
        targets = minigrad.tensor([row[:length] for row in TARGETS[start:start + size]])
        out.append((ids, targets))
        start += size
    return out


def test_sequence_accuracy_counts_real_words_not_sentences():
    # The old formula, (argmax(1) == targets).sum() / len(targets), gave 4 right words / 3 sentences = 1.33.
    _, accuracy = evaluate(Tagger(), batches((2, 1)))
    assert accuracy == pytest.approx(4 / 5)


def test_batches_are_weighted_by_their_scored_entries():
    # Batch 1 holds 4 real words (3 right), batch 2 one (right): the mean of the batches' accuracies would be 0.875.
    one_batch = evaluate(Tagger(), batches((3,)))
    two_batches = evaluate(Tagger(), batches((2, 1)))
    per_word = F.cross_entropy(Tagger()(batches((3,))[0][0]), batches((3,))[0][1]).item()  # mean over 5 words
    assert two_batches[1] == one_batch[1] == pytest.approx(0.8)
    assert two_batches[0] == pytest.approx(one_batch[0], rel=1e-6) and one_batch[0] == pytest.approx(per_word)


def test_train_epoch_scores_as_evaluate_does():
    model = Tagger()
    loss, accuracy = train_epoch(model, batches((2, 1)), SGD(model.parameters(), lr=0.0))  # lr 0: nothing moves
    assert (loss, accuracy) == pytest.approx(evaluate(model, batches((2, 1))))
    assert accuracy == pytest.approx(0.8)


def test_classes_last_with_class_dim_minus_one_and_the_taggers_loop():
    model = Tagger(classes_last=True)  # (N, L, C), as the taggers of minigrad.tagging answer
    expected = evaluate(Tagger(), batches((2, 1)))
    got = evaluate(model, batches((2, 1)), tagging.token_cross_entropy, class_dim=-1)
    assert got == pytest.approx(expected)
    assert tagging.evaluate(model, batches((2, 1))) == pytest.approx(expected)
    assert tagging.train_epoch(model, batches((2, 1)), SGD(model.parameters(), lr=0.0)) == pytest.approx(expected)
    history = fit(model, SGD(model.parameters(), lr=0.0), batches((2, 1)), batches((1, 2)), epochs=1,
                  loss_fn=tagging.token_cross_entropy, class_dim=-1, verbose=False)
    assert history.train_accuracy == history.val_accuracy == [pytest.approx(0.8)]


def test_the_loss_functions_own_ignore_index_is_the_one_left_out():
    # Classification targets (N,): with ignore_index=1, the two examples of class 1 are neither counted nor scored.
    logits = minigrad.tensor([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    targets = minigrad.tensor([0, 1, 1, 0])
    model = nn.Identity()
    assert evaluate(model, [(logits, targets)])[1] == pytest.approx(3 / 4)  # the second is wrong
    loss, accuracy = evaluate(model, [(logits, targets)], nn.CrossEntropyLoss(ignore_index=1))
    assert accuracy == 1.0 and loss == pytest.approx(F.cross_entropy(logits[[0, 3]], targets[[0, 3]]).item())


def test_a_batch_of_padding_only_is_skipped_and_nothing_to_score_is_an_error():
    only_padding = (minigrad.tensor([[0, 0]]), minigrad.tensor([[-100, -100]]))
    assert evaluate(Tagger(), batches((2, 1)) + [only_padding]) == pytest.approx(evaluate(Tagger(), batches((2, 1))))
    model = Tagger()
    with pytest.raises(ValueError, match="train_epoch: nothing to score.*ignore_index"):
        train_epoch(model, [only_padding], SGD(model.parameters(), lr=0.1))
    with pytest.raises(ValueError, match="evaluate: nothing to score"):
        evaluate(model, [only_padding])


def test_a_batch_on_a_gpu_reads_both_counts_in_one_wait(fake_cuda):
    """Per batch: the two counts in one read, then the loss (its value, and the queued target check's verdict)."""
    model = nn.Linear(3, 2).to("cuda")
    loader = [(minigrad.randn(4, 3, device="cuda"), minigrad.tensor([0, 1, 1, 0], device="cuda"))] * 3
    fake_cuda.waits = 0
    train_epoch(model, loader, SGD(model.parameters(), lr=0.1))
    assert fake_cuda.waits == 3 * 3
    fake_cuda.waits = 0
    evaluate(model, loader)
    assert fake_cuda.waits == 3 * 3
