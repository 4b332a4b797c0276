"""train --dataset sst5|sst2 --phrases: every labelled phrase of the SST trees to train on, whole sentences to score."""
import json

import pytest

import minigrad.cli as cli

SMALL = ["--epochs", "6", "--embed-dim", "16", "--filters", "8", "--kernel-sizes", "1,2", "--batch-size", "16",
         "--lr", "0.02", "--seed", "0", "--dropout", "0.0"]
WORDS = {0: ["awful", "dreadful"], 1: ["bad", "dull"], 3: ["good", "nice"], 4: ["great", "superb"]}
NOUNS = ["film", "movie", "plot", "cast"]


def _tree(word_label, word, noun):
    """A two-word sentence whose root carries its adjective's label: (l (l adjective) (2 noun))."""
    return f"({word_label} ({word_label} {word}) (2 {noun}))"


def _write(folder, names=("train", "dev", "test")):
    folder.mkdir()
    trees = [_tree(label, word, noun) for label, words in WORDS.items() for word in words for noun in NOUNS]
    for name in names:  # the same sentences in each file: this tests the plumbing, not generalisation
        (folder / f"{name}.txt").write_text("\n".join(trees) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("sst") / "sst_trees")


@pytest.mark.parametrize("dataset, phrases, sentences, classes", [
    # 32 sentences; distinct phrases: 32 roots + 8 adjectives + 4 nouns (label 2; dropped by sst2)
    ("sst5", 44, 32, 5),
    ("sst2", 40, 32, 2),
])
def test_trains_on_every_phrase_and_scores_the_sentences(trees, tmp_path, capsys, dataset, phrases, sentences,
                                                        classes):
    out = tmp_path / "run"
    assert cli.main(["train", "--dataset", dataset, "--phrases", "--data", str(trees), *SMALL, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"train {phrases} ({trees / 'train.txt'}); val {sentences} ({trees / 'dev.txt'}); " \
           f"test {sentences} ({trees / 'test.txt'})" in printed
    config = json.loads((out / "config.json").read_text())
    assert config["num_classes"] == classes and config["options"]["phrases"] is True
    assert json.loads((out / "metrics.json").read_text())["test_accuracy"] > 0.9
    # evaluate reads tree files for such a run: the root sentences, 32 of them
    assert cli.main(["evaluate", "--run", str(out), "--data", str(trees / "test.txt")]) == 0
    assert "on 32 sentences" in capsys.readouterr().out


def test_phrases_need_sst_and_the_tree_files(trees, tmp_path, capsys):
    def error(argv):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "Traceback" not in err
        return err

    assert "use --dataset sst2 or sst5, not tsv" in error(["train", "--dataset", "tsv", "--phrases", "--data",
                                                            str(trees)])
    partial = _write(tmp_path / "partial", names=("train",))
    assert "lacks dev.txt, test.txt; pass the sst_trees folder" in error(
        ["train", "--dataset", "sst5", "--phrases", "--data", str(partial)])
    assert "needs --val and --test tree files" in error(
        ["train", "--dataset", "sst5", "--phrases", "--data", str(trees / "train.txt")])
