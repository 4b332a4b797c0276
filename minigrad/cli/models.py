"""The models the command line can train: one table, name -> builder, fed by the run's config.

A new model is one builder here (it reads what it needs from ``config``,
which holds every command-line option of the run) and a ``--model`` choice
appears by itself.  ``input`` says what its batches hold: ``"ids"`` (padded
token ids, (N, L) int64) or ``"bag_of_words"`` (word counts, (N, V) float32);
``min_len``, for ``"ids"``, the shortest padded batch the model accepts.
``parameters`` counts the model's parameters from the config alone, as the
model's docstring states it: a run folder is checked with it before its
model is built (``runs.load_run``), so that a config.json asking for more
than model.npz holds is refused instead of filling the memory.  A test
compares every count with the built model's.
"""
LAYER_GATES = {"lstm": 4, "gru": 3, "rnn": 1}  # G: how many (H x input) blocks a recurrent layer stacks


def _linear(inputs, outputs):
    return inputs * outputs + outputs


def _recurrent(cell, inputs, hidden, directions):
    """One recurrent layer: D * G * (H * inputs + H * H + 2 * H)."""
    return directions * LAYER_GATES[cell] * (hidden * inputs + hidden * hidden + 2 * hidden)


def _text_cnn(config):
    from ..models import TextCNN

    return TextCNN(config["vocab_size"], config["num_classes"], config["embed_dim"], config["num_filters"],
                   tuple(config["kernel_sizes"]), config["dropout"])


def _bow_mlp(config):
    from ..models import BowMLP

    return BowMLP(config["vocab_size"], config["num_classes"], tuple(config["hidden"]), config["dropout"])


def _rnn_classifier(config):
    from ..models import RNNClassifier

    return RNNClassifier(config["vocab_size"], config["num_classes"], config["model"], config["embed_dim"],
                         config["hidden_size"], bidirectional=config["bidirectional"], pooling=config["pooling"],
                         dropout=config["dropout"])


def _text_cnn_size(config):
    v, c, e, f = config["vocab_size"], config["num_classes"], config["embed_dim"], config["num_filters"]
    widths = config["kernel_sizes"]
    return v * e + sum(f * e * k + f for k in widths) + _linear(f * len(widths), c)


def _bow_mlp_size(config):
    sizes = [config["vocab_size"], *config["hidden"]]
    return sum(a * b + 2 * b for a, b in zip(sizes, sizes[1:])) + _linear(sizes[-1], config["num_classes"])


def _rnn_classifier_size(config):
    directions = 2 if config["bidirectional"] else 1
    features = directions * config["hidden_size"]
    attention = features * features + 2 * features if config["pooling"] == "attention" else 0
    return (config["vocab_size"] * config["embed_dim"] + attention + _linear(features, config["num_classes"])
            + _recurrent(config["model"], config["embed_dim"], config["hidden_size"], directions))


_RNN_HELP = "(--embed-dim, --hidden-size, --bidirectional, --pooling)"
_RNN = {"build": _rnn_classifier, "parameters": _rnn_classifier_size, "input": "ids"}
MODELS = {
    "cnn": {"build": _text_cnn, "parameters": _text_cnn_size, "input": "ids",
            "min_len": lambda config: max(config["kernel_sizes"]),
            "help": "Kim's TextCNN (--embed-dim, --filters, --kernel-sizes)"},
    "mlp": {"build": _bow_mlp, "parameters": _bow_mlp_size, "input": "bag_of_words",
            "help": "bag-of-words MLP (--hidden)"},
    "lstm": {**_RNN, "help": f"an LSTM classifier {_RNN_HELP}"},
    "gru": {**_RNN, "help": f"a GRU classifier {_RNN_HELP}"},
    "rnn": {**_RNN, "help": f"a tanh RNN classifier {_RNN_HELP}"},
}




def _rnn_tagger(config):
    from ..models import RNNTagger

    if config.get("char_features"):  # --char-features: a character CNN per word, beside the word vector
        from ..tagging_chars import CharRNNTagger

        return CharRNNTagger(config["vocab_size"], config["num_classes"], config["num_chars"], config["model"],
                             config["embed_dim"], config["hidden_size"], dropout=config["dropout"],
                             char_dim=config["char_dim"], char_filters=config["char_filters"],
                             char_width=config["char_width"])
    return RNNTagger(config["vocab_size"], config["num_classes"], config["model"], config["embed_dim"],
                     config["hidden_size"], bidirectional=True, dropout=config["dropout"])


def _cnn_tagger(config):
    from ..models import CNNTagger

    return CNNTagger(config["vocab_size"], config["num_classes"], config["embed_dim"], config["num_filters"],
                     dropout=config["dropout"])


def _rnn_tagger_size(config):
    words, hidden, chars = config["embed_dim"], config["hidden_size"], 0
    if config.get("char_features"):  # a character CNN, whose F features join each word vector
        width, filters = config["char_dim"], config["char_filters"]
        chars = config["num_chars"] * width + filters * width * config["char_width"] + filters
        words += filters
    return (config["vocab_size"] * config["embed_dim"] + chars + _recurrent(config["model"], words, hidden, 2)
            + _linear(2 * hidden, config["num_classes"]))


def _cnn_tagger_size(config):
    e, f = config["embed_dim"], config["num_filters"]
    return config["vocab_size"] * e + (f * e * 3 + f) + (f * f * 3 + f) + _linear(f, config["num_classes"])


# --task tag: name -> builder of a tagger (scores (N, L, C)); the run trains it through cli.tagging.WordRows.
TAGGERS = {
    "lstm": {"build": _rnn_tagger, "parameters": _rnn_tagger_size,
             "help": "a BiLSTM tagger (--embed-dim, --hidden-size, --char-features)"},
    "gru": {"build": _rnn_tagger, "parameters": _rnn_tagger_size,
            "help": "a BiGRU tagger (--embed-dim, --hidden-size, --char-features)"},
    "cnn": {"build": _cnn_tagger, "parameters": _cnn_tagger_size,
            "help": "a window CNN tagger: two convolutions over 3 words (--filters)"},
}


def _entry(config):
    return (TAGGERS if config.get("task") == "tag" else MODELS)[config["model"]]


def build_model(config):
    model = _entry(config)["build"](config)
    if config.get("task") == "tag":
        from .tagging import WordRows

        return WordRows(model)
    return model


def parameter_count(config):
    """How many numbers the model of ``config`` learns, counted without building it."""
    return _entry(config)["parameters"](config)


def min_length(config):
    """The fewest tokens a padded batch must have for this run's model (a CNN needs its widest filter)."""
    rule = MODELS[config["model"]].get("min_len")
    return rule(config) if rule else 1
