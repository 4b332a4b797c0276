"""``python -m minigrad predict --explain``: each word with its integrated-gradients score, from the command line."""
import io
import os
import re
import subprocess
import sys

import pytest

import minigrad.cli as cli
from minigrad.cli.runs import load_run
from minigrad.explain import explain_sentences

SMALL = ["--synthetic-size", "200", "--epochs", "2", "--embed-dim", "8", "--filters", "4",
         "--kernel-sizes", "2,3", "--batch-size", "32", "--lr", "0.01", "--seed", "0"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs") / "cnn"
    assert cli.main(["train", *SMALL, "--out", str(folder)]) == 0
    return folder


def test_predict_explain_prints_each_word_with_its_score_and_the_completeness_check(run, tmp_path):
    env = {**os.environ, "PYTHONPATH": ROOT, "NO_COLOR": ""}
    done = subprocess.run([sys.executable, "-m", "minigrad", "predict", "--run", str(run), "--explain",
                           "not good at all"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split("\t") in (["positive", "not good at all"], ["negative", "not good at all"])
    rows = [re.fullmatch(r"  (\S+)(?: \(unknown\))? +([+-]\d\.\d{3})  #*", line) for line in lines[1:5]]
    assert all(rows), lines[1:5]
    assert [row.group(1) for row in rows] == ["not", "good", "at", "all"]
    assert "\x1b[" not in done.stdout  # a pipe is not a terminal: no colour
    assert lines[5].startswith("  integrated gradients, 50 steps") and "scores sum to" in lines[5]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(run, monkeypatch):
    model, vocab, config = load_run(str(run))
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    explain_sentences(model, vocab, ["a dull film"], config["label_names"], terminal, min_len=3, steps=4)
    assert "\x1b[32m" in terminal.getvalue() or "\x1b[31m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    explain_sentences(model, vocab, ["a dull film"], config["label_names"], terminal, min_len=3, steps=4)
    assert "\x1b[" not in terminal.getvalue()


def test_unknown_words_are_marked_and_an_mlp_run_is_refused_in_one_line(run, tmp_path, capsys):
    assert cli.main(["predict", "--run", str(run), "--explain", "zzzqx film"]) == 0
    assert "zzzqx (unknown)" in capsys.readouterr().out
    mlp = tmp_path / "mlp"
    assert cli.main(["train", "--synthetic-size", "100", "--epochs", "1", "--model", "mlp", "--hidden", "4",
                     "--out", str(mlp)]) == 0
    capsys.readouterr()
    assert cli.main(["predict", "--run", str(mlp), "--explain", "a fine film"]) == 2
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 1 and "has no nn.Embedding" in err[0]


@pytest.mark.parametrize("pooling", ["last", "attention"])  # smooth in the embeddings (max pooling has kinks)
def test_explain_works_on_a_recurrent_classifier(tmp_path, capsys, pooling):
    run = tmp_path / "lstm"
    assert cli.main(["train", "--synthetic-size", "200", "--epochs", "2", "--lr", "0.02", "--model", "lstm",
                     "--bidirectional", "--pooling", pooling, "--embed-dim", "8", "--hidden-size", "8",
                     "--out", str(run)]) == 0
    capsys.readouterr()
    assert cli.main(["predict", "--run", str(run), "--explain", "not good at all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:5]] == ["not", "good", "at", "all"]
    # the scores add up to the logit's rise: the path integral went through the whole BiLSTM
    assert float(re.search(r"\(gap (\S+)\)", lines[5]).group(1)) < 1e-2, lines[5]
