"""benchmarks/_sst.py: Kim's two-sided padding, the batch recorder, and the PyTorch twin of the TextCNN."""
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad.models import TextCNN
from minigrad.text import PadCollate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import _sst  # noqa: E402


def test_kim_padding_puts_four_pads_before_and_after_the_words():
    ids, labels = _sst.KimPadCollate(lead=4)([([7], 1), ([5, 6, 8], 0)])
    assert ids.numpy().tolist() == [[0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0],
                                    [0, 0, 0, 0, 5, 6, 8, 0, 0, 0, 0]]
    assert labels.numpy().tolist() == [1, 0]


def test_with_kim_padding_a_one_word_phrase_meets_every_column_of_a_width_5_filter():
    ids, _ = _sst.KimPadCollate(lead=4)([([7], 0)])
    windows = np.lib.stride_tricks.sliding_window_view(ids.numpy()[0], 5)
    assert sorted(list(w).index(7) for w in windows if 7 in w) == [0, 1, 2, 3, 4]
    # Padding after the words only: the word sits in the first column of the only window that holds it.
    ids, _ = PadCollate(min_len=5)([([7], 0)])
    windows = np.lib.stride_tricks.sliding_window_view(ids.numpy()[0], 5)
    assert [list(w).index(7) for w in windows if 7 in w] == [0]


def test_batches_of_pads_as_the_collates_do():
    ids = [[3], [4, 5, 6], [2, 9]]
    labels = [0, 1, 2]
    for padding, collate in (("both", _sst.KimPadCollate(lead=4)), ("post", PadCollate(min_len=5))):
        made = _sst.batches_of(ids, labels, batch_size=2, order=np.array([2, 0, 1]), min_len=5, padding=padding)
        expected = [collate([(ids[2], 2), (ids[0], 0)]), collate([(ids[1], 1)])]
        for (got_ids, got_labels), (want_ids, want_labels) in zip(made, expected):
            assert np.array_equal(got_ids, want_ids.numpy()) and np.array_equal(got_labels, want_labels.numpy())


def test_the_recorder_keeps_each_epochs_batches_as_they_were_made():
    recorder = _sst.Recorder(PadCollate(min_len=2), batches_per_epoch=2)
    data = minigrad.data.DataLoader([([1, 2, 3], 0), ([4], 1), ([5, 6], 1)], batch_size=2, shuffle=True,
                                    collate_fn=recorder)
    seen = [[(ids.numpy().tolist(), y.numpy().tolist()) for ids, y in data] for _ in range(3)]
    kept = [[(ids.tolist(), y.tolist()) for ids, y in epoch] for epoch in recorder.epochs]
    assert kept == seen and len(kept) == 3


def test_the_twin_computes_what_minigrads_textcnn_computes():
    torch = pytest.importorskip("torch")
    minigrad.manual_seed(0)
    ours = TextCNN(30, 5, embed_dim=8, num_filters=4, kernel_sizes=(3, 4, 5))
    twin = _sst.textcnn(torch, 30, 5, embed_dim=8, num_filters=4, kernel_sizes=(3, 4, 5))
    mine = dict(ours.named_parameters())
    with torch.no_grad():
        for name, p in twin.named_parameters():
            p.copy_(torch.from_numpy(mine[name].detach().numpy()))
    ids, _ = _sst.KimPadCollate(lead=4)([([3, 4, 5], 0), ([9], 1), ([29, 1, 2, 7, 8, 6], 2)])
    ours.eval(), twin.eval()
    expected = ours(ids).detach().numpy()
    got = twin(torch.from_numpy(ids.numpy())).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert twin.embedding.padding_idx == 0 and not twin.embedding.weight[0].any()


def test_five_adam_steps_move_minigrads_textcnn_as_they_move_the_twin():
    """Same weights, same batches, dropout off: the engines agree step by step (so a gap in accuracy is not theirs)."""
    torch = pytest.importorskip("torch")
    import minigrad.nn.functional as F

    minigrad.manual_seed(1)
    ours = TextCNN(30, 5, embed_dim=8, num_filters=4, kernel_sizes=(3, 4, 5), dropout=0.0)
    twin = _sst.textcnn(torch, 30, 5, embed_dim=8, num_filters=4, kernel_sizes=(3, 4, 5), dropout=0.0)
    mine = dict(ours.named_parameters())
    with torch.no_grad():
        for name, p in twin.named_parameters():
            p.copy_(torch.from_numpy(mine[name].detach().numpy()))
    rng = np.random.default_rng(0)
    ids = [list(rng.integers(1, 30, size=n)) for n in (1, 2, 6, 3, 1, 9, 4, 2)]
    labels = list(rng.integers(0, 5, size=len(ids)))
    batches = (_sst.batches_of(ids, labels, batch_size=4, padding="both") * 3)[:5]  # 5 steps of 4 phrases
    optimizer = minigrad.optim.Adam(ours.parameters(), lr=1e-2)
    for x, y in batches:
        loss = F.cross_entropy(ours(minigrad.tensor(x)), minigrad.tensor(y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    _sst.train_epoch(torch, twin, torch.optim.Adam(twin.parameters(), lr=1e-2), batches)
    for name, p in twin.named_parameters():
        np.testing.assert_allclose(mine[name].detach().numpy(), p.detach().numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=name)
    assert not mine["embedding.weight"].detach().numpy()[0].any()  # <pad> stays zero in both
