"""The command line end to end: train -> run folder -> evaluate -> predict, and every bad input as one line + exit 2."""
import argparse
import json
import os
import shutil
import subprocess
import sys

import pytest

import minigrad.cli as cli
from minigrad.datasets import synthetic_sentiment
from minigrad.text import Vocab

# Small and quick: a few hundred sentences, tiny layers, a few epochs.
SMALL = ["--synthetic-size", "300", "--epochs", "4", "--embed-dim", "16", "--filters", "8",
         "--kernel-sizes", "2,3", "--batch-size", "32", "--lr", "0.01", "--seed", "0"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One trained TextCNN run folder, shared by the tests below (they only read it)."""
    folder = tmp_path_factory.mktemp("runs") / "cnn"
    assert cli.main(["train", *SMALL, "--out", str(folder)]) == 0
    return folder


def _test_split_tsv(path):
    """The run's own test sentences as a "label<TAB>text" file."""
    parts, names, _, _ = cli.load_splits(argparse.Namespace(dataset="synthetic", synthetic_size=300, seed=0))
    texts, labels = parts["test"]
    path.write_text("".join(f"{names[y]}\t{t}\n" for t, y in zip(texts, labels)), encoding="utf-8")
    return path


def _error(capsys, code, argv, stdout=""):
    """Run ``argv``; expect exit status ``code``, exactly ``stdout`` on stdout, and return the one stderr line."""
    assert cli.main(argv) == code
    captured = capsys.readouterr()
    lines = captured.err.strip().split("\n")
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert captured.out == stdout  # nothing half-done is printed before the error
    return lines[0]


# ----------------------------------------------------------------- happy path
def test_train_writes_a_complete_run(run, capsys):
    assert sorted(os.listdir(run)) == ["config.json", "confusion_matrix.png", "history.png", "metrics.json",
                                       "model.npz", "vocab.json"]
    config = json.loads((run / "config.json").read_text())
    assert config["model"] == "cnn" and config["kernel_sizes"] == [2, 3] and config["label_names"] == [
        "negative", "positive"]
    metrics = json.loads((run / "metrics.json").read_text())
    assert len(metrics["history"]["train_loss"]) == 4 and metrics["chance"] == 0.5
    assert metrics["test_accuracy"] > metrics["bag_of_words_ceiling"]  # it read word order
    for png in ("history.png", "confusion_matrix.png"):
        assert (run / png).read_bytes()[:4] == b"\x89PNG"
    assert not [p for p in os.listdir(run.parent) if p.startswith(".")]  # the temporary folder was renamed


@pytest.mark.parametrize("part", ["--data", "--test"])
def test_a_file_given_without_its_format_is_refused_not_replaced_by_the_synthetic_corpus(tmp_path, capsys, part):
    (tmp_path / "mine.tsv").write_text("label\ttext\n" + "".join(f"{i % 2}\tsentence {i}\n" for i in range(40)))
    line = _error(capsys, 2, ["train", part, str(tmp_path / "mine.tsv"), "--out", str(tmp_path / "run")])
    assert f"{part} {tmp_path / 'mine.tsv'} was given, but --dataset is synthetic" in line and "|tsv|csv|" in line
    assert not (tmp_path / "run").exists()


def test_synthetic_splits_keep_pairs_together():
    """Both sentences of a pair land in the same split, so the test set's bag-of-words ceiling is exact."""
    data = synthetic_sentiment(300, seed=0)
    pair_of = {}
    for text, pair in zip(data.texts, data.pair_ids):
        pair_of.setdefault(text, set()).add(pair)
    parts, _, ceiling, _ = cli.load_splits(argparse.Namespace(dataset="synthetic", synthetic_size=300, seed=0))
    splits = [parts[name] for name in ("train", "val", "test")]
    split_of = {}
    for name, (texts, _) in zip(("train", "val", "test"), splits):
        for text in texts:
            (pair,) = pair_of[text] if len(pair_of[text]) == 1 else (-1,)  # skip the rare repeated sentence
            if pair >= 0:
                split_of.setdefault(pair, set()).add(name)
    assert split_of and all(len(names) == 1 for names in split_of.values())
    assert [len(texts) for texts, _ in splits] == pytest.approx([240, 30, 30], abs=6)  # whole pairs move
    test = splits[2][0]
    paired = sum(" not " in f" {t} " or " but " in t or " yet " in t for t in test)
    assert ceiling == pytest.approx(1 - paired / 2 / len(test))


def test_train_prints_that_it_learned(tmp_path, capsys):
    assert cli.main(["train", *SMALL, "--epochs", "2", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "test accuracy" in out and "macro-F1" in out and "always answering" in out
    assert "bag-of-words model can reach at most" in out and f"saved the run to {tmp_path / 'r'}" in out


def test_evaluate_reproduces_the_test_accuracy(run, tmp_path, capsys):
    data = _test_split_tsv(tmp_path / "test.tsv")
    capsys.readouterr()
    assert cli.main(["evaluate", "--run", str(run), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    expected = json.loads((run / "metrics.json").read_text())["test_accuracy"]
    assert out.startswith(f"accuracy {expected:.1%} on ")  # the saved weights are the trained ones
    assert "precision" in out and "weighted avg" in out and "confusion matrix" in out


def test_evaluate_matches_labels_by_name_never_by_position(run, tmp_path, capsys):
    parts, _, _, _ = cli.load_splits(argparse.Namespace(dataset="synthetic", synthetic_size=300, seed=0))
    texts, labels = parts["test"]
    # A file holding one class only: "positive" must still be the model's class 1, not the file's first class.
    (tmp_path / "positive.tsv").write_text("".join(f"positive\t{t}\n" for t, y in zip(texts, labels) if y == 1))
    assert cli.main(["evaluate", "--run", str(run), "--data", str(tmp_path / "positive.tsv")]) == 0
    rows = capsys.readouterr().out.strip().split("\n")[-2:]
    assert rows[0].split() == ["negative", "0", "0"] and rows[1].split()[0] == "positive"
    # Numbers where the run has names: "1" is not "positive", so nothing is scored.
    (tmp_path / "numbers.tsv").write_text("".join(f"{y}\t{t}\n" for t, y in zip(texts, labels)))
    line = _error(capsys, 2, ["evaluate", "--run", str(run), "--data", str(tmp_path / "numbers.tsv")])
    assert "'0'" in line and "'1'" in line and "numbers but the run's classes are names" in line


def test_predict_sentences_and_stdin(run, capsys, monkeypatch):
    sentences = ["the plot is good", "the acting is dull and the music is not good"]
    assert cli.main(["predict", "--run", str(run), *sentences]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.strip().split("\n")]
    assert [r[2] for r in rows] == sentences
    assert all(r[0] in ("negative", "positive") and 0.5 <= float(r[1]) <= 1 for r in rows)

    monkeypatch.setattr(sys, "stdin", _Stdin("the plot is good\n\nthe cast is bad\n"))
    assert cli.main(["predict", "--run", str(run)]) == 0
    assert [r.split("\t")[2] for r in capsys.readouterr().out.strip().split("\n")] == [
        "the plot is good", "the cast is bad"]


def test_predict_reads_a_word_spelled_pad_as_words_never_as_padding(run, capsys):
    # The tokenizer reads "<pad>" as "<", "pad", ">", all unknown to the run: exactly as three unknown words.
    assert cli.main(["predict", "--run", str(run), "the plot is <pad> good", "the plot is < zzz > good",
                     "the plot is good"]) == 0
    pad, unknown, without = [line.split("\t")[:2] for line in capsys.readouterr().out.strip().split("\n")]
    assert pad == unknown and pad != without


class _Stdin:
    def __init__(self, text):
        self.text = text

    def isatty(self):
        return False

    def read(self):
        return self.text


def test_mlp_on_a_tsv_file(tmp_path, capsys):
    data = _test_split_tsv(tmp_path / "data.tsv")
    out = tmp_path / "mlp"
    argv = ["train", "--dataset", "tsv", "--data", str(data), "--model", "mlp", "--hidden", "16",
            "--epochs", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    assert json.loads((out / "config.json").read_text())["hidden"] == [16]
    assert cli.main(["predict", "--run", str(out), "the plot is good"]) == 0
    assert capsys.readouterr().out.strip().split("\n")[-1].endswith("\tthe plot is good")


def test_through_a_real_process(run, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    ok = subprocess.run([sys.executable, "-m", "minigrad", "predict", "--run", str(run), "the cast is superb"],
                        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout.endswith("\tthe cast is superb\n")
    bad = subprocess.run([sys.executable, "-m", "minigrad", "predict", "--run", str(tmp_path / "nowhere"), "x"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().split("\n")) == 1
    assert "no such folder" in bad.stderr


# ----------------------------------------------------------------- bad input
def test_empty_and_unreadable_files(run, tmp_path, capsys):
    (tmp_path / "empty.tsv").write_text("")
    assert "empty" in _error(capsys, 2, ["evaluate", "--run", str(run), "--data", str(tmp_path / "empty.tsv")])
    line = _error(capsys, 2, ["evaluate", "--run", str(run), "--data", str(tmp_path / "missing.tsv")])
    assert "no such file" in line


def test_wrong_encoding(run, tmp_path, capsys):
    (tmp_path / "cp1252.tsv").write_bytes(b"negative\tthe plot is \x93dull\x94\n")
    line = _error(capsys, 2, ["evaluate", "--run", str(run), "--data", str(tmp_path / "cp1252.tsv")])
    assert "line 1" in line and "encoding" in line


def test_unknown_label(run, tmp_path, capsys):
    (tmp_path / "labels.tsv").write_text("positive\tthe plot is good\nneutral\tthe plot is a plot\n")
    line = _error(capsys, 2, ["evaluate", "--run", str(run), "--data", str(tmp_path / "labels.tsv")])
    assert "'neutral' (first in example 2)" in line and "negative" in line


def test_empty_sentence(run, capsys):
    line = _error(capsys, 2, ["predict", "--run", str(run), "the plot is good", "  "])
    assert "sentence 2 is empty" in line  # and _error checked that sentence 1 was not printed either


def _copy(run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(run, copy)
    return copy


def test_vocabulary_from_another_run(run, tmp_path, capsys):
    copy = _copy(run, tmp_path)
    Vocab.build(["a different corpus"]).save(copy / "vocab.json")
    line = _error(capsys, 2, ["predict", "--run", str(copy), "the plot is good"])
    assert "vocab.json has 5 tokens" in line and "different runs" in line


def test_checkpoint_that_does_not_match_the_model(run, tmp_path, capsys):
    copy = _copy(run, tmp_path)
    config = json.loads((copy / "config.json").read_text())
    config["num_filters"] = 7
    (copy / "config.json").write_text(json.dumps(config))
    line = _error(capsys, 2, ["predict", "--run", str(copy), "the plot is good"])
    assert "model.npz does not match" in line and "shape" in line
    (copy / "model.npz").write_bytes(b"not a checkpoint")
    assert "not a minigrad checkpoint" in _error(capsys, 2, ["predict", "--run", str(copy), "a"])


@pytest.mark.parametrize("field, value", [("embed_dim", 10**7), ("num_filters", 9), ("kernel_sizes", [2, 10**8])])
def test_a_config_asking_for_more_than_the_checkpoint_holds_is_refused_before_building(run, tmp_path, capsys, field,
                                                                                       value):
    copy = _copy(run, tmp_path)
    config = json.loads((copy / "config.json").read_text())
    config[field] = value  # embed_dim 10^7 would be 8 GB of weights, filled before anything compared them
    (copy / "config.json").write_text(json.dumps(config))
    line = _error(capsys, 2, ["predict", "--run", str(copy), "the plot is good"])
    assert "config.json describes a model of" in line and "different runs" in line


@pytest.mark.parametrize("field, value", [("label_names", ["negative"]), ("label_names", "negative,positive"),
                                          ("options", []), ("dataset", 3), ("max_len", "all")])
def test_a_damaged_field_of_config_json_is_one_line(run, tmp_path, capsys, field, value):
    copy = _copy(run, tmp_path)
    config = json.loads((copy / "config.json").read_text())
    config[field] = value
    (copy / "config.json").write_text(json.dumps(config))
    for command in (["predict", "--run", str(copy), "a fine film"], ["evaluate", "--run", str(copy), "--data",
                                                                      str(copy / "config.json")]):
        assert f'config.json is damaged: "{field}" must be' in _error(capsys, 2, command)


def test_not_a_run_folder(run, tmp_path, capsys):
    assert "no config.json" in _error(capsys, 2, ["predict", "--run", str(tmp_path), "the plot is good"])
    copy = _copy(run, tmp_path)
    (copy / "config.json").write_text("{}")
    assert "lacks the model's description" in _error(capsys, 2, ["predict", "--run", str(copy), "a"])
    (copy / "config.json").write_text("{not json")
    assert "config.json is damaged" in _error(capsys, 2, ["predict", "--run", str(copy), "a"])
    (copy / "config.json").write_text("[" * 100_000 + "]" * 100_000)  # deeper than Python's JSON reader recurses
    assert "config.json is damaged" in _error(capsys, 2, ["predict", "--run", str(copy), "a"])


def test_unwritable_output_folder_fails_before_training(tmp_path, capsys):
    (tmp_path / "a_file").write_text("")
    line = _error(capsys, 2, ["train", *SMALL, "--out", str(tmp_path / "a_file" / "run")])
    assert "cannot write the output folder" in line  # and nothing was printed: no training started


def test_existing_output_folder_is_never_overwritten(run, capsys):
    before = sorted(os.listdir(run))
    assert "already exists" in _error(capsys, 2, ["train", *SMALL, "--out", str(run)])
    assert sorted(os.listdir(run)) == before


def test_bad_arguments_are_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["train", "--epochs", "0", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err.strip().split("\n")
    assert exit_.value.code == 2 and len(err) == 1 and "--epochs" in err[0] and "positive" in err[0]


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_a_failed_run_leaves_nothing_behind(tmp_path, capsys, monkeypatch, failure):
    def broken(*args, **kwargs):
        raise failure("disk full")

    monkeypatch.setattr("minigrad.plot.plot_history", broken)  # fails after training, mid-writing
    status = cli.main(["train", *SMALL, "--epochs", "1", "--out", str(tmp_path / "run")])
    assert status == (130 if failure is KeyboardInterrupt else 2)
    assert os.listdir(tmp_path) == []
