"""Runs are never lost: unique folders even in the same second, no silent overwrite, Ctrl-C keeps a usable run
that --resume continues, a diverging run is an error and saves nothing, and no JSON file holds NaN."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import minigrad.cli as cli
from minigrad.atomic import TMP_SUFFIX

from ._ctrl_c import ctrl_c_in_epoch

SMALL = ["--synthetic-size", "300", "--embed-dim", "16", "--filters", "8", "--kernel-sizes", "2,3",
         "--batch-size", "32", "--lr", "0.01", "--seed", "0"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1",
       "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}


def _json(path):
    with open(path, encoding="utf-8") as f:  # json.load accepts NaN; strict readers do not: refuse it too
        return json.load(f, parse_constant=lambda name: pytest.fail(f"{path} holds {name}"))


# ------------------------------------------------------------- unique folders
def test_runs_started_in_the_same_second_all_survive(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(time, "strftime", lambda fmt, *a: "20260101-120000")  # every run in one second
    for _ in range(2):
        assert cli.main(["train", *SMALL, "--epochs", "1"]) == 0
    runs = sorted(os.listdir(tmp_path / "runs"))
    assert runs == ["20260101-120000-1", "20260101-120000-2"]
    assert all((tmp_path / "runs" / r / "model.npz").exists() for r in runs)


def test_parallel_processes_all_keep_their_runs(tmp_path):
    argv = [sys.executable, "-m", "minigrad", "train", *SMALL, "--epochs", "1", "--synthetic-size", "200"]
    procs = [subprocess.Popen(argv, cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    runs = os.listdir(tmp_path / "runs")
    assert len(runs) == 3 and all((tmp_path / "runs" / r / "config.json").exists() for r in runs)
    assert not [p for p in os.listdir(tmp_path / "runs") if p.startswith(".")]


def test_an_existing_out_is_refused_unless_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", *SMALL, "--epochs", "1", "--out", str(out)]) == 0
    before = (out / "model.npz").read_bytes()
    assert cli.main(["train", *SMALL, "--epochs", "2", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err and (out / "model.npz").read_bytes() == before
    assert cli.main(["train", *SMALL, "--epochs", "2", "--out", str(out), "--overwrite"]) == 0
    assert len(_json(out / "metrics.json")["history"]["train_loss"]) == 2
    assert sorted(os.listdir(tmp_path)) == ["run"]  # the old run's folder is gone, not left aside
    (tmp_path / "notes").mkdir()
    assert cli.main(["train", *SMALL, "--out", str(tmp_path / "notes"), "--overwrite"]) == 2
    assert "not a run folder" in capsys.readouterr().err


def test_the_temporary_folder_of_a_killed_run_is_removed_by_the_next(tmp_path, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # a process id that no longer runs
    leftover = tmp_path / f".run.{pid}-0123456789ab{TMP_SUFFIX}"
    leftover.mkdir()
    (leftover / "model.npz").write_bytes(b"x" * 1000)
    alive = tmp_path / f".run.{os.getpid()}-0123456789ab{TMP_SUFFIX}"  # a live writer's: left alone
    alive.mkdir()
    assert cli.main(["train", *SMALL, "--epochs", "1", "--out", str(tmp_path / "run")]) == 0
    assert sorted(os.listdir(tmp_path)) == sorted([alive.name, "run"])


# ------------------------------------------------------------ Ctrl-C, resume
def test_ctrl_c_keeps_the_best_epoch_as_an_interrupted_run_and_resume_finishes_it(tmp_path, capsys):
    argv = ["train", *SMALL, "--epochs", "4", "--patience", "0"]
    assert cli.main([*argv, "--out", str(tmp_path / "straight")]) == 0
    straight = _json(tmp_path / "straight" / "metrics.json")["history"]

    run = tmp_path / "run"
    with ctrl_c_in_epoch(3):
        assert cli.main([*argv, "--out", str(run)]) == 130
    out = capsys.readouterr().out
    assert "interrupted" in out and f"train --resume {run}" in out
    assert _json(run / "config.json")["status"] == "interrupted"
    assert len(_json(run / "metrics.json")["history"]["train_loss"]) == 2
    assert cli.main(["predict", "--run", str(run), "a fine film"]) == 0  # usable as it is

    capsys.readouterr()
    assert cli.main(["train", "--resume", str(run)]) == 0
    assert _json(run / "config.json")["status"] == "complete" and not (run / "checkpoints").exists()
    resumed = _json(run / "metrics.json")["history"]
    for key in ("train_loss", "val_loss", "val_accuracy"):
        assert resumed[key] == straight[key], key  # exactly as if it had never stopped
    assert cli.main(["train", "--resume", str(run)]) == 2
    assert "only a run stopped with Ctrl-C can be resumed" in capsys.readouterr().err


@pytest.mark.parametrize("edit, message", [
    (lambda options: None, '"options" must be an object'),
    (lambda options: ["--epochs"], '"options" must be an object'),
    (lambda options: {**options, "out": "/elsewhere"}, "config.json's options are damaged"),  # not an option kept
    (lambda options: {**options, "embed_dim": 10**7}, "config.json describes a model of"),  # sized before built
], ids=["missing", "a list", "an unknown key", "a huge model"])
def test_resuming_a_run_whose_options_are_damaged_is_one_line(tmp_path, capsys, edit, message):
    run = tmp_path / "run"
    with ctrl_c_in_epoch(2):
        assert cli.main(["train", *SMALL, "--epochs", "3", "--patience", "0", "--out", str(run)]) == 130
    config = _json(run / "config.json")
    config["options"] = edit(config["options"])
    (run / "config.json").write_text(json.dumps(config))
    capsys.readouterr()
    assert cli.main(["train", "--resume", str(run)]) == 2
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 1 and message in err[0]


def test_ctrl_c_before_the_first_epoch_ends_leaves_nothing(tmp_path, capsys):
    with ctrl_c_in_epoch(1):
        assert cli.main(["train", *SMALL, "--epochs", "2", "--out", str(tmp_path / "run")]) == 130
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def _hear_sigint():
    """In the child, before Python starts: Ctrl-C does its default thing.  A shell that starts a job in the
    background (``pytest &``, nohup) sets SIGINT to "ignore", the child would inherit that, and Python
    installs its KeyboardInterrupt handler only where SIGINT is not ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_a_real_sigint_keeps_an_interrupted_run(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-u", "-m", "minigrad", "train", *SMALL, "--synthetic-size", "600",
                             "--epochs", "500", "--patience", "0", "--out", str(out)],
                            cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_hear_sigint)
    try:
        for line in proc.stdout:  # wait until two epochs have finished (and their checkpoints are written)
            if line.startswith("epoch   2/"):
                break
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()  # never leave a 500-epoch run behind a failed test
            proc.wait()
    assert proc.returncode == 130, err
    assert _json(out / "config.json")["status"] == "interrupted" and "--resume" in rest


# ------------------------------------------------------------- divergence
def test_a_diverging_run_exits_non_zero_and_saves_nothing(tmp_path, capsys):
    assert cli.main(["train", *SMALL, "--epochs", "3", "--lr", "1e30", "--out", str(tmp_path / "run")]) == 3
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 1 and "diverged" in err[0] and "epoch 1, batch" in err[0] and "--lr 1e+29" in err[0]
    assert os.listdir(tmp_path) == []


def test_json_files_never_hold_nan(tmp_path):
    from minigrad.atomic import write_json

    with pytest.raises(ValueError, match=r"nan at the data\['history'\]\['loss'\]\[1\]"):
        write_json(tmp_path / "m.json", {"history": {"loss": [0.5, float("nan")]}})
    assert os.listdir(tmp_path) == []
    write_json(tmp_path / "m.json", {"loss": [0.5]})
    assert _json(tmp_path / "m.json") == {"loss": [0.5]}
