"""The command line's tag task: train --task tag on CoNLL-U files -> a run folder -> evaluate -> predict word/TAG."""
import json
import os
import shutil

import pytest

import minigrad
import minigrad.cli as cli
from minigrad.cli.runs import load_run
from minigrad.tagging import synthetic_tagged
from minigrad.tagging_chars import CharRNNTagger

from ._ctrl_c import ctrl_c_in_epoch

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


def _plural_nouns(sentences):
    """Every noun with an "s" added ("dog" -> "dogs"): words never seen in training, their spelling still a noun's."""
    return [([w + "s" if t == "NOUN" else w for w, t in zip(words, tags)], tags) for words, tags in sentences]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conllu")
    found = {part: _conllu(folder / f"{part}.conllu", synthetic_tagged(n, seed=seed))
             for part, n, seed in (("train", 240, 0), ("dev", 60, 1), ("test", 60, 2))}
    found["plural"] = _conllu(folder / "plural.conllu", _plural_nouns(synthetic_tagged(60, seed=2)))
    return found


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
    assert config["bidirectional"] is True  # what was built: a recurrent tagger reads both ways
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


def test_a_word_spelled_pad_or_unk_is_tagged_like_any_unseen_word(run, files, tmp_path, capsys):
    # It is an unknown word (<unk>), never padding: it keeps its place, and so every word keeps its tag.
    capsys.readouterr()
    assert cli.main(["predict", "--run", str(run), "they sees <pad> .", "the <PAD> sees a <unk> ."]) == 0
    first, second = capsys.readouterr().out.split("\n")[:2]
    assert [pair.rsplit("/", 1)[0] for pair in first.split()] == ["they", "sees", "<pad>", "."]
    assert first.startswith("they/PRON sees/VERB <pad>/") and first.endswith(" ./PUNCT")
    assert [pair.rsplit("/", 1)[0] for pair in second.split()] == ["the", "<PAD>", "sees", "a", "<unk>", "."]
    # Training and evaluating on a file where <pad> is a word: every word is scored, none masked out.
    sentences = list(synthetic_tagged(40, seed=3)) + [(["the", "<pad>", "sees", "a", "<unk>", "."],
                                                      ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"])] * 8
    data = _conllu(tmp_path / "pad.conllu", [(list(w), list(t)) for w, t in sentences])
    assert cli.main(["train", *SMALL, "--data", str(data), "--val", str(data), "--test", str(data), "--epochs", "1",
                     "--model", "lstm", "--word-dropout", "0.5", "--out", str(tmp_path / "r")]) == 0
    assert cli.main(["evaluate", "--run", str(tmp_path / "r"), "--data", str(data)]) == 0
    words = sum(len(w) for w, _ in sentences)
    assert f"on {words:,} words of {data}" in capsys.readouterr().out


def test_ctrl_c_keeps_the_best_epoch_and_resume_finishes_the_tagging_run(files, tmp_path, capsys):
    argv = ["train", *SMALL, *_split(files), "--model", "gru", "--epochs", "3", "--patience", "0"]
    assert cli.main([*argv, "--out", str(tmp_path / "straight")]) == 0
    straight = _json(tmp_path / "straight" / "metrics.json")["history"]
    run = tmp_path / "run"
    with ctrl_c_in_epoch(2):
        assert cli.main([*argv, "--out", str(run), "--word-dropout", "0.5"]) == 130
    assert _json(run / "config.json")["status"] == "interrupted"
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


# ------------------------------------------------------- --char-features
@pytest.fixture(scope="module")
def char_run(files, tmp_path_factory):
    """A BiLSTM tagger that also reads each word's spelling, tested on sentences whose nouns it never saw."""
    folder = tmp_path_factory.mktemp("runs") / "chars"
    assert cli.main(["train", *SMALL, "--data", str(files["train"]), "--val", str(files["dev"]),
                     "--test", str(files["plural"]), "--model", "lstm", "--char-features", "--epochs", "1",
                     "--word-dropout", "0.5", "--out", str(folder)]) == 0
    return folder


def test_char_features_train_a_tagger_that_reads_spelling_and_record_it(char_run):
    config = _json(char_run / "config.json")
    letters = sorted({c for words, _ in synthetic_tagged(240, seed=0) for w in words for c in w})
    assert config["char_features"] is True and config["options"]["char_features"] is True
    assert config["chars"] == letters and config["num_chars"] == len(letters) + 2  # + <pad>, <unk>
    assert {k: config[k] for k in ("char_dim", "char_filters", "char_width", "max_chars")} == {
        "char_dim": 30, "char_filters": 50, "char_width": 3, "max_chars": 20}
    model, _, _ = load_run(str(char_run))
    assert isinstance(model.tagger, CharRNNTagger)
    assert model.tagger.chars.embedding.weight.shape == (len(letters) + 2, 30)


def test_the_report_scores_the_words_outside_the_vocabulary(char_run, run):
    seen = {w for words, _ in synthetic_tagged(240, seed=0) for w in words}
    unseen = sum(w not in seen for words, _ in _plural_nouns(synthetic_tagged(60, seed=2)) for w in words)
    metrics = _json(char_run / "metrics.json")
    assert unseen > 0 and metrics["unknown_words"] == unseen
    assert 0 <= metrics["unknown_word_accuracy"] <= 1
    plain = _json(run / "metrics.json")  # its test file holds only training words
    assert plain["unknown_words"] == 0 and plain["unknown_word_accuracy"] is None


def test_evaluate_and_predict_rebuild_the_char_tagger_from_the_run(char_run, files, capsys):
    capsys.readouterr()
    assert cli.main(["evaluate", "--run", str(char_run), "--data", str(files["plural"])]) == 0
    metrics, out = _json(char_run / "metrics.json"), capsys.readouterr().out
    assert f"word accuracy {metrics['test_accuracy']:.1%} on " in out  # the same model as train's, rebuilt
    assert (f"; {metrics['unknown_word_accuracy']:.1%} on the {metrics['unknown_words']} words outside the "
            "vocabulary (<unk>)") in out
    # unseen words, unseen characters ("Z", "!"), capitals: every word gets a tag
    assert cli.main(["predict", "--run", str(char_run), "They run fast .", "Zorblax sees the dogs !"]) == 0
    lines = capsys.readouterr().out.split("\n")[:2]
    pairs = [token.rsplit("/", 1) for line in lines for token in line.split()]
    assert [w for w, _ in pairs] == "They run fast . Zorblax sees the dogs !".split()
    assert all(tag in minigrad.datasets.UPOS_TAGS for _, tag in pairs)


def test_ctrl_c_and_resume_keep_the_char_tagger(files, tmp_path):
    run = tmp_path / "run"
    with ctrl_c_in_epoch(2):
        assert cli.main(["train", *SMALL, *_split(files), "--model", "gru", "--char-features", "--epochs", "2",
                         "--patience", "0", "--out", str(run)]) == 130
    before = _json(run / "config.json")
    assert cli.main(["train", "--resume", str(run)]) == 0
    after = _json(run / "config.json")
    assert after["status"] == "complete" and after["char_features"] is True and after["chars"] == before["chars"]
    assert len(_json(run / "metrics.json")["history"]["val_loss"]) == 2
    assert isinstance(load_run(str(run))[0].tagger, CharRNNTagger)


def test_a_run_from_before_char_features_still_loads(run, tmp_path, files, capsys):
    old = tmp_path / "old"
    shutil.copytree(run, old)
    config = _json(old / "config.json")
    assert config["char_features"] is False
    del config["char_features"], config["options"]["char_features"]  # as runs were written before the option
    (old / "config.json").write_text(json.dumps(config), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["evaluate", "--run", str(old), "--data", str(files["test"])]) == 0
    assert f"word accuracy {_json(run / 'metrics.json')['test_accuracy']:.1%}" in capsys.readouterr().out
    assert cli.main(["predict", "--run", str(old), "They run fast ."]) == 0
    assert capsys.readouterr().out.startswith("They/PRON run/VERB fast/ADV ./PUNCT")


def test_char_features_only_for_recurrent_taggers(files, capsys):
    err = _error(capsys, ["train", "--char-features", "--synthetic-size", "100"])
    assert err.endswith("--char-features gives each word of a tagger a vector read off its spelling: it needs "
                        "--task tag (with --model lstm or gru)")
    err = _error(capsys, ["train", *SMALL, *_split(files), "--model", "cnn", "--char-features"])
    assert "--char-features: the character vectors join the word vectors of a recurrent tagger; use --model lstm " \
           "or gru, not cnn" in err


def test_a_damaged_character_list_is_one_line(char_run, tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(char_run, broken)
    config = _json(broken / "config.json")
    config["chars"] = config["chars"][1:]
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert "must list its distinct characters" in _error(capsys, ["predict", "--run", str(broken), "a dog"])
