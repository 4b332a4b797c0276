"""Optimizers and learning-rate schedules, with PyTorch's names.

``optimizer.py`` (the base class: param groups, state, state_dict),
``sgd.py``, ``adam.py``, ``adamw.py`` (one update rule each, written out in
its docstring) and ``lr_scheduler.py``.
"""
from . import lr_scheduler
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "lr_scheduler"]
