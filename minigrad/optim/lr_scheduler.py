"""Learning-rate schedules: change each param group's ``'lr'`` as training goes on.

Call ``scheduler.step()`` once per epoch (or per batch, for per-step
schedules such as warm-up), *after* ``optimizer.step()``::

    scheduler = StepLR(optimizer, step_size=10, gamma=0.5)
    for epoch in range(30):
        train_one_epoch(model, optimizer)
        scheduler.step()

Building a scheduler already counts as its first step: ``last_epoch``
goes from -1 to 0 and ``'lr'`` is set to the schedule's value at 0.

Like PyTorch, most schedules here are *recursive* (chainable): they scale
the group's current ``'lr'`` rather than recompute it from the start, so two
schedulers, or a change made by hand, combine instead of overwriting each
other.  Each docstring gives the closed form the recursion follows when it
acts alone.
"""
import math

from .optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses define ``get_lr()``, the new lr of every group at ``last_epoch``.

    Attributes:
        last_epoch: how many times ``step()`` has been called since the start (0 after building).
        base_lrs: each group's ``'initial_lr'``, its lr when the schedule began.
    """

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param_groups[{i}] has no 'initial_lr', which resuming with last_epoch={last_epoch} "
                        "needs. Build the scheduler with last_epoch=-1 and restore it with load_state_dict()."
                    )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        # The first step only records where the schedule starts.
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self):
        raise NotImplementedError(f"{type(self).__name__} must define get_lr(self)")

    def step(self):
        """Advance the schedule by one epoch (or batch) and write the new lr into every group."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The lr of every group as last set by this scheduler (a list, one per group)."""
        return self._last_lr

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """Every attribute except the optimizer (and functions, which cannot be saved)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    """``lr = base_lr * lr_lambda(last_epoch)``: any schedule you can write as a function.

    ``lr_lambda`` is one function, or a list with one per param group::

        LambdaLR(optimizer, lr_lambda=lambda epoch: 0.95 ** epoch)

    The functions are not saved by ``state_dict()``: pass the same ones when
    rebuilding the scheduler.
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: expected {n} lr_lambdas (one per param group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch, got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * fn(self.last_epoch) for base, fn in zip(self.base_lrs, self.lr_lambdas)]


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    Closed form: ``lr = base_lr * gamma ** (last_epoch // step_size)``.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int (epochs between decays), got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each epoch listed in ``milestones``.

    Closed form: ``lr = base_lr * gamma ** (number of milestones <= last_epoch)``.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        # A milestone listed twice decays twice, as in PyTorch.
        times = self.milestones.count(self.last_epoch)
        return [lr * self.gamma**times for lr in self._current_lrs()]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch: ``lr = base_lr * gamma ** last_epoch``."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    r"""Follow half a cosine from the base lr down to ``eta_min`` over ``T_max`` epochs.

    Closed form (SGDR, Loshchilov & Hutter 2017, without restarts)::

        lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2

    As in PyTorch it is computed recursively from the current lr, which gives
    the closed form when the scheduler acts alone::

        lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi * t / T_max)) / (1 + cos(pi * (t - 1) / T_max))

    After ``T_max`` the cosine carries on, so the lr rises back to the base
    lr at ``2 * T_max`` (the step out of each trough, where the ratio above
    would divide by zero, adds ``(base_lr - eta_min) * (1 - cos(pi / T_max)) / 2``).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive number of epochs, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:
            # Resumed with last_epoch > 0: there is no previous lr of this run to recurse from.
            return [low + (base - low) * (1 + math.cos(math.pi * t / T)) / 2 for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - low) * (1 - math.cos(math.pi / T)) / 2
                    for lr, base in zip(self._current_lrs(), self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [low + ratio * (lr - low) for lr in self._current_lrs()]


class LinearWarmupDecay(LRScheduler):
    """Warm up linearly from 0 to the base lr, then decay linearly to ``end_factor * base_lr``.

    Meant to be stepped once per batch (the usual schedule for transformers;
    the same as Hugging Face's ``get_linear_schedule_with_warmup`` when
    ``end_factor=0``)::

        factor(t) = t / warmup_steps                                        for t < warmup_steps
        factor(t) = end_factor + (1 - end_factor) * (total_steps - t) / (total_steps - warmup_steps)
                                                                            for warmup_steps <= t < total_steps
        factor(t) = end_factor                                              for t >= total_steps
        lr_t = base_lr * factor(t)

    The lr is 0 for the very first batch (t = 0) and reaches the base lr at
    ``t = warmup_steps``.  Warm-up keeps Adam's first steps small while its
    second-moment estimate is still poor.
    """

    def __init__(self, optimizer, warmup_steps, total_steps, end_factor=0.0, last_epoch=-1):
        if not 0 <= warmup_steps < total_steps:
            raise ValueError(
                f"LinearWarmupDecay: need 0 <= warmup_steps < total_steps, got warmup_steps={warmup_steps}, "
                f"total_steps={total_steps} (total_steps counts every scheduler.step(), warm-up included)"
            )
        if not 0.0 <= end_factor <= 1.0:
            raise ValueError(f"LinearWarmupDecay: end_factor must be in [0, 1], got {end_factor}")
        self.warmup_steps = warmup_steps
        self.total_steps = total_steps
        self.end_factor = end_factor
        super().__init__(optimizer, last_epoch)

    def factor(self, t):
        if t < self.warmup_steps:
            return t / self.warmup_steps
        if t >= self.total_steps:
            return self.end_factor
        remaining = (self.total_steps - t) / (self.total_steps - self.warmup_steps)
        return self.end_factor + (1 - self.end_factor) * remaining

    def get_lr(self):
        return [base * self.factor(self.last_epoch) for base in self.base_lrs]


class ReduceLROnPlateau(LRScheduler):
    """Divide the lr when a metric (usually the validation loss) stops improving.

    Call ``scheduler.step(metric)`` once per epoch.  Each call::

        better = metric < best * (1 - threshold)   (mode='min', threshold_mode='rel')
                 metric < best - threshold         (mode='min', threshold_mode='abs')
                 metric > best * (1 + threshold)   (mode='max', threshold_mode='rel')
                 metric > best + threshold         (mode='max', threshold_mode='abs')
        if better: best = metric; num_bad_epochs = 0   else: num_bad_epochs += 1
        if cooldown_counter > 0: cooldown_counter -= 1; num_bad_epochs = 0   (bad epochs in cooldown don't count)
        if num_bad_epochs > patience:
            lr = max(lr * factor, min_lr)   for each group (skipped if it would change by <= eps)
            cooldown_counter = cooldown; num_bad_epochs = 0

    So with ``patience=2`` the lr drops on the third epoch in a row without
    improvement.  ``best`` starts at +inf for 'min' and -inf for 'max'.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau needs an Optimizer, got {type(optimizer).__name__}")
        if mode not in ("min", "max"):
            raise ValueError(
                f"ReduceLROnPlateau: mode must be 'min' (for a loss) or 'max' (for accuracy), got {mode!r}"
            )
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        if not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1) so the lr goes down, got {factor}")
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(
                    f"ReduceLROnPlateau: expected {n} min_lr values (one per param group), got {len(min_lr)}"
                )
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * n
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.eps = cooldown, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = self._current_lrs()

    def is_better(self, metric):
        if self.mode == "min":
            bar = self.best * (1 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return metric < bar
        bar = self.best * (1 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return metric > bar

    def step(self, metrics):
        """Record this epoch's metric (a number or a one-element Tensor) and maybe lower the lr."""
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()
