"""The command line's tag task: train --task tag on CoNLL-U files -> a run folder -> evaluate -> predict word/TAG."""
import json
import os

import pytest

import minigrad
import minigrad.cli as cli
from minigrad.tagging import synthetic_tagged

# Small and quick: a few hundred made-up sentences, tiny layers, a few epochs.
SMALL = ["--task", "tag", "--dataset", "conllu", "--epochs", "4", "--embed-dim", "16", "--hidden-size", "16",
         "--batch-size", "16", "--lr", "0.02", "--dropout", "0.0", "--seed", "0"]


def _conllu(path, sentences):
    """``(words, tags)`` pairs as a CoNLL-U file: 10 tab-separated columns per word, a blank line after each."""
    lines = []
    for n, (words, tags) in enumerate(sentences, start=1):
        lines.append(f"# sent_id = s{n}")
        lines += [f"{i}\t{w}\t{w.lower()}\t{t}\t_\t_\t0\troot\t_\t_" for i, (w, t) in enumerate(zip(words, tags), 1)]
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conllu")
    return {part: _conllu(folder / f"{part}.conllu", synthetic_tagged(n, seed=seed))
            for part, n, seed in (("train", 240, 0), ("dev", 60, 1), ("test", 60, 2))}


def _split(files):
    return ["--data", str(files["train"]), "--val", str(files["dev"]), "--test", str(files["test"])]


@pytest.fixture(scope="module")
def run(files, tmp_path_factory):
    """One trained BiLSTM tagging run, shared by the tests below (they only read it)."""
    folder = tmp_path_factory.mktemp("runs") / "lstm"
    assert cli.main(["train", *SMALL, *_split(files), "--model", "lstm", "--out", str(folder)]) == 0
    return folder


def _json(path):
    return json.loads(path.read_text())


def _error(capsys, argv):
    """Run ``argv``; expect exit status 2 and one line on stderr, and return it."""
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


# ----------------------------------------------------------------- train
def test_train_writes_a_tagging_run_with_the_tag_names(run, capsys):
    assert sorted(os.listdir(run)) == ["config.json", "history.png", "metrics.json", "model.npz", "vocab.json"]
    config = _json(run / "config.json")
    assert config["task"] == "tag" and config["model"] == "lstm" and config["lowercase"] is True
    assert config["label_names"] == minigrad.datasets.UPOS_TAGS  # the file's tags are UPOS: all 17, in UPOS order
    assert config["options"]["task"] == "tag"  # --resume rebuilds the task from the options
    metrics = _json(run / "metrics.json")
    assert len(metrics["history"]["val_accuracy"]) == 4
    # context settles "run"/"walk"/"plan" and "fast": far above each word's most frequent tag
    assert metrics["test_accuracy"] > 0.97


def test_the_report_counts_words_and_names_tags(files, tmp_path, capsys):
    argv = ["train", *SMALL, *_split(files), "--model", "gru", "--epochs", "2", "--out", str(tmp_path / "r")]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    words = sum(len(w) for w, _ in synthetic_tagged(60, seed=2))
    assert f"on {words:,} words of the test set" in out  # every real word, no padding
    assert "precision" in out and "NOUN" in out and "most confused (true -> predicted, words):" in out


@pytest.mark.parametrize("model", ["cnn", "gru"])
def test_other_taggers_and_word_dropout(files, tmp_path, model):
    argv = ["train", *SMALL, *_split(files), "--model", model, "--filters", "16", "--epochs", "1",
            "--word-dropout", "0.5", "--out", str(tmp_path / model)]
    assert cli.main(argv) == 0
    config = _json(tmp_path / model / "config.json")
    assert config["model"] == model and config["word_dropout"] == 0.5


def test_without_val_and_test_a_tenth_each_is_split_off(files, tmp_path, capsys):
    assert cli.main(["train", *SMALL, "--data", str(files["train"]), "--epochs", "1",
                     "--out", str(tmp_path / "r")]) == 0
    assert "train 192 (the rest of" in capsys.readouterr().out  # 240 sentences: 24 val, 24 test


# ------------------------------------------------------- evaluate, predict
def test_evaluate_reproduces_the_test_accuracy(run, files, capsys):
    capsys.readouterr()
    assert cli.main(["evaluate", "--run", str(run), "--data", str(files["test"])]) == 0
    out = capsys.readouterr().out
    assert f"word accuracy {_json(run / 'metrics.json')['test_accuracy']:.1%}" in out
    assert "recall" in out


def test_evaluate_matches_tags_by_name_and_refuses_unknown_ones(run, tmp_path, capsys):
    # A file holding only some tags, in another order, scores by name.
    _conllu(tmp_path / "few.conllu", [(["they", "see", "a", "dog", "."], ["PRON", "VERB", "DET", "NOUN", "PUNCT"])])
    assert cli.main(["evaluate", "--run", str(run), "--data", str(tmp_path / "few.conllu")]) == 0
    assert "word accuracy 100.0% on 5 words" in capsys.readouterr().out
    _conllu(tmp_path / "bad.conllu", [(["a", "dog"], ["Det", "NN"])])
    err = _error(capsys, ["evaluate", "--run", str(run), "--data", str(tmp_path / "bad.conllu")])
    assert "2 tag(s) are not tags of the run: ['Det', 'NN']" in err and "'PROPN'" in err


def test_predict_prints_each_word_with_its_tag(run, capsys):
    capsys.readouterr()
    assert cli.main(["predict", "--run", str(run), "They run fast .", "the red dog sees a cat ."]) == 0
    assert capsys.readouterr().out.split("\n")[:2] == ["They/PRON run/VERB fast/ADV ./PUNCT",
                                                       "the/DET red/ADJ dog/NOUN sees/VERB a/DET cat/NOUN ./PUNCT"]
    assert "tags every word" in _error(capsys, ["predict", "--run", str(run), "--explain", "a dog"])


def test_ctrl_c_keeps_the_best_epoch_and_resume_finishes_the_tagging_run(files, tmp_path, monkeypatch, capsys):
    argv = ["train", *SMALL, *_split(files), "--model", "gru", "--epochs", "3", "--patience", "0"]
    assert cli.main([*argv, "--out", str(tmp_path / "straight")]) == 0
    straight = _json(tmp_path / "straight" / "metrics.json")["history"]
    real, calls = minigrad.train.train_epoch, []

    def train_epoch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C during the second epoch
        return real(*args, **kwargs)

    monkeypatch.setattr(minigrad.train, "train_epoch", train_epoch)
    run = tmp_path / "run"
    assert cli.main([*argv, "--out", str(run), "--word-dropout", "0.5"]) == 130
    assert _json(run / "config.json")["status"] == "interrupted"
    monkeypatch.undo()
    assert cli.main(["train", "--resume", str(run)]) == 0
    config = _json(run / "config.json")
    assert config["status"] == "complete" and config["task"] == "tag" and config["word_dropout"] == 0.5
    assert len(_json(run / "metrics.json")["history"]["val_loss"]) == len(straight["val_loss"]) == 3


# -------------------------------------------------------------- bad input
def test_task_and_dataset_must_agree(files, capsys):
    err = _error(capsys, ["train", "--dataset", "conllu", "--data", str(files["train"])])
    assert "--dataset conllu holds a tag per word, not a label per sentence: add --task tag" in err
    err = _error(capsys, ["train", "--task", "tag", "--dataset", "sst2", "--data", str(files["train"])])
    assert "--task tag reads tagged files: --dataset must be one of ['conllu']" in err
    err = _error(capsys, ["train", *SMALL, *_split(files), "--model", "mlp"])
    assert "--task tag: --model must be one of ['lstm', 'gru', 'cnn']" in err


def test_malformed_conllu_names_the_line(tmp_path, capsys):
    (tmp_path / "bad.conllu").write_text("1\tdog\tdog\tNOUN\n", encoding="utf-8")
    err = _error(capsys, ["train", *SMALL, "--data", str(tmp_path / "bad.conllu")])
    assert "bad.conllu, line 1: 4 tab-separated columns" in err
