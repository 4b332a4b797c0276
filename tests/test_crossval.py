"""benchmarks/_crossval.py (``accuracy.py --folds``): the folds, the per-fold vocabulary, and PyTorch's twin."""
import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad.models import RNNClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import _crossval  # noqa: E402
import _mr  # noqa: E402
import accuracy  # noqa: E402


def test_folds_partition_the_sentences_and_each_trains_on_the_rest():
    n, k = 103, 10
    folds = _crossval.fold_indices(n, k, seed=0)
    assert len(folds) == k
    tests = np.concatenate([test for _, test in folds])
    assert sorted(tests) == list(range(n))  # every sentence is tested exactly once
    assert [len(test) for _, test in folds] == [(i + 1) * n // k - i * n // k for i in range(k)]
    for train, test in folds:
        assert sorted(np.concatenate([train, test])) == list(range(n))


def test_fold_zero_is_the_single_split_and_the_seed_decides():
    order = np.random.default_rng(0).permutation(10662)
    _, test = _crossval.fold_indices(10662, 10, seed=0)[0]
    assert (test == order[: 10662 // 10]).all()  # the test tenth of the seed-0 90/10 split
    again = _crossval.fold_indices(10662, 10, seed=0)
    other = _crossval.fold_indices(10662, 10, seed=1)
    assert (again[3][1] == _crossval.fold_indices(10662, 10, seed=0)[3][1]).all()
    assert not (again[3][1] == other[3][1]).all()


def test_too_few_folds_is_a_clear_error():
    with pytest.raises(SystemExit, match="--folds: need between 2 and 5 folds, got 1"):
        _crossval.fold_indices(5, 1)


def test_mean_and_standard_error_over_folds():
    mean, error = _crossval.mean_and_error([70.0, 74.0, 78.0])
    assert mean == 74.0
    assert error == pytest.approx(4.0 / math.sqrt(3))  # sample standard deviation 4, three folds


def test_each_fold_builds_its_vocabulary_from_its_training_part_only():
    # Sentence i holds the word "w{i}" once, plus a shared word: fold i's vocabulary lacks its test words.
    texts = [f"good w{i}" if i % 2 else f"bad w{i}" for i in range(12)]
    labels = [i % 2 for i in range(12)]
    rows = list(_crossval.cross_validate(texts, labels, lambda v: accuracy.make_model("gru", v, embed_dim=4),
                                         folds=3, epochs=1))
    assert [r["test"] for r in rows] == [4, 4, 4]
    # <pad>, <unk>, "good", "bad" and the 8 training sentences' own words
    assert [r["vocab"] for r in rows] == [12, 12, 12]
    assert all(0.0 <= r["accuracy"] <= 1.0 and "torch_accuracy" not in r for r in rows)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_pytorch_twin_loads_minigrads_weights_and_gives_its_outputs(cell):
    torch = pytest.importorskip("torch")
    minigrad.manual_seed(0)
    model = RNNClassifier(20, 2, cell=cell, embed_dim=6, hidden_size=5, pooling="max", dropout=0.5)
    twin = _mr.torch_rnn_classifier(torch, 20, cell, embed_dim=6, hidden_size=5, dropout=0.5)
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    ids = np.array([[3, 4, 5, 0, 0], [7, 8, 9, 10, 11], [2, 0, 0, 0, 0]])  # right-padded, lengths 3, 5, 1
    model.eval(), twin.eval()
    with minigrad.no_grad(), torch.no_grad():
        ours, theirs = model(minigrad.tensor(ids)).numpy(), twin(torch.from_numpy(ids)).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_the_twins_word_vectors_start_as_kims_with_a_zero_pad_row():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    weight = _mr.torch_rnn_classifier(torch, 500, "lstm").embedding.weight.detach().numpy()
    assert (weight[0] == 0).all()
    assert weight.min() >= -0.25 and weight.max() <= 0.25 and weight.std() > 0.1  # U[-0.25, 0.25], std 0.144


def _tiny_mr(folder):
    """An MR folder of 10 + 10 short sentences, cp1252 as the real one."""
    (folder / "mr").mkdir()
    (folder / "mr" / "rt-polarity.pos").write_bytes("".join(f"a good film {i}\n" for i in range(10)).encode("cp1252"))
    (folder / "mr" / "rt-polarity.neg").write_bytes("".join(f"a dull film {i}\n" for i in range(10)).encode("cp1252"))
    return folder


def test_folds_from_the_command_line_without_pytorch_run_minigrad_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(accuracy, "DATA", _tiny_mr(tmp_path))
    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" raises ImportError
    monkeypatch.setattr(sys, "argv", ["accuracy.py", "--datasets", "mr", "--models", "gru", "--folds", "4",
                                      "--only-folds", "2", "--epochs", "1", "--embed-dim", "4", "--torch"])
    accuracy.main()
    out = capsys.readouterr().out
    assert "PyTorch is not installed: minigrad only" in out
    assert "fold 0: train 15, test 5" in out and "fold 1: train 15, test 5" in out and "fold 2" not in out
    assert "| gru | minigrad | 2 of 4 | 1 |" in out and "| gru | PyTorch |" not in out


def test_folds_are_for_mr_only(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["accuracy.py", "--datasets", "sst2", "--models", "lstm", "--folds", "10"])
    with pytest.raises(SystemExit, match="cross-validation is for MR"):
        accuracy.main()


def _twin_outputs(torch, reading, ids, seed=0):
    torch.manual_seed(seed)
    twin = _mr.torch_rnn_classifier(torch, 20, "gru", embed_dim=6, hidden_size=5, reading=reading).eval()
    with torch.no_grad():
        return twin(torch.from_numpy(ids)).numpy()


def test_the_readings_of_the_recipe_agree_where_no_padding_and_no_dropout_can_tell_them_apart():
    torch = pytest.importorskip("torch")
    ids = np.array([[3, 4, 5], [7, 8, 9]])  # no padding; eval mode turns every dropout off
    outputs = [_twin_outputs(torch, reading, ids) for reading in ("masked", "zero", "unpacked", "embdrop")]
    for other in outputs[1:]:
        np.testing.assert_allclose(other, outputs[0], atol=1e-6)


def test_only_the_masked_reading_ignores_the_padding_of_a_batch():
    torch = pytest.importorskip("torch")
    alone, padded = np.array([[3, 4, 5]]), np.array([[3, 4, 5, 0, 0, 0]])
    masked = [_twin_outputs(torch, "masked", ids) for ids in (alone, padded)]
    np.testing.assert_allclose(masked[1], masked[0], atol=1e-6)
    unpacked = [_twin_outputs(torch, "unpacked", ids) for ids in (alone, padded)]
    assert not np.allclose(unpacked[1], unpacked[0], atol=1e-6)  # the RNN ran on over the <pad> steps


def test_an_unknown_reading_is_a_clear_error():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="unknown reading 'sum'; use masked, zero, unpacked or embdrop"):
        _mr.torch_rnn_classifier(torch, 20, "gru", reading="sum")


def test_mr_readings_trains_pytorch_on_the_folds_and_prints_each_epoch(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    import mr_readings

    monkeypatch.setenv("MINIGRAD_DATA", str(_tiny_mr(tmp_path)))
    monkeypatch.setattr(sys, "argv", ["mr_readings.py", "--cell", "lstm", "--reading", "zero", "--folds", "4",
                                      "--only-folds", "2", "--epochs", "2"])
    mr_readings.main()
    out = capsys.readouterr().out
    assert "4 folds, lstm, reading zero, seed 0" in out
    assert out.count("epoch 2 ") == 2 and "fold 2" not in out  # two folds, each scored after both epochs
    assert "after epoch 2: mean" in out and "(standard error over 2 folds)" in out


def test_folds_train_on_the_device_asked_for(fake_cuda):
    texts = [f"good w{i}" if i % 2 else f"bad w{i}" for i in range(12)]
    models = []

    def make_model(vocab_size):
        models.append(accuracy.make_model("gru", vocab_size, embed_dim=4))
        return models[-1]

    rows = list(_crossval.cross_validate(texts, [i % 2 for i in range(12)], make_model, folds=3, epochs=1,
                                         only=1, device="cuda"))
    assert len(rows) == 1 and 0.0 <= rows[0]["accuracy"] <= 1.0
    assert {type(p._data) for p in models[0].parameters()} == {fake_cuda.ndarray}  # trained where it was sent


def test_one_split_trains_on_the_device_asked_for(tmp_path, monkeypatch, fake_cuda):
    monkeypatch.setattr(accuracy, "DATA", _tiny_mr(tmp_path))
    seen = set()
    real = minigrad.optim.Adam.step

    def step(self):
        seen.update(type(p._data) for group in self.param_groups for p in group["params"])
        return real(self)

    monkeypatch.setattr(minigrad.optim.Adam, "step", step)
    row = accuracy.run("mr", "cnn", epochs=1, patience=1, device="cuda")
    assert seen == {fake_cuda.ndarray} and 0.0 <= row["accuracy"] <= 1.0


def test_asking_a_benchmark_for_a_gpu_where_there_is_none_is_one_line(monkeypatch):
    monkeypatch.setattr(minigrad.cuda, "is_available", lambda: False)
    monkeypatch.setattr(minigrad.cuda, "unavailable_reason", lambda: "CuPy is not installed.")
    _mr.check_device("accuracy.py", "cpu")  # the CPU needs nothing
    with pytest.raises(SystemExit, match=r"^accuracy.py --device cuda: no GPU is usable here: CuPy is not installed. "
                                         "Leave --device out to use the CPU$"):
        _mr.check_device("accuracy.py", "cuda")
    no_gpu_torch = argparse.Namespace(cuda=argparse.Namespace(is_available=lambda: False))
    with pytest.raises(SystemExit, match=r"^mr_readings.py --device cuda: PyTorch sees no GPU here"):
        _mr.check_device("mr_readings.py", "cuda", no_gpu_torch)
