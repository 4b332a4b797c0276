"""``train --device`` and ``evaluate --device``: the command line on a GPU, tested on the stand-in device.

The stand-in (tests/_fake_device.py, the ``fake_cuda`` fixture) plays the
GPU: its arrays refuse NumPy, so a batch, a weight or a loss's class weights
left on the host fails the run.  It computes with NumPy underneath, so a run
on it gives the CPU run's numbers, once dropout is off (masks drawn on a GPU
come from the GPU's own random stream, as in PyTorch).  With the stand-in
registered, a ``--device cpu`` run still runs on the CPU.
"""
import json

import numpy as np
import pytest

import minigrad
import minigrad.cli as cli
import minigrad.train
from minigrad.data import dataloader
from minigrad.tagging import synthetic_tagged

from ._ctrl_c import ctrl_c_in_epoch
from .test_cli_tag import SMALL as TAG_SMALL
from .test_cli_tag import _conllu

SMALL = ["--synthetic-size", "300", "--epochs", "2", "--embed-dim", "16", "--filters", "8", "--kernel-sizes", "2,3",
         "--hidden", "16", "--hidden-size", "8", "--batch-size", "32", "--lr", "0.01", "--seed", "0"]


def _json(path):
    return json.loads(path.read_text())


def _watch_fit(monkeypatch):
    """Record the array types of the model's weights and the loss's buffers as ``fit`` starts, and of every batch.

    (Drawing a batch from the loader here would use up a shuffle and change the run: the batches are
    watched as the loader moves them instead.)
    """
    real_fit, real_move, seen = minigrad.train.fit, dataloader._to_device, {"batch": set()}

    def fit(model, optimizer, *args, loss_fn=None, **kwargs):
        seen.update(weights={type(p._data) for p in model.parameters()},
                    loss={type(b._data) for b in loss_fn.buffers()})
        return real_fit(model, optimizer, *args, loss_fn=loss_fn, **kwargs)

    def move(batch, device):
        moved = real_move(batch, device)
        seen["batch"] |= {type(part._data) for part in moved}
        return moved

    monkeypatch.setattr(minigrad.train, "fit", fit)
    monkeypatch.setattr(dataloader, "_to_device", move)
    return seen


def _same_history(one, other):
    for key in ("train_loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(one["history"][key], other["history"][key], rtol=1e-5, err_msg=key)


@pytest.mark.parametrize("model", ["cnn", "mlp", "lstm"])
def test_training_on_the_gpu_keeps_everything_there_and_gives_the_cpu_runs_numbers(model, tmp_path, fake_cuda,
                                                                                  monkeypatch, capsys):
    argv = ["train", *SMALL, "--model", model, "--class-weight", "balanced", "--dropout", "0"]
    assert cli.main([*argv, "--out", str(tmp_path / "cpu")]) == 0
    seen = _watch_fit(monkeypatch)
    capsys.readouterr()
    assert cli.main([*argv, "--device", "cuda", "--out", str(tmp_path / "gpu")]) == 0
    assert "training on the GPU (cuda)" in capsys.readouterr().out
    assert seen == {"weights": {fake_cuda.ndarray}, "batch": {fake_cuda.ndarray}, "loss": {fake_cuda.ndarray}}
    gpu, cpu = _json(tmp_path / "gpu" / "metrics.json"), _json(tmp_path / "cpu" / "metrics.json")
    _same_history(gpu, cpu)
    assert gpu["test_accuracy"] == cpu["test_accuracy"]
    assert _json(tmp_path / "gpu" / "config.json")["device"] == "cuda"
    assert _json(tmp_path / "cpu" / "config.json")["device"] == "cpu"
    # The run folder holds host arrays: it loads and predicts where there is no GPU.
    capsys.readouterr()
    assert cli.main(["predict", "--run", str(tmp_path / "gpu"), "a fine film"]) == 0
    assert capsys.readouterr().out.endswith("\ta fine film\n")


def test_a_tagger_with_character_features_trains_and_is_scored_on_the_gpu(tmp_path, fake_cuda, monkeypatch, capsys):
    files = {part: _conllu(tmp_path / f"{part}.conllu", synthetic_tagged(n, seed=seed))
             for part, n, seed in (("train", 120, 0), ("dev", 30, 1), ("test", 30, 2))}
    # TAG_SMALL turns dropout off, so both runs draw the same batches.
    argv = ["train", *TAG_SMALL, "--epochs", "2", "--model", "lstm", "--char-features", "--data", str(files["train"]),
            "--val", str(files["dev"]), "--test", str(files["test"])]
    assert cli.main([*argv, "--out", str(tmp_path / "cpu")]) == 0
    seen = _watch_fit(monkeypatch)
    assert cli.main([*argv, "--device", "cuda", "--out", str(tmp_path / "gpu")]) == 0
    assert seen["weights"] == seen["batch"] == {fake_cuda.ndarray}
    _same_history(_json(tmp_path / "gpu" / "metrics.json"), _json(tmp_path / "cpu" / "metrics.json"))
    capsys.readouterr()
    assert cli.main(["evaluate", "--run", str(tmp_path / "gpu"), "--data", str(files["test"])]) == 0
    on_cpu = capsys.readouterr().out
    downloads = fake_cuda.downloads
    assert cli.main(["evaluate", "--run", str(tmp_path / "gpu"), "--data", str(files["test"]), "--device", "cuda"]) == 0
    assert capsys.readouterr().out == on_cpu and fake_cuda.downloads > downloads  # the same report, made on the GPU


def test_evaluate_on_the_gpu_gives_the_cpus_report(tmp_path, fake_cuda, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", *SMALL, "--out", str(run)]) == 0
    data = tmp_path / "test.tsv"
    data.write_text("positive\ta fine film\nnegative\ta dull film\npositive\tgood\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["evaluate", "--run", str(run), "--data", str(data)]) == 0
    on_cpu = capsys.readouterr().out
    downloads = fake_cuda.downloads
    assert cli.main(["evaluate", "--run", str(run), "--data", str(data), "--device", "cuda"]) == 0
    assert capsys.readouterr().out == on_cpu and fake_cuda.downloads > downloads


def _no_gpu(monkeypatch):
    monkeypatch.setattr(minigrad.cuda, "is_available", lambda: False)
    monkeypatch.setattr(minigrad.cuda, "unavailable_reason", lambda: "CuPy is not installed (a test says so).")


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_asking_for_a_gpu_where_there_is_none_is_one_line_before_any_work(command, tmp_path, monkeypatch, capsys):
    _no_gpu(monkeypatch)
    argv = (["train", *SMALL, "--out", str(tmp_path / "run")] if command == "train"
            else ["evaluate", "--run", str(tmp_path / "missing"), "--data", str(tmp_path / "missing.tsv")])
    assert cli.main([*argv, "--device", "cuda"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err == (f"minigrad {command}: error: --device cuda: no GPU is usable here: CuPy is not installed "
                            "(a test says so). Leave --device out to use the CPU\n")
    assert not (tmp_path / "run").exists()


def test_auto_takes_the_gpu_where_there_is_one_and_the_cpu_elsewhere(tmp_path, monkeypatch, fake_cuda):
    assert cli.main(["train", *SMALL, "--epochs", "1", "--device", "auto", "--out", str(tmp_path / "gpu")]) == 0
    assert _json(tmp_path / "gpu" / "config.json")["device"] == "cuda"
    _no_gpu(monkeypatch)
    assert cli.main(["train", *SMALL, "--epochs", "1", "--device", "auto", "--out", str(tmp_path / "cpu")]) == 0
    assert _json(tmp_path / "cpu" / "config.json")["device"] == "cpu"


def test_a_run_interrupted_on_the_cpu_resumes_on_the_gpu_as_if_it_had_never_stopped(tmp_path, fake_cuda, monkeypatch):
    argv = ["train", *SMALL, "--epochs", "3", "--patience", "0", "--dropout", "0"]
    assert cli.main([*argv, "--out", str(tmp_path / "straight")]) == 0
    run = _interrupted_run(tmp_path / "run", argv)
    seen = _watch_fit(monkeypatch)
    assert cli.main(["train", "--resume", str(run), "--device", "cuda"]) == 0
    assert seen["weights"] == seen["batch"] == {fake_cuda.ndarray}
    assert _json(run / "config.json")["device"] == "cuda"
    _same_history(_json(run / "metrics.json"), _json(tmp_path / "straight" / "metrics.json"))


def _interrupted_run(folder, argv):
    """Train ``argv`` into ``folder`` with Ctrl-C during the second epoch; the run is kept as interrupted."""
    with ctrl_c_in_epoch(2):
        assert cli.main([*argv, "--out", str(folder)]) == 130
    return folder


def test_resume_continues_on_the_runs_own_device_unless_told_otherwise(tmp_path, fake_cuda, monkeypatch):
    argv = ["train", *SMALL, "--epochs", "3", "--patience", "0", "--device", "cuda"]
    run = _interrupted_run(tmp_path / "run", argv)
    seen = _watch_fit(monkeypatch)
    assert cli.main(["train", "--resume", str(run)]) == 0  # no --device: the GPU again, as config.json says
    assert seen["weights"] == seen["batch"] == {fake_cuda.ndarray}
    other = _interrupted_run(tmp_path / "other", argv)
    seen = _watch_fit(monkeypatch)
    assert cli.main(["train", "--resume", str(other), "--device", "cpu"]) == 0
    assert seen["weights"] == seen["batch"] == {np.ndarray}  # on the CPU
    assert _json(other / "config.json")["device"] == "cpu"


@pytest.mark.parametrize("recorded, message", [
    ("cuda", "the run was training on a GPU, and no GPU is usable here: CuPy is not installed (a test says so). "
             "Add --device cpu to continue it on the CPU"),
    ("../../etc", "config.json's device is damaged ('../../etc', not cpu or cuda); add --device cpu or --device cuda"),
])
def test_resuming_where_the_runs_device_is_missing_or_damaged_is_one_line(recorded, message, tmp_path, monkeypatch,
                                                                          capsys):
    run = _interrupted_run(tmp_path / "run", ["train", *SMALL, "--epochs", "3", "--patience", "0"])
    config = _json(run / "config.json")
    (run / "config.json").write_text(json.dumps({**config, "device": recorded}))
    _no_gpu(monkeypatch)
    capsys.readouterr()
    assert cli.main(["train", "--resume", str(run)]) == 2
    assert capsys.readouterr().err == f"minigrad train: error: --resume {run}: {message}\n"
    assert cli.main(["train", "--resume", str(run), "--device", "cpu"]) == 0  # told where, it continues


def test_a_gpu_run_with_dropout_resumes_exactly_as_if_it_had_never_stopped(tmp_path, fake_cuda):
    # The GPU's random stream cannot be saved in a checkpoint: fit restarts it from (seed, epoch) each epoch instead.
    argv = ["train", *SMALL, "--epochs", "3", "--patience", "0", "--dropout", "0.5", "--device", "cuda"]
    assert cli.main([*argv, "--out", str(tmp_path / "straight")]) == 0
    run = _interrupted_run(tmp_path / "run", argv)
    assert cli.main(["train", "--resume", str(run)]) == 0
    resumed, straight = _json(run / "metrics.json")["history"], _json(tmp_path / "straight" / "metrics.json")["history"]
    for key in ("train_loss", "val_loss", "val_accuracy"):
        assert resumed[key] == straight[key], key
