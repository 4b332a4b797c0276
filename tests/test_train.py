"""train_epoch / evaluate / fit: learning, best weights, early stopping, schedules, checkpoints, exact resume."""
import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.data import DataLoader, TensorDataset
from minigrad.optim import SGD, Adam
from minigrad.optim.lr_scheduler import ReduceLROnPlateau, StepLR
from minigrad.serialization import load
from minigrad.train import History, TrainingDiverged, evaluate, fit, train_epoch


def _data(n=96, seed=1):
    """Two Gaussian blobs in 4-D: class = sign of the first feature (plus noise), so a Linear layer learns it."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(np.int64)
    return minigrad.tensor(x), minigrad.tensor(y)


def _setup(lr=0.05, scheduler=None, seed=0):
    """Everything a run needs, rebuilt from the seed (as a resumed script would)."""
    minigrad.manual_seed(seed)
    x, y = _data()
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
    optimizer = Adam(model.parameters(), lr=lr)
    sched = scheduler(optimizer) if scheduler else None
    train = DataLoader(TensorDataset(x[:64], y[:64]), batch_size=16, shuffle=True)
    val = DataLoader(TensorDataset(x[64:], y[64:]), batch_size=16)
    return model, optimizer, sched, train, val


def _weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_train_epoch_and_evaluate_learn():
    model, optimizer, _, train, val = _setup()
    first_loss, _ = evaluate(model, val)
    for _ in range(15):
        loss, acc = train_epoch(model, train, optimizer)
    val_loss, val_acc = evaluate(model, val)
    assert val_loss < first_loss and acc > 0.8 and val_acc > 0.8
    assert not model.training  # evaluate leaves the model in eval mode


def test_evaluate_is_the_weighted_mean_over_a_short_last_batch():
    model, _, _, _, _ = _setup()
    x, y = _data()
    whole, whole_acc = evaluate(model, DataLoader(TensorDataset(x, y), batch_size=96))
    batched, batched_acc = evaluate(model, DataLoader(TensorDataset(x, y), batch_size=40))  # 40 + 40 + 16
    assert batched == pytest.approx(whole, rel=1e-6) and batched_acc == whole_acc


def test_fit_history_and_best_epoch(capsys):
    model, optimizer, _, train, val = _setup()
    history = fit(model, optimizer, train, val, epochs=5, restore_best=False)
    assert isinstance(history, History)
    assert all(len(history[k]) == 5 for k in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"))
    assert history.val_accuracy is history["val_accuracy"]
    assert history.best_epoch == 1 + int(np.argmax(history.val_accuracy))  # first of the ties, counted from 1
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 5 and lines[0].startswith("epoch 1/5  train loss") and "ETA" in lines[0]
    assert "val loss" in lines[0] and lines[0].endswith("*")  # the first epoch is always a new best


def test_fit_quiet_mode(capsys):
    model, optimizer, _, train, val = _setup()
    fit(model, optimizer, train, val, epochs=2, verbose=False)
    assert capsys.readouterr().out == ""


def test_fit_restores_the_best_weights():
    model, optimizer, _, train, val = _setup(lr=0.3)  # a large rate, so later epochs move away
    history = fit(model, optimizer, train, val, epochs=6, monitor="val_loss", mode="min", verbose=False)
    best = history.best_epoch
    assert history.val_loss[best - 1] == min(history.val_loss)
    assert evaluate(model, val)[0] == pytest.approx(history.val_loss[best - 1], rel=1e-6)


def test_fit_without_validation_monitors_training():
    model, optimizer, _, train, _ = _setup(lr=0.0)  # a constant train accuracy: the first epoch stays the best
    history = fit(model, optimizer, train, epochs=3, verbose=False)
    assert history.val_loss == [] and history.best_epoch == 1


def test_early_stopping_after_patience_epochs_without_improvement(capsys):
    model, optimizer, _, train, val = _setup(lr=0.0)  # nothing changes, so only epoch 1 is an improvement
    history = fit(model, optimizer, train, val, epochs=10, early_stopping_patience=2)
    assert len(history.train_loss) == 3 and history.best_epoch == 1
    assert "early stopping" in capsys.readouterr().out


class RecordingPlateau(ReduceLROnPlateau):
    def step(self, metrics):
        self.seen = getattr(self, "seen", []) + [metrics]
        super().step(metrics)


def test_plateau_scheduler_gets_the_monitored_metric():
    model, _, _, train, val = _setup()
    optimizer = SGD(model.parameters(), lr=0.1)
    sched = RecordingPlateau(optimizer, mode="min", factor=0.5, patience=0)
    # Gradients clipped to ~0: the weights never change, so val_loss never improves after epoch 1.
    history = fit(model, optimizer, train, val, epochs=4, scheduler=sched, monitor="val_loss", mode="min",
                  clip_grad_norm=1e-30, verbose=False)
    assert sched.seen == history.val_loss
    assert history.lr == [0.1, 0.1, 0.05, 0.025]  # the rate each epoch trained with


def test_other_schedulers_step_once_per_epoch():
    model, optimizer, sched, train, val = _setup(lr=0.1, scheduler=lambda opt: StepLR(opt, step_size=1, gamma=0.5))
    history = fit(model, optimizer, train, val, epochs=3, scheduler=sched, verbose=False)
    assert history.lr == pytest.approx([0.1, 0.05, 0.025])


def test_clip_grad_norm_limits_each_step():
    minigrad.manual_seed(0)
    x, y = _data()
    model = nn.Linear(4, 2)
    before = _weights(model)
    optimizer = SGD(model.parameters(), lr=1.0)
    train_epoch(model, DataLoader(TensorDataset(x, y), batch_size=32), optimizer, clip_grad_norm=1e-3)
    moved = np.sqrt(sum(((before[k] - v) ** 2).sum() for k, v in _weights(model).items()))
    assert 0 < moved <= 3 * 1e-3 + 1e-7  # 3 batches, each step at most lr * max_norm long


def test_checkpoints_hold_everything_needed(tmp_path):
    model, optimizer, sched, train, val = _setup(scheduler=lambda opt: StepLR(opt, 1, 0.9))
    history = fit(model, optimizer, train, val, epochs=3, scheduler=sched, checkpoint_dir=tmp_path,
                  verbose=False)
    best, last = load(tmp_path / "best.npz"), load(tmp_path / "last.npz")
    assert best["epoch"] == history.best_epoch and last["epoch"] == 3
    assert set(last) == {"model", "optimizer", "scheduler", "epoch", "history", "rng", "best_model"}
    assert last["history"]["val_loss"] == history.val_loss and last["scheduler"]["last_epoch"] == 3
    # restore_best put the best weights back, and best.npz holds them
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(best["model"][name].numpy(), value.numpy())
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # atomic writes left nothing


def test_resume_continues_exactly(tmp_path):
    """4 epochs straight == 2 epochs, stop, rebuild everything, resume for 2 more: the same numbers, bit for bit.

    Dropout and shuffling draw from the global generator, Adam has running moments and the scheduler
    has a position: each must come back from the checkpoint for this to hold.
    """
    # step_size=3: the decay after epoch 3 happens only if the resumed scheduler knows it is at epoch 2.
    step_lr = lambda opt: StepLR(opt, step_size=3, gamma=0.5)  # noqa: E731
    model, optimizer, sched, train, val = _setup(scheduler=step_lr)
    straight = fit(model, optimizer, train, val, epochs=4, scheduler=sched, restore_best=False, verbose=False)
    expected = _weights(model)

    model, optimizer, sched, train, val = _setup(scheduler=step_lr)
    fit(model, optimizer, train, val, epochs=2, scheduler=sched, checkpoint_dir=tmp_path, verbose=False)
    model, optimizer, sched, train, val = _setup(scheduler=step_lr, seed=123)  # a fresh process, other seed
    resumed = fit(model, optimizer, train, val, epochs=4, scheduler=sched, restore_best=False, verbose=False,
                  resume_from=tmp_path / "last.npz")

    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"):
        assert resumed[key] == straight[key], key
    assert resumed.best_epoch == straight.best_epoch
    for name, value in _weights(model).items():
        np.testing.assert_array_equal(value, expected[name], err_msg=name)


def test_resume_restores_the_best_weights_of_earlier_epochs(tmp_path):
    model, optimizer, _, train, val = _setup(lr=0.5)  # with this rate the best epoch is epoch 1
    straight = fit(model, optimizer, train, val, epochs=4, verbose=False)
    expected = _weights(model)
    model, optimizer, _, train, val = _setup(lr=0.5)
    fit(model, optimizer, train, val, epochs=2, checkpoint_dir=tmp_path, verbose=False)
    model, optimizer, _, train, val = _setup(lr=0.5)
    resumed = fit(model, optimizer, train, val, epochs=4, resume_from=tmp_path / "last.npz", verbose=False)
    # The best weights are from before the interruption: last.npz must have carried them.
    assert resumed.best_epoch == straight.best_epoch == 1
    for name, value in _weights(model).items():
        np.testing.assert_array_equal(value, expected[name], err_msg=name)


def test_bad_arguments_are_named():
    model, optimizer, _, train, val = _setup()
    with pytest.raises(ValueError, match="mode"):
        fit(model, optimizer, train, val, mode="best")
    with pytest.raises(ValueError, match="monitor"):
        fit(model, optimizer, train, val, monitor="val_f1")
    with pytest.raises(ValueError, match="no batches"):
        train_epoch(model, DataLoader(TensorDataset(*_data(4)), batch_size=8, drop_last=True), optimizer)


def test_history_round_trips_through_a_dict():
    history = History({"train_loss": [0.5], "train_accuracy": [0.75]}, best_epoch=1)
    again = History.from_dict(history.to_dict())
    assert again == history and again.best_epoch == 1
    with pytest.raises(AttributeError, match="best_epoch"):
        history.val_f1


def test_a_folder_holding_checkpoints_is_not_silently_reused(tmp_path):
    model, optimizer, _, train, val = _setup()
    fit(model, optimizer, train, val, epochs=1, checkpoint_dir=tmp_path, verbose=False)
    before = (tmp_path / "last.npz").read_bytes()
    model, optimizer, _, train, val = _setup(seed=5)
    with pytest.raises(FileExistsError, match="already holds best.npz and last.npz.*resume_from.*overwrite=True"):
        fit(model, optimizer, train, val, epochs=1, checkpoint_dir=tmp_path, verbose=False)
    assert (tmp_path / "last.npz").read_bytes() == before
    fit(model, optimizer, train, val, epochs=1, checkpoint_dir=tmp_path, verbose=False, overwrite=True)
    assert (tmp_path / "last.npz").read_bytes() != before


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_a_diverging_loss_stops_training_and_names_where(tmp_path, capsys):
    model, optimizer, _, train, val = _setup(lr=1e30)
    with pytest.raises(TrainingDiverged, match=r"loss became (nan|inf) at epoch \d+, batch \d+; lower the "
                                               r"learning rate \(it was 1e\+30\)") as err:
        fit(model, optimizer, train, val, epochs=5, checkpoint_dir=tmp_path)
    assert err.value.epoch >= 1 and err.value.batch >= 1
    # Epochs before the divergence were finite and kept; the diverged one was never printed as a result.
    assert "nan" not in capsys.readouterr().out.lower()
