"""The bank of exercises: name, title, lecture topic and difficulty of each.

The order here is the order of a course: activations, layers, the loss,
text layers, regularisation and normalisation, optimizers, and finally the
gradient checker itself.  Points come from the graded checks
(``checks/<name>.py``); each exercise is worth 10.
"""
from dataclasses import dataclass
from pathlib import Path

from . import checks

SOLUTIONS = Path(__file__).resolve().parent / "solutions"


@dataclass(frozen=True)
class Exercise:
    name: str  # also the file name: <name>.py
    title: str
    topic: str  # the lecture it belongs to
    difficulty: str  # easy, medium or hard
    api: str  # what the student writes: a Function, an optimizer step, or a gradient checker

    @property
    def solution_path(self):
        return SOLUTIONS / f"{self.name}.py"

    @property
    def file_name(self):
        return f"{self.name}.py"

    @property
    def points(self):
        return sum(check.points for check in checks.load(self.name).CHECKS)


EXERCISES = (
    Exercise("sigmoid", "Sigmoid backward", "Activations", "easy", "Function"),
    Exercise("tanh", "Tanh backward", "Activations", "easy", "Function"),
    Exercise("relu", "ReLU backward", "Activations", "easy", "Function"),
    Exercise("linear", "Linear layer: x W^T + b, gradients for x, W and b", "Neural layers and backpropagation",
             "medium", "Function"),
    Exercise("cross_entropy", "Log-softmax and cross-entropy: the gradient p - y", "Softmax and cross-entropy",
             "medium", "Function"),
    Exercise("embedding", "Embedding lookup with repeated indices and a padding row", "Word embeddings",
             "medium", "Function"),
    Exercise("conv1d", "1-D convolution, forward and backward", "Convolutions for text", "hard", "Function"),
    Exercise("maxpool_time", "Max-pooling over time, with ties", "Convolutions for text", "medium", "Function"),
    Exercise("dropout", "Inverted dropout", "Regularisation", "medium", "Function"),
    Exercise("batchnorm1d", "BatchNorm1d in training mode", "Normalisation", "hard", "Function"),
    Exercise("sgd_momentum", "One step of SGD with momentum", "Optimisation", "easy", "optimizer"),
    Exercise("adam", "One step of Adam", "Optimisation", "medium", "optimizer"),
    Exercise("gradient_check", "Write a central-difference checker; find the broken backward",
             "Gradient checking", "medium", "gradcheck"),
)

BY_NAME = {exercise.name: exercise for exercise in EXERCISES}


def get(name):
    """The exercise called ``name``; a KeyError that lists the known names otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no exercise called {name!r}; the exercises are: {', '.join(BY_NAME)}") from None


def select(names=None):
    """The exercises called ``names`` (all of them when ``names`` is empty), in catalogue order."""
    if not names:
        return list(EXERCISES)
    wanted = [get(name) for name in names]
    return [exercise for exercise in EXERCISES if exercise in wanted]
