"""The command line: ``python -m minigrad train | evaluate | predict``.

    python -m minigrad train                                  # TextCNN on the built-in synthetic corpus
    python -m minigrad train --dataset sst2 --data ../shared/data/sst --out runs/sst2
    python -m minigrad evaluate --run runs/sst2 --data ../shared/data/sst/stsa.binary.test
    python -m minigrad predict --run runs/sst2 "a gripping , funny film" "dull and predictable"
    python -m minigrad train --task tag --dataset conllu --data TRAIN.conllu --val DEV.conllu --test TEST.conllu
    python -m minigrad train --device cuda                    # on a GPU (CuPy); --device auto where one may be

The pieces: ``data.py`` (formats, datasets, splits, label checks, batches),
``models.py`` (the name -> builder table), ``runs.py`` (run folders),
``commands.py`` (what each command does), ``tagging.py`` (the tag task: a
tag per word) and the argument parser below.
Bad input ends with one line on stderr and exit status 2; a diverging run
with exit status 3; Ctrl-C with 130; a closed stdout (``| head -1``) quietly
with 141 (``pipes.py``).
"""
import argparse
import sys

from ..datasets import DatasetError, check_encoding
from ..serialization import CheckpointError
from ..train import TrainingDiverged
from .commands import cmd_evaluate, cmd_predict, cmd_train
from .data import DATASETS, FORMATS, load_splits
from .errors import UsageError
from .models import MODELS, TAGGERS
from .pipes import quiet_on_broken_pipe
from .tagging import CHAR_CNN, TAG_FORMATS

__all__ = ["UsageError", "build_parser", "load_splits", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, not argparse's usage block: the student should see the problem at once.
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Help(argparse.RawDescriptionHelpFormatter):
    """Adds "(default: X)" where a default exists and the help does not state it already."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "default" not in text:
            text += " (default: %(default)s)"
        return text


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def _int_list(text):
    try:
        values = [int(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers such as 3,4,5, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers such as 3,4,5, got {text!r}")
    return values


def _dropout(text):
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def _encoding(text):
    try:
        check_encoding(text)
    except DatasetError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


FORMAT_HELP = "file formats (--dataset for train, --format for evaluate):\n" + "\n".join(
    f"  {name:<9} {layout}" for name, (_, layout) in FORMATS.items()) + """
  sst2/sst5 read the sst format; given a folder, they use its stsa.*.train/dev/test files.
            With --phrases, --data is the sst_trees folder: they train on every labelled phrase
            of train.txt and validate and test on the sentences of dev.txt and test.txt.
""" + "\n".join(f"  {name:<9} {layout} (--task tag)" for name, (_, layout) in TAG_FORMATS.items()) + """

splits: the files given with --data, --val and --test are used as they are; only a missing
part is split off the --data file (a tenth each, shuffled with --seed), and the sizes are printed."""


def build_parser():
    parser = _Parser(prog="python -m minigrad", description="Train, evaluate and use sentence classifiers.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train a model and save a run folder", formatter_class=_Help,
                                epilog=FORMAT_HELP)
    add = train.add_argument
    add("--task", choices=("classify", "tag"), default="classify",
        help="classify: a label per sentence; tag: a tag per word (--dataset conllu; --model " + ", ".join(
            f"{name}: {m['help']}" for name, m in TAGGERS.items()) + ")")
    add("--dataset", choices=list(DATASETS) + list(TAG_FORMATS), default="synthetic",
        help="the built-in corpus, or a file format")
    add("--data", help="the training file (or the folder, for mr and sst2/sst5)")
    add("--val", help="a validation file, to pick the best epoch (default: a tenth of --data)")
    add("--test", help="a test file, scored once at the end (default: a tenth of --data)")
    add("--model", choices=list(MODELS), default="cnn",
        help="; ".join(f"{name}: {m['help']}" for name, m in MODELS.items()))
    add("--epochs", type=_positive(int), default=10, help="at most this many passes over the data")
    add("--batch-size", type=_positive(int), default=50, help="sentences per step")
    add("--lr", type=_positive(float), default=1e-3, help="Adam's learning rate")
    add("--embed-dim", type=_positive(int), default=128, help="cnn, lstm/gru/rnn: size of each word vector")
    add("--filters", type=_positive(int), default=100, help="cnn: filters per width")
    add("--kernel-sizes", type=_int_list, default=[3, 4, 5], help="cnn: filter widths, in words")
    add("--hidden", type=_int_list, default=[512, 256], help="mlp: hidden layer sizes")
    add("--hidden-size", type=_positive(int), default=128, help="lstm/gru/rnn: state size per direction")
    add("--bidirectional", action="store_true", help="lstm/gru/rnn: read each sentence both ways (a tagger, --task tag, always does)")
    add("--pooling", choices=("last", "max", "attention"), default="max",
        help="lstm/gru/rnn: final states, max over the words, or attention pooling")
    add("--dropout", type=_dropout, default=0.5, help="dropout probability")
    add("--max-vocab", type=_positive(int), default=20000, help="keep at most this many words")
    add("--min-freq", type=_positive(int), default=1, help="drop words seen fewer times")
    add("--max-len", type=_positive(int), default=400, help="cut sentences to this many tokens (with a warning)")
    add("--max-classes", type=_positive(int), default=50,
        help="refuse a training file with more distinct labels (a text column read as labels)")
    add("--class-weight", choices=("none", "balanced"), default="none",
        help="balanced: weight the loss by inverse class frequency, for unbalanced data")
    add("--seed", type=int, default=0, help="for the split, the initial weights and the shuffling")
    add("--patience", type=int, default=3, help="early stopping after this many epochs without a better "
                                                "validation loss; 0 turns it off")
    add("--clip", type=_positive(float), help="clip the gradient norm to this value")
    add("--phrases", action="store_true",
        help="sst2/sst5: train on every labelled phrase of the SST trees (--data: the sst_trees folder)")
    add("--word-dropout", type=_dropout, default=0.0,
        help="tag: each training word seen once becomes <unk> with this probability, to learn <unk> (e.g. 0.5)")
    add("--char-features", action="store_true",
        help="tag, lstm/gru: also read each word's spelling, for words unseen in training (a character CNN per "
             f"word: character embeddings of {CHAR_CNN['char_dim']}, {CHAR_CNN['char_filters']} filters over "
             f"{CHAR_CNN['char_width']} characters, the max over the word's first {CHAR_CNN['max_chars']})")
    add("--synthetic-size", type=_positive(int), default=2000, help="sentences of the synthetic corpus")
    add("--out", help="the run folder to create (default: runs/<date-time>-<n>)")
    add("--overwrite", action="store_true", help="replace the run folder --out if it exists")
    add("--resume", metavar="RUN", help="continue a run interrupted with Ctrl-C (its other options are reused)")
    train.set_defaults(handler=cmd_train)

    evaluate = commands.add_parser("evaluate", help="score a trained run on a labelled file", formatter_class=_Help,
                                   epilog=FORMAT_HELP)
    evaluate.add_argument("--run", required=True, help="a folder written by `train`")
    evaluate.add_argument("--data", required=True, help="a labelled file; its labels are matched to the run's "
                                                         "classes by name")
    evaluate.add_argument("--format", choices=list(FORMATS) + list(TAG_FORMATS),
                          help="default: that of the training data")
    evaluate.set_defaults(handler=cmd_evaluate)

    predict = commands.add_parser("predict", help="classify sentences given as arguments or on stdin (a tagging "
                                                  "run prints each word as word/TAG)")
    predict.add_argument("--run", required=True, help="a folder written by `train`")
    predict.add_argument("--explain", action="store_true",
                         help="show how much each word pushed towards the predicted class (integrated gradients)")
    predict.add_argument("sentences", nargs="*")
    predict.set_defaults(handler=cmd_predict)

    for sub in (train, evaluate):
        sub.add_argument("--device", choices=("cpu", "cuda", "auto"),
                         help="cuda: on an NVIDIA GPU through CuPy (pip install '.[gpu]'); auto: cuda where a GPU is "
                              "usable, else cpu (default: cpu" + ("; with --resume, the run's own)" if sub is train
                                                                  else ")"))
        sub.add_argument("--encoding", type=_encoding, help="of the data files (default: utf-8, or cp1252 for mr)")
        order = sub.add_mutually_exclusive_group()
        order.add_argument("--label-first", dest="text_first", action="store_false", default=None,
                           help='tsv: "label<TAB>text" lines (the default)')
        order.add_argument("--text-first", dest="text_first", action="store_true", default=None,
                           help='tsv: "text<TAB>label" lines')
        sub.add_argument("--text-column", help="csv: the header of the text column (default: sentence)")
        sub.add_argument("--label-column", help="csv: the header of the label column (default: label)")
    return parser


@quiet_on_broken_pipe
def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        raise  # stdout's reader has gone (`| head`): not a file error; quiet_on_broken_pipe ends the command
    except (UsageError, DatasetError, CheckpointError, OSError) as err:
        print(f"minigrad {args.command}: error: {err}", file=sys.stderr)
        return 2
    except TrainingDiverged as err:
        print(f"minigrad {args.command}: error: {err} (e.g. --lr {err.lr / 10:g}, or --clip 1); no run was saved",
              file=sys.stderr)
        return 3
    except MemoryError:
        print(f"minigrad {args.command}: error: out of memory; lower --batch-size, --max-len or --max-vocab "
              "(or use a smaller model)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"minigrad {args.command}: interrupted", file=sys.stderr)
        return 130
