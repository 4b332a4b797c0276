"""Run folders: created so that no run is ever lost, written all at once, and read back with checks.

A run folder holds ``model.npz`` (the best weights), ``vocab.json``,
``config.json`` (every option of the run, the label names and its
``status``), ``metrics.json`` and two plots.  An interrupted run
(``status: interrupted``) also keeps ``checkpoints/`` for ``train --resume``.

How runs are kept apart and whole:

- the default name is ``runs/<date-time>-<n>``, claimed with ``os.mkdir``
  (which fails if the name exists), trying n = 1, 2, ... so runs started in
  the same second get different folders;
- an explicit ``--out`` that exists is refused, unless ``--overwrite``;
- the run is written into a hidden temporary folder beside it and renamed
  onto the (empty) folder claimed for it at the end, so a failed run leaves
  nothing; the temporary folder of a killed process is removed by the next
  run written beside it (``minigrad.atomic.remove_stale``).
"""
import json
import os
import shutil
import time

from ..atomic import remove_stale, temporary_path
from ..serialization import load
from .errors import UsageError
from .models import build_model, parameter_count


class RunFolder:
    """The folder a run will appear in, and the temporary folder it is written into until then."""

    def __init__(self, out=None, overwrite=False, replace=False):
        self.replace = replace  # True: ``out`` exists and is swapped for the new run at the end
        self.claimed = False  # True: we created ``out`` (empty) to reserve its name
        if out is None:
            self.path = _claim_default()
            self.claimed = True
        else:
            self.path = os.path.abspath(out)
            if os.path.exists(self.path) and not replace:
                if not overwrite:
                    raise UsageError(f"--out {self.path} already exists; choose a new folder, or pass --overwrite "
                                     "to replace it")
                if not os.path.isfile(os.path.join(self.path, "config.json")):
                    raise UsageError(f"--out {self.path} exists and is not a run folder; --overwrite only replaces "
                                     "runs, so choose another --out")
                self.replace = True
            elif not replace:
                self._claim(self.path)
        remove_stale(self.path)
        self.tmp = temporary_path(self.path)
        try:
            os.mkdir(self.tmp)
        except OSError as err:
            self.discard()
            raise UsageError(f"cannot write the output folder {self.path} ({err.strerror}); choose another --out") \
                from None

    def _claim(self, path):
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        except OSError as err:
            raise UsageError(f"cannot write the output folder {path} ({err.strerror}); choose another --out") \
                from None
        try:
            os.mkdir(path)
        except FileExistsError:
            raise UsageError(f"--out {path} already exists; choose a new folder, or pass --overwrite") from None
        except OSError as err:
            raise UsageError(f"cannot write the output folder {path} ({err.strerror}); choose another --out") \
                from None
        self.claimed = True

    def publish(self):
        """Put the finished run in place: onto the empty folder we claimed, or swapped for the old run."""
        if self.replace:
            old = temporary_path(self.path)
            os.rename(self.path, old)
            os.rename(self.tmp, self.path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            try:
                os.rename(self.tmp, self.path)  # POSIX: replaces the empty folder we created, and only that
            except OSError:
                if os.listdir(self.path):
                    raise UsageError(f"{self.path} was written to by something else during training; the run is "
                                     f"kept in {self.tmp}") from None
                os.rmdir(self.path)  # Windows cannot rename onto a folder
                os.rename(self.tmp, self.path)
        self.tmp = None

    def discard(self):
        """A failed run: remove the temporary folder and the name we claimed, leaving nothing behind."""
        if self.tmp and os.path.exists(self.tmp):
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.claimed and os.path.isdir(self.path) and not os.listdir(self.path):
            os.rmdir(self.path)


def _claim_default():
    parent = os.path.abspath("runs")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot create {parent} ({err.strerror}); choose another folder with --out") from None
    for n in range(1, 10_000):
        path = os.path.join(parent, f"{stamp}-{n}")
        try:
            os.mkdir(path)  # atomic: of two runs trying one name, exactly one gets it
            return path
        except FileExistsError:
            continue
        except OSError as err:
            raise UsageError(f"cannot write the output folder {path} ({err.strerror}); choose another --out") \
                from None
    raise UsageError(f"{parent} already holds 9,999 runs named {stamp}-*; choose a folder with --out")


def read_config(folder):
    """config.json of a run folder, with the errors a user can act on."""
    if not os.path.isdir(folder):
        raise UsageError(f"--run {folder}: no such folder; pass the --out folder of a `train` run")
    path = os.path.join(folder, "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except FileNotFoundError:
        raise UsageError(f"{folder} has no config.json; pass the --out folder of a `train` run") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as err:  # RecursionError: JSON nested too deep
        raise UsageError(f"{path} is damaged ({err}); train the run again") from None
    if not isinstance(config, dict) or not {"model", "vocab_size", "num_classes", "label_names"} <= set(config):
        raise UsageError(f"{path} lacks the model's description (model, vocab_size, ...); train the run again")
    # The fields read outside the model's builder (which checks its own): each of the type that train writes.
    names, max_len = config["label_names"], config.get("max_len")
    for field, right, what in (
            ("label_names", isinstance(names, list) and all(isinstance(n, str) for n in names)
             and len(names) == config["num_classes"], "a list of num_classes class names"),
            ("options", isinstance(config.get("options", {}), dict), "an object holding the run's options"),
            ("dataset", isinstance(config.get("dataset", ""), str), "the name of a dataset"),
            ("max_len", max_len is None or (type(max_len) is int and max_len > 0), "a positive whole number")):
        if not right:
            raise UsageError(f"{path} is damaged: \"{field}\" must be {what}; train the run again")
    return config


def refuse_oversized(config, state, path):
    """Refuse a run's config whose model has more parameters than the checkpoint ``state`` (read from ``path``) holds.

    Called before the model is built: its weights would otherwise fill the
    memory first (an edited ``embed_dim`` of 10^7), before any shape was compared.
    """
    try:
        held = sum(value.numel() for value in state["model"].values())
    except (KeyError, TypeError, AttributeError):
        raise UsageError(f"{path} holds no model state (a dict of tensors under 'model'); train the run again") \
            from None
    try:
        wanted = parameter_count(config)
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"config.json beside {path} cannot describe a model ({type(err).__name__}: {err}); "
                         "train the run again") from None
    if wanted > held:
        raise UsageError(f"config.json describes a model of {wanted:,} parameters but {path} holds {held:,} "
                         "numbers; the folder mixes files from different runs (or was edited)")


def load_run(folder):
    """(model, vocab, config) from a run folder, checking that its files belong together."""
    from ..text import Vocab

    config = read_config(folder)
    try:
        vocab = Vocab.load(os.path.join(folder, "vocab.json"))
    except (FileNotFoundError, ValueError) as err:
        raise UsageError(str(err)) from None
    if len(vocab) != config.get("vocab_size"):
        raise UsageError(f"{folder}: vocab.json has {len(vocab)} tokens but the model was built for "
                         f"{config.get('vocab_size')}; the folder mixes files from different runs")
    state = load(os.path.join(folder, "model.npz"))  # bounded by the file's own size
    refuse_oversized(config, state, os.path.join(folder, "model.npz"))
    try:
        model = build_model(config)
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"{folder}/config.json cannot describe a model ({type(err).__name__}: {err}); "
                         "train the run again") from None
    try:
        model.load_state_dict(state["model"])
    except (RuntimeError, KeyError, TypeError) as err:
        detail = " ".join(str(err).split("\n")[1:2]).strip() or str(err)
        raise UsageError(f"{folder}/model.npz does not match the model in config.json ({detail}); "
                         "the folder mixes files from different runs") from None
    return model.eval(), vocab, config
