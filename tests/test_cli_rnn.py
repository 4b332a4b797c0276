"""The command line with the recurrent classifier: --model lstm|gru|rnn, --bidirectional, --pooling."""
import json

import pytest

import minigrad.cli as cli

SMALL = ["--synthetic-size", "300", "--epochs", "6", "--embed-dim", "16", "--hidden-size", "16",
         "--batch-size", "32", "--lr", "0.01", "--seed", "0"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One trained BiLSTM run with attention pooling, shared by the tests below (they only read it)."""
    folder = tmp_path_factory.mktemp("runs") / "lstm"
    argv = ["train", *SMALL, "--model", "lstm", "--bidirectional", "--pooling", "attention", "--out", str(folder)]
    assert cli.main(argv) == 0
    return folder


def test_train_records_the_recurrent_model_and_it_reads_word_order(run):
    config = json.loads((run / "config.json").read_text())
    assert (config["model"], config["bidirectional"], config["pooling"], config["hidden_size"]) == (
        "lstm", True, "attention", 16)
    metrics = json.loads((run / "metrics.json").read_text())
    # The synthetic corpus pairs "good" with "not good": only a model that reads order beats the ceiling.
    assert metrics["test_accuracy"] > metrics["bag_of_words_ceiling"]


def test_predict_rebuilds_the_recurrent_model_from_the_run_folder(run, capsys):
    assert cli.main(["predict", "--run", str(run), "a good film", "not a good film"]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 2 and all(line.split("\t")[0] in ("negative", "positive") for line in lines)


def test_another_cell_trains_with_last_state_pooling(tmp_path):
    model = "gru"
    argv = ["train", "--synthetic-size", "100", "--epochs", "1", "--embed-dim", "8", "--hidden-size", "8",
            "--model", model, "--pooling", "last", "--out", str(tmp_path / model)]
    assert cli.main(argv) == 0
    assert json.loads((tmp_path / model / "config.json").read_text())["bidirectional"] is False


def test_a_wrong_pooling_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--model", "gru", "--pooling", "mean"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--pooling: invalid choice: 'mean'" in err
