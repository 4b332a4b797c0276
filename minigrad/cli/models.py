"""The models the command line can train: one table, name -> builder, fed by the run's config.

A new model is one builder here (it reads what it needs from ``config``,
which holds every command-line option of the run) and a ``--model`` choice
appears by itself.  ``input`` says what its batches hold: ``"ids"`` (padded
token ids, (N, L) int64) or ``"bag_of_words"`` (word counts, (N, V) float32);
``min_len``, for ``"ids"``, the shortest padded batch the model accepts.
"""


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


_RNN_HELP = "(--embed-dim, --hidden-size, --bidirectional, --pooling)"
MODELS = {
    "cnn": {"build": _text_cnn, "input": "ids", "min_len": lambda config: max(config["kernel_sizes"]),
            "help": "Kim's TextCNN (--embed-dim, --filters, --kernel-sizes)"},
    "mlp": {"build": _bow_mlp, "input": "bag_of_words", "help": "bag-of-words MLP (--hidden)"},
    "lstm": {"build": _rnn_classifier, "input": "ids", "help": f"an LSTM classifier {_RNN_HELP}"},
    "gru": {"build": _rnn_classifier, "input": "ids", "help": f"a GRU classifier {_RNN_HELP}"},
    "rnn": {"build": _rnn_classifier, "input": "ids", "help": f"a tanh RNN classifier {_RNN_HELP}"},
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


# --task tag: name -> builder of a tagger (scores (N, L, C)); the run trains it through cli.tagging.WordRows.
TAGGERS = {
    "lstm": {"build": _rnn_tagger, "help": "a BiLSTM tagger (--embed-dim, --hidden-size, --char-features)"},
    "gru": {"build": _rnn_tagger, "help": "a BiGRU tagger (--embed-dim, --hidden-size, --char-features)"},
    "cnn": {"build": _cnn_tagger, "help": "a window CNN tagger: two convolutions over 3 words (--filters)"},
}


def build_model(config):
    if config.get("task") == "tag":
        from .tagging import WordRows

        return WordRows(TAGGERS[config["model"]]["build"](config))
    return MODELS[config["model"]]["build"](config)


def min_length(config):
    """The fewest tokens a padded batch must have for this run's model (a CNN needs its widest filter)."""
    rule = MODELS[config["model"]].get("min_len")
    return rule(config) if rule else 1
