"""The models the command line can train: one table, name -> builder, fed by the run's config.

A new model is one builder here (it reads what it needs from ``config``,
which holds every command-line option of the run) and a ``--model`` choice
appears by itself.  ``input`` says what its batches hold: ``"ids"`` (padded
token ids, (N, L) int64) or ``"bag_of_words"`` (word counts, (N, V) float32).
"""


def _text_cnn(config):
    from ..models import TextCNN

    return TextCNN(config["vocab_size"], config["num_classes"], config["embed_dim"], config["num_filters"],
                   tuple(config["kernel_sizes"]), config["dropout"])


def _bow_mlp(config):
    from ..models import BowMLP

    return BowMLP(config["vocab_size"], config["num_classes"], tuple(config["hidden"]), config["dropout"])


MODELS = {
    "cnn": {"build": _text_cnn, "input": "ids", "help": "Kim's TextCNN (--embed-dim, --filters, --kernel-sizes)"},
    "mlp": {"build": _bow_mlp, "input": "bag_of_words", "help": "bag-of-words MLP (--hidden)"},
}


def build_model(config):
    return MODELS[config["model"]]["build"](config)
