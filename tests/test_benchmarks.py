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
