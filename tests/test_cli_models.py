"""Every model the command line builds can be sized from its run's config alone, without building it.

``parameter_count`` is what a run folder is checked with before its model
is built (a config.json that asks for more than model.npz holds is refused
instead of filling the memory), so each count must equal the built model's.
"""
import pytest

from minigrad.cli.models import MODELS, TAGGERS, build_model, parameter_count

BASE = {"vocab_size": 50, "num_classes": 3, "embed_dim": 6, "num_filters": 4, "kernel_sizes": [2, 3], "hidden": [5, 4],
        "hidden_size": 5, "dropout": 0.5, "bidirectional": True, "pooling": "max"}
CHARS = {"char_features": True, "num_chars": 12, "char_dim": 3, "char_filters": 4, "char_width": 3}
CLASSIFIERS = [dict(BASE, model=name) for name in MODELS] + [
    dict(BASE, model="lstm", bidirectional=False), dict(BASE, model="gru", pooling="attention"),
    dict(BASE, model="rnn", pooling="last"), dict(BASE, model="mlp", hidden=[7])]
TAG_RUNS = [dict(BASE, task="tag", model=name) for name in TAGGERS] + [dict(BASE, task="tag", model="lstm", **CHARS)]


@pytest.mark.parametrize("config", CLASSIFIERS + TAG_RUNS, ids=lambda c: f"{c.get('task', 'classify')}-{c['model']}")
def test_the_count_from_the_config_is_the_built_models(config):
    built = sum(p.numel() for p in build_model(config).parameters())
    assert parameter_count(config) == built


def test_every_model_and_tagger_has_a_count():
    assert all("parameters" in entry for entry in [*MODELS.values(), *TAGGERS.values()])
