"""Loss functions: how far a prediction is from its target, as one number to minimise.

The losses live in three files, by the kind of target; this file gathers
them and holds their ``Module`` forms (``nn.CrossEntropyLoss``, ...).

    classification_loss.py  cross_entropy, nll_loss       C classes, class indices (or probabilities)
    binary_loss.py          binary_cross_entropy,         0/1 targets: two classes, or several
                            binary_cross_entropy_with_logits   independent labels
    regression_loss.py      mse_loss, l1_loss, smooth_l1_loss, huber_loss

Every loss first computes one value l_n per target entry, then ``reduction``
turns them into the result: 'none' keeps them all, 'sum' adds them up, and
'mean' averages them (for a class-weighted loss, a *weighted* average: it
divides by the sum of the weights used, as PyTorch does).
"""
from ._loss_util import check_reduction
from .binary_loss import binary_cross_entropy, binary_cross_entropy_with_logits
from .classification_loss import cross_entropy, nll_loss
from .module import Module
from .regression_loss import huber_loss, l1_loss, mse_loss, smooth_l1_loss

__all__ = [
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss",
    "l1_loss", "smooth_l1_loss", "huber_loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
]


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class _WeightedLoss(_Loss):
    """A loss with a per-class ``weight``, kept as a buffer: saved with the model, never learned."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits and class indices (or probabilities); see ``cross_entropy`` for the formula.

    Args: weight (C,), ignore_index (-100), reduction ('mean'), label_smoothing (0.0).
    Shapes: input (N, C), (N, C, d1, ...) or (C,); target int64 (N,), (N, d1, ...)
    or (), or float of the input's shape.  Output: a scalar, or the target's shape with 'none'.
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return cross_entropy(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities and class indices; see ``nll_loss``.

    Use after ``LogSoftmax(dim=1)``; ``CrossEntropyLoss`` does both in one.
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean"):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities: l = -w [y log x + (1 - y) log(1 - x)]; see ``binary_cross_entropy``."""

    def forward(self, input, target):
        return binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy on logits, stably; see ``binary_cross_entropy_with_logits``.

    Args: weight (broadcast to the input), reduction ('mean'), pos_weight (C,)
    (weight of the positive targets of each class, along the last dimension).
    """

    def __init__(self, weight=None, *, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class MSELoss(_Loss):
    """Mean squared error: l = (x - y)^2."""

    def forward(self, input, target):
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: l = |x - y|."""

    def forward(self, input, target):
        return l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """l = 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta; see ``smooth_l1_loss``."""

    def __init__(self, *, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """l = 0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta); see ``huber_loss``."""

    def __init__(self, *, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)
