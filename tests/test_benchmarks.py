"""The epoch benchmarks still run: each one's minigrad side trains on a few tiny batches.

The benchmarks are run by hand, rarely, so nothing else would notice when a
shared helper (benchmarks/_mr.py) changes its signature under them.  Their
PyTorch side is not run here (CI has no PyTorch).
"""
import pathlib
import runpy

import numpy as np
import pytest

FOLDER = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
VOCAB = 30


@pytest.fixture
def load(monkeypatch):
    monkeypatch.syspath_prepend(str(FOLDER))
    return lambda name: runpy.run_path(str(FOLDER / name))


def index_batches():
    rng = np.random.default_rng(0)
    return [(rng.integers(0, VOCAB, (4, 7)), rng.integers(0, 2, 4)) for _ in range(2)]


def test_the_textcnn_benchmark_trains(load):
    seconds, cpu_seconds, peak, loss = load("textcnn.py")["minigrad_epoch"](index_batches(), VOCAB)
    assert seconds > 0 and cpu_seconds >= 0 and peak is None and np.isfinite(loss)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_rnn_benchmark_trains(load, cell):
    seconds, loss = load("rnn.py")["minigrad_epoch"](index_batches(), VOCAB, cell)
    assert seconds > 0 and np.isfinite(loss)


def test_the_mlp_benchmark_trains(load):
    rng = np.random.default_rng(0)
    bags = [((rng.random((4, VOCAB)) < 0.2).astype(np.float32), rng.integers(0, 2, 4)) for _ in range(2)]
    seconds, cpu_seconds, peak, loss = load("mlp.py")["minigrad_epoch"](bags, VOCAB)
    assert seconds > 0 and np.isfinite(loss)


@pytest.mark.parametrize("order", ["random", "bucket", "ascending"])
def test_the_sst_bisect_orders_visit_every_phrase_once(load, order):
    lengths = np.random.default_rng(1).integers(1, 40, 1000)
    visit = load("_sst.py")["epoch_order"](lengths, 5, np.random.default_rng(0), order)
    assert sorted(visit) == list(range(1000))
    spread = [np.ptp(lengths[visit[i:i + 5]]) for i in range(0, 1000, 5)]  # longest minus shortest in a batch
    if order == "ascending":
        assert list(lengths[visit]) == sorted(lengths)
    assert (max(spread) <= 2) == (order != "random")  # like lengths batched together (500 per pool: 39 lengths)
