"""Training a classifier: one epoch written out (``train_epoch``, ``evaluate``), and ``fit`` around them.

Read ``train_epoch`` first: it is the loop of every lesson, nothing hidden::

    for inputs, targets in loader:
        logits = model(inputs)             # forward
        loss = loss_fn(logits, targets)
        optimizer.zero_grad()              # forget last batch's gradients
        loss.backward()                    # backward: fill every p.grad
        optimizer.step()                   # update: p -= lr * (something made of p.grad)

``fit`` repeats it for several epochs and adds what a real run needs: a
validation score each epoch, a learning-rate schedule, early stopping,
keeping the best weights, checkpoints, and resuming an interrupted run.
Loaders must yield ``(inputs, targets)`` with integer class ids as targets.

What is scored is each target entry, not each batch: a sentence label
(logits (N, C), targets (N,)) or every word of a tagged sentence (logits
(N, C, L), targets (N, L), PyTorch's layout for per-token cross-entropy).
The prediction is the argmax over the class dimension, 1 as
``F.cross_entropy`` reads it (``class_dim=-1`` for a tagger's (N, L, C)),
and target entries equal to the loss's ``ignore_index`` (-100, PyTorch's
default, the padding of a batch of sentences) are neither counted nor
scored.  The mean loss and the accuracy weigh each batch by its scored
entries, so an epoch's figures are per word for a tagger and per sentence
for a classifier, however the batches fall.
"""
import math
import os
import time

from . import random as _random
from .autograd import no_grad
from .nn.utils import clip_grad_norm_
from .ops.shape import stack
from .optim.lr_scheduler import ReduceLROnPlateau
from .serialization import load, save

METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "time")
IGNORE_INDEX = -100  # PyTorch's default ignore_index: the target of padding, neither counted nor scored


def _default_loss():
    from .nn import functional as F

    return F.cross_entropy


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite: the weights are ruined, and nothing after this point is a result.

    ``epoch`` and ``batch`` (counting from 1; ``batch`` is None for the
    validation pass) say where; ``fit`` fills in the epoch.
    """

    def __init__(self, loss, batch, lr, epoch=None):
        super().__init__(loss, batch, lr, epoch)
        self.loss, self.batch, self.lr, self.epoch = loss, batch, lr, epoch

    def __str__(self):
        where = f"batch {self.batch}" if self.batch is not None else "the validation pass"
        epoch = f"epoch {self.epoch}, " if self.epoch is not None else ""
        return (f"training diverged: the loss became {self.loss} at {epoch}{where}; lower the learning rate "
                f"(it was {self.lr:g}) or clip the gradient norm")


def _ignore_index(loss_fn):
    """The target value ``loss_fn`` skips: a loss module's ``ignore_index`` (``nn.CrossEntropyLoss(ignore_index=0)``),
    a ``functools.partial``'s keyword, or else PyTorch's default, -100."""
    keywords = getattr(loss_fn, "keywords", None) or {}
    return getattr(loss_fn, "ignore_index", keywords.get("ignore_index", IGNORE_INDEX))


def _score(logits, targets, ignore_index, class_dim):
    """(entries scored, entries right) of a batch: targets equal to ``ignore_index`` are neither."""
    scored = targets != ignore_index
    right = (logits.argmax(class_dim) == targets) & scored
    counts = stack([scored.sum(), right.sum()]).tolist()  # one read from a GPU for both, not two waits
    return int(counts[0]), int(counts[1])


def _no_entries(op):
    return ValueError(f"{op}: nothing to score: the loader yielded no batches (an empty dataset, or drop_last=True "
                      "with fewer examples than batch_size), or every target was the loss's ignore_index")


def train_epoch(model, loader, optimizer, loss_fn=None, clip_grad_norm=None, class_dim=1):
    """One pass over ``loader``, updating the model after each batch; returns (mean loss, accuracy).

    Both are means over the scored target entries (see the module's
    docstring): ``class_dim`` is where the logits hold the class scores.  A
    batch with no entry to score is skipped (its mean loss would be 0 / 0).
    A NaN or infinite loss raises ``TrainingDiverged`` before that batch's update.
    """
    loss_fn = loss_fn or _default_loss()
    ignore_index = _ignore_index(loss_fn)
    model.train()  # dropout on, BatchNorm uses the batch's statistics
    total_loss, correct, seen = 0.0, 0, 0
    for batch, (inputs, targets) in enumerate(loader, start=1):
        logits = model(inputs)
        n, right = _score(logits, targets, ignore_index, class_dim)
        if n == 0:
            continue
        loss = loss_fn(logits, targets)
        value = loss.item()
        if not math.isfinite(value):
            raise TrainingDiverged(value, batch, optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        loss.backward()
        if clip_grad_norm is not None:
            clip_grad_norm_(model.parameters(), clip_grad_norm)
        optimizer.step()
        # The loss is a mean over the batch's scored entries: weigh it by their number, so that a short
        # last batch, or one with fewer real words, counts less.
        total_loss, correct, seen = total_loss + value * n, correct + right, seen + n
    if seen == 0:
        raise _no_entries("train_epoch")
    return total_loss / seen, correct / seen


@no_grad()
def evaluate(model, loader, loss_fn=None, class_dim=1):
    """Mean loss and accuracy over the scored target entries of ``loader``, in eval mode and without a graph."""
    loss_fn = loss_fn or _default_loss()
    ignore_index = _ignore_index(loss_fn)
    model.eval()  # dropout off, BatchNorm uses its running statistics
    total_loss, correct, seen = 0.0, 0, 0
    for inputs, targets in loader:
        logits = model(inputs)
        n, right = _score(logits, targets, ignore_index, class_dim)
        if n:
            total_loss, correct, seen = total_loss + loss_fn(logits, targets).item() * n, correct + right, seen + n
    if seen == 0:
        raise _no_entries("evaluate")
    return total_loss / seen, correct / seen


class History(dict):
    """What ``fit`` returns: one list per metric, one entry per epoch, and ``best_epoch``.

    The lists are ``train_loss``, ``train_accuracy``, ``val_loss``,
    ``val_accuracy`` (empty without a validation loader), ``lr`` (the rate
    used during the epoch) and ``time`` (seconds).  ``best_epoch`` counts
    from 1; ``history["val_loss"]`` and ``history.val_loss`` are the same list.
    """

    def __init__(self, lists=None, best_epoch=None):
        super().__init__({name: list((lists or {}).get(name, [])) for name in METRICS})
        self.best_epoch = best_epoch

    def __getattr__(self, name):
        if name in self:
            return self[name]
        raise AttributeError(f"History has no {name!r}; it holds {', '.join(METRICS)} and best_epoch")

    def to_dict(self):
        """Plain lists and numbers, ready for JSON or ``minigrad.save``."""
        return {**{k: list(v) for k, v in self.items()}, "best_epoch": self.best_epoch}

    @classmethod
    def from_dict(cls, data):
        return cls(data, data.get("best_epoch"))


def _improved(value, best, mode):
    return best is None or (value > best if mode == "max" else value < best)


def _rng_state(loader):
    """Every random state the next epoch will draw from: the default generator and the loader's own."""
    state = {"default": _random.default_generator.get_state()}
    if getattr(loader, "generator", None) is not None:
        state["loader"] = loader.generator.get_state()
    return state


def _set_rng_state(state, loader):
    _random.default_generator.set_state(state["default"])
    if "loader" in state and getattr(loader, "generator", None) is not None:
        loader.generator.set_state(state["loader"])


def _snapshot(model):
    """A copy of the weights (state_dict shares memory with the live parameters)."""
    return {name: value.numpy().copy() for name, value in model.state_dict().items()}


def _progress(epoch, epochs, row, eta, improved):
    """One line per epoch; a star marks a new best."""
    parts = [f"epoch {epoch:>{len(str(epochs))}}/{epochs}",
             f"train loss {row['train_loss']:.4f} acc {row['train_accuracy']:.1%}"]
    if row["val_loss"] is not None:
        parts.append(f"val loss {row['val_loss']:.4f} acc {row['val_accuracy']:.1%}")
    parts += [f"lr {row['lr']:.2g}", f"{row['time']:.1f}s", f"ETA {eta:.0f}s"]
    return "  ".join(parts) + ("  *" if improved else "")


def fit(model, optimizer, train_loader, val_loader=None, epochs=10, loss_fn=None, scheduler=None,
        clip_grad_norm=None, early_stopping_patience=None, monitor="val_accuracy", mode="max",
        restore_best=True, checkpoint_dir=None, verbose=True, resume_from=None, overwrite=False, class_dim=1):
    """Train for up to ``epochs`` epochs; returns a ``History``.

    Each epoch: ``train_epoch``, then ``evaluate`` on ``val_loader``, then the
    scheduler (``ReduceLROnPlateau`` gets the monitored value, any other
    scheduler a plain ``step()``), then the bookkeeping below.

    - ``monitor`` (a History name) and ``mode`` ('max' or 'min') define the
      best epoch.  Without a ``val_loader``, a ``val_`` monitor falls back to
      the ``train_`` metric of the same name.
    - ``early_stopping_patience=k`` stops after k epochs in a row without
      improvement.  ``restore_best=True`` puts the best epoch's weights back
      at the end (dropping the later, overfitted ones).
    - ``checkpoint_dir``: ``best.npz`` is written at each improvement and
      ``last.npz`` after every epoch, each holding the model, optimizer and
      scheduler state, the epoch, the history and the random generators'
      state (written atomically by ``minigrad.save``).  A folder that
      already holds them is refused (they are another run's), unless this
      call resumes (``resume_from``) or says ``overwrite=True``.
    - A NaN or infinite training or validation loss stops training with
      ``TrainingDiverged``, naming the epoch and batch.
    - ``class_dim``: where the logits hold the class scores, for the
      accuracy (1, as ``F.cross_entropy`` reads them; -1 for a tagger's
      (N, L, C) trained with ``tagging.token_cross_entropy``).
    - ``resume_from``: a checkpoint path; training continues after its epoch
      up to ``epochs`` in total (the same call that was interrupted, plus
      ``resume_from``), exactly as if it had never stopped.  Build the model,
      optimizer and scheduler as before; their state comes from the file.
      On a GPU too: each epoch restarts the default generator's GPU stream
      from (seed, epoch) (``Generator.restart_device_streams``), since that
      stream's state cannot be saved; the CPU stream is checkpointed.
    """
    loss_fn = loss_fn or _default_loss()
    if mode not in ("max", "min"):
        raise ValueError(f"fit: mode must be 'max' (accuracy) or 'min' (loss), got {mode!r}")
    if val_loader is None and monitor.startswith("val_"):
        monitor = "train_" + monitor[len("val_"):]
    if monitor not in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
        raise ValueError(f"fit: monitor must be train_loss, train_accuracy, val_loss or val_accuracy, got {monitor!r}")
    if checkpoint_dir is not None:
        os.makedirs(checkpoint_dir, exist_ok=True)
        found = [n for n in ("best.npz", "last.npz") if os.path.exists(os.path.join(checkpoint_dir, n))]
        if found and resume_from is None and not overwrite:
            raise FileExistsError(f"fit: {os.fspath(checkpoint_dir)} already holds {' and '.join(found)} from "
                                  "another run; pass resume_from=... to continue it, overwrite=True to replace "
                                  "them, or another checkpoint_dir")

    history, start, best_state = History(), 0, None
    if resume_from is not None:
        history, start, best_state = _resume(resume_from, model, optimizer, scheduler, train_loader)
    best_epoch = history.best_epoch
    best = history[monitor][best_epoch - 1] if best_epoch else None
    if best_state is None and best_epoch is not None:
        best_state = _snapshot(model)  # resumed from the best checkpoint: the model holds the best weights
    began = time.perf_counter()

    for epoch in range(start + 1, epochs + 1):
        # A GPU's random stream cannot be checkpointed: restart it from (seed, epoch), so a resumed run repeats it.
        _random.default_generator.restart_device_streams(epoch)
        tick = time.perf_counter()
        lr = optimizer.param_groups[0]["lr"]  # the rate this epoch trains with, before the scheduler moves it
        try:
            train_loss, train_acc = train_epoch(model, train_loader, optimizer, loss_fn, clip_grad_norm, class_dim)
            val_loss = val_acc = None
            if val_loader is not None:
                val_loss, val_acc = evaluate(model, val_loader, loss_fn, class_dim)
                if not math.isfinite(val_loss):
                    raise TrainingDiverged(val_loss, None, lr)
        except TrainingDiverged as err:
            err.epoch = epoch
            raise
        row = {"train_loss": train_loss, "train_accuracy": train_acc, "val_loss": val_loss,
               "val_accuracy": val_acc, "lr": lr, "time": time.perf_counter() - tick}
        for name, value in row.items():
            if value is not None:
                history[name].append(value)

        if isinstance(scheduler, ReduceLROnPlateau):
            scheduler.step(row[monitor])
        elif scheduler is not None:
            scheduler.step()

        improved = _improved(row[monitor], best, mode)
        if improved:
            best, best_epoch, best_state = row[monitor], epoch, _snapshot(model)
        history.best_epoch = best_epoch
        if checkpoint_dir is not None:
            state = _checkpoint(model, optimizer, scheduler, epoch, history, train_loader)
            if improved:
                save(state, os.path.join(checkpoint_dir, "best.npz"))
            save({**state, "best_model": best_state}, os.path.join(checkpoint_dir, "last.npz"))
        if verbose:
            # ETA: the mean epoch time of this call so far, times the epochs left.
            eta = (time.perf_counter() - began) / (epoch - start) * (epochs - epoch)
            print(_progress(epoch, epochs, row, eta, improved), flush=True)
        if early_stopping_patience is not None and epoch - best_epoch >= early_stopping_patience:
            if verbose:
                print(f"early stopping: {monitor} has not improved for {early_stopping_patience} epochs "
                      f"(best {best:.4f} at epoch {best_epoch})", flush=True)
            break

    if restore_best and best_state is not None:
        model.load_state_dict(best_state)
    return history


def _checkpoint(model, optimizer, scheduler, epoch, history, loader):
    return {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "epoch": epoch,
        "history": history.to_dict(),
        "rng": _rng_state(loader),
    }


def _resume(path, model, optimizer, scheduler, loader):
    """Load a checkpoint written by ``fit`` into the given objects; returns (history, epoch, best weights)."""
    checkpoint = load(path)
    missing = [k for k in ("model", "optimizer", "epoch", "history", "rng") if k not in checkpoint]
    if missing:
        raise ValueError(f"fit(resume_from={os.fspath(path)!r}): not a checkpoint written by fit "
                         f"(missing {', '.join(missing)}); pass best.npz or last.npz from a checkpoint_dir")
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None and checkpoint["scheduler"] is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    _set_rng_state(checkpoint["rng"], loader)
    return History.from_dict(checkpoint["history"]), checkpoint["epoch"], checkpoint.get("best_model")
