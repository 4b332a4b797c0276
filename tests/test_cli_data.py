"""The command line's data: formats, standard splits, labels matched by name, label-column checks, --max-len,
--class-weight, --help, and every traceback the CLI once showed as a one-line error."""
import argparse
import json
import os

import numpy as np
import pytest

import minigrad
import minigrad.cli as cli
from minigrad.cli.commands import _loss, summary
from minigrad.datasets import synthetic_sentiment

FAST = ["--model", "mlp", "--hidden", "8", "--epochs", "1", "--batch-size", "16"]


def _error(capsys, code, argv):
    """Run ``argv``; expect exit status ``code`` and exactly one line on stderr, which is returned."""
    assert cli.main(argv) == code
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def _sentences(n, seed=0):
    data = synthetic_sentiment(n, seed=seed)
    return data.texts, [data.label_names[y][:3] for y in data.labels]  # "neg" / "pos"


def _tsv(path, texts, labels, ending="\n", bom=False):
    body = ending.join(f"{y}\t{t}" for t, y in zip(texts, labels)) + ending
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"))
    return path


def _namespace(**kw):
    defaults = dict(dataset="tsv", data=None, val=None, test=None, seed=0, max_classes=50, encoding=None,
                    text_first=None, text_column=None, label_column=None)
    return argparse.Namespace(**{**defaults, **kw})


# ------------------------------------------------------------------ splits
def test_given_val_and_test_files_are_used_as_they_are(tmp_path):
    texts, labels = _sentences(200)
    train = _tsv(tmp_path / "train.tsv", texts[:120], labels[:120])
    val = _tsv(tmp_path / "val.tsv", texts[120:150], labels[120:150])
    test = _tsv(tmp_path / "test.tsv", texts[150:], labels[150:])
    parts, names, _, said = cli.load_splits(_namespace(data=str(train), val=str(val), test=str(test)))
    assert names == ["neg", "pos"] and parts["train"][0] == texts[:120] and parts["test"][0] == texts[150:]
    assert said == f"train 120 ({train}); val 30 ({val}); test 50 ({test})"
    # Only the missing part is split off, a tenth of the training file.
    parts, _, _, said = cli.load_splits(_namespace(data=str(train), test=str(test)))
    assert [len(parts[p][0]) for p in ("train", "val", "test")] == [108, 12, 50]
    assert sorted(parts["train"][0] + parts["val"][0]) == sorted(texts[:120]) and "a tenth of" in said
    parts, _, _, _ = cli.load_splits(_namespace(data=str(train)))
    assert [len(parts[p][0]) for p in ("train", "val", "test")] == [96, 12, 12]


def test_a_test_file_with_a_label_the_training_file_lacks_is_refused(tmp_path):
    texts, labels = _sentences(40)
    train = _tsv(tmp_path / "train.tsv", texts, labels)
    test = _tsv(tmp_path / "test.tsv", texts[:3], ["neg", "pos", "neutral"])
    with pytest.raises(minigrad.datasets.DatasetError, match="'neutral' \\(first in example 3\\)"):
        cli.load_splits(_namespace(data=str(train), test=str(test)))


@pytest.mark.parametrize("ending, bom", [("\r", False), ("\r\n", True), ("\n", True)])
def test_line_endings_and_byte_order_marks_through_train(tmp_path, capsys, ending, bom):
    texts, labels = _sentences(60)
    data = _tsv(tmp_path / "d.tsv", texts, labels, ending, bom)
    assert cli.main(["train", "--dataset", "tsv", "--data", str(data), *FAST, "--out", str(tmp_path / "r")]) == 0
    assert json.loads((tmp_path / "r" / "config.json").read_text())["label_names"] == ["neg", "pos"]
    assert "train 48 (" in capsys.readouterr().out  # every line became an example


def test_labelled_format_and_text_first_tsv(tmp_path, capsys):
    texts, labels = _sentences(60)
    (tmp_path / "l.txt").write_text("".join(f"{y.upper()} {t}\n" for t, y in zip(texts, labels)))
    assert cli.main(["train", "--dataset", "labelled", "--data", str(tmp_path / "l.txt"), *FAST,
                     "--out", str(tmp_path / "r")]) == 0
    assert json.loads((tmp_path / "r" / "config.json").read_text())["label_names"] == ["NEG", "POS"]
    (tmp_path / "t.tsv").write_text("".join(f"{t}\t{y}\n" for t, y in zip(texts, labels)))
    assert cli.main(["evaluate", "--run", str(tmp_path / "r"), "--data", str(tmp_path / "t.tsv"),
                     "--format", "tsv", "--text-first"]) == 2  # lower-case names are other classes
    assert "'neg'" in capsys.readouterr().err
    assert cli.main(["train", "--dataset", "tsv", "--text-first", "--data", str(tmp_path / "t.tsv"), *FAST,
                     "--out", str(tmp_path / "r2")]) == 0


# ------------------------------------------------------------------ labels
def test_a_text_column_read_as_labels_is_refused(tmp_path, capsys):
    texts, labels = _sentences(30)
    (tmp_path / "t.tsv").write_text("".join(f"{t}\t{y}\n" for t, y in zip(texts, labels)))
    line = _error(capsys, 2, ["train", "--dataset", "tsv", "--data", str(tmp_path / "t.tsv"), *FAST])
    assert "distinct labels in 30 examples" in line and "--text-first" in line
    many = "".join(f"c{i % 60}\tsentence number {i}\n" for i in range(240))
    (tmp_path / "many.tsv").write_text(many)
    line = _error(capsys, 2, ["train", "--dataset", "tsv", "--data", str(tmp_path / "many.tsv"), *FAST])
    assert "60 distinct labels in 240" in line and "--max-classes (now 50)" in line


def test_a_header_read_as_a_line_is_refused(tmp_path, capsys):
    texts, labels = _sentences(30)
    (tmp_path / "glue.tsv").write_text("sentence\tlabel\n" + "".join(f"{t}\t{int(y == 'pos')}\n"
                                                                      for t, y in zip(texts, labels)))
    line = _error(capsys, 2, ["train", "--dataset", "tsv", "--text-first", "--data", str(tmp_path / "glue.tsv"),
                              *FAST])
    assert "line 1 looks like a header" in line and "--dataset csv" in line


def test_sst5_refuses_other_labels_and_warns_about_missing_classes(tmp_path, capsys):
    texts, _ = _sentences(40)
    (tmp_path / "binary.txt").write_text("".join(f"{i % 2} {t}\n" for i, t in enumerate(texts)))
    assert cli.main(["train", "--dataset", "sst5", "--data", str(tmp_path / "binary.txt"), *FAST,
                     "--out", str(tmp_path / "r")]) == 0
    assert "only 2 of the 5 SST-5 classes" in capsys.readouterr().err
    (tmp_path / "seven.txt").write_text("".join(f"{i % 8} {t}\n" for i, t in enumerate(texts)))
    line = _error(capsys, 2, ["train", "--dataset", "sst5", "--data", str(tmp_path / "seven.txt"), *FAST])
    assert "label 5 is outside the 5 classes" in line


def test_evaluate_an_sst5_run_on_a_file_with_two_of_its_classes(tmp_path, capsys):
    texts, _ = _sentences(60)
    (tmp_path / "fine.txt").write_text("".join(f"{i % 5} {t}\n" for i, t in enumerate(texts)))
    assert cli.main(["train", "--dataset", "sst5", "--data", str(tmp_path / "fine.txt"), *FAST,
                     "--out", str(tmp_path / "r")]) == 0
    (tmp_path / "two.txt").write_text("".join(f"{i % 2} {t}\n" for i, t in enumerate(texts)))
    capsys.readouterr()
    assert cli.main(["evaluate", "--run", str(tmp_path / "r"), "--data", str(tmp_path / "two.txt")]) == 0
    table = capsys.readouterr().out.split("confusion matrix")[1].strip().split("\n")
    # Labels 0 and 1 are "very negative" and "negative": the first two rows, never re-read as a binary file.
    assert [sum(map(int, row.split()[-5:])) for row in table[2:]] == [30, 30, 0, 0, 0]  # examples per true class


# ----------------------------------------------------------------- summary
def test_the_summary_compares_with_always_answering_the_majority():
    labels = [1] * 61 + [0] * 39  # 61% positive
    lines, numbers = summary(labels, [1] * 50 + [0] * 11 + [0] * 39, ["negative", "positive"], None)
    assert lines[0].startswith("test accuracy 89.0%, macro-F1 0.") and "always answering positive scores 61.0%" in lines[0]
    assert lines[1] == "it learned: 28.0 points above always answering positive"
    assert numbers["majority_baseline"] == 0.61 and 0 < numbers["macro_f1"] < 1
    lines, _ = summary(labels, [1] * 100, ["negative", "positive"], None)
    assert lines[1].startswith("it did not learn much: +0.0 points")


def test_balanced_class_weights_are_inverse_frequencies():
    loss = _loss("balanced", [0, 0, 0, 1], 3)
    np.testing.assert_allclose(loss.weight.numpy(), [4 / (3 * 3), 4 / (3 * 1), 0.0])  # n / (C * n_c)
    assert _loss("none", [0, 1], 2).weight is None


# ------------------------------------------------------- lengths and help
def test_max_len_cuts_long_sentences_with_a_warning(tmp_path, capsys):
    texts, labels = _sentences(60)
    texts[0] = "good " * 200_000  # a 1 MB sentence
    data = _tsv(tmp_path / "d.tsv", texts, labels)
    argv = ["train", "--dataset", "tsv", "--data", str(data), "--model", "cnn", "--embed-dim", "8", "--filters", "4",
            "--epochs", "1", "--max-len", "50", "--out", str(tmp_path / "r")]
    assert cli.main(argv) == 0
    assert "1 of 48 train sentences are longer than --max-len 50 tokens and were cut" in capsys.readouterr().err
    assert cli.main(["predict", "--run", str(tmp_path / "r"), "good " * 100_000]) == 0


def test_help_describes_every_format_and_states_each_default_once(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    text = capsys.readouterr().out
    assert "(default: None)" not in text and text.count("(default: runs/") == 1
    for name in ("tsv", "csv", "labelled", "sst", "mr"):
        assert f"\n  {name} " in text
    assert "label<TAB>text" in text and "only a missing" in text


# ------------------------------------------------ tracebacks, now one line
def test_an_unknown_encoding_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["train", "--encoding", "utf16le"])
    err = capsys.readouterr().err.strip().split("\n")
    assert exit_.value.code == 2 and len(err) == 1 and "unknown encoding 'utf16le'" in err[0]


def test_a_csv_field_over_the_limit_is_one_line(tmp_path, capsys):
    (tmp_path / "d.csv").write_text('sentence,label\n"an unclosed quote,1\n' + "word " * 30_000 + ",0\n")
    line = _error(capsys, 2, ["train", "--dataset", "csv", "--data", str(tmp_path / "d.csv"), *FAST])
    assert "cannot be read as CSV" in line and "quote" in line


def test_an_encoding_hint_names_the_flag(tmp_path, capsys):
    (tmp_path / "d.tsv").write_bytes(b"neg\tthe plot is \x93dull\x94\n")
    line = _error(capsys, 2, ["train", "--dataset", "tsv", "--data", str(tmp_path / "d.tsv"), *FAST])
    assert "--encoding cp1252" in line and "encoding='" not in line


def test_softmax_over_no_classes_is_a_shape_error():
    with pytest.raises(minigrad.ShapeError, match=r"softmax: dimension 1 of shape \(2, 0\) holds no classes"):
        minigrad.softmax(minigrad.zeros(2, 0), dim=1)
    assert minigrad.softmax(minigrad.zeros(0, 3), dim=1).shape == (0, 3)  # no rows is fine


def test_a_checkpoint_bomb_in_a_run_is_one_line(tmp_path, capsys):
    texts, labels = _sentences(40)
    data = _tsv(tmp_path / "d.tsv", texts, labels)
    assert cli.main(["train", "--dataset", "tsv", "--data", str(data), *FAST, "--out", str(tmp_path / "r")]) == 0
    meta = b'{"format": "minigrad-checkpoint", "version": 1, "root": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    np.savez(tmp_path / "r" / "model.npz", __minigrad__=np.frombuffer(meta, dtype=np.uint8))
    capsys.readouterr()
    assert "nests deeper" in _error(capsys, 2, ["predict", "--run", str(tmp_path / "r"), "good"])
