"""Ctrl-C in the middle of training, for the tests of interrupted and resumed runs."""
import contextlib

import minigrad.train


@contextlib.contextmanager
def ctrl_c_in_epoch(epoch):
    """Inside the block, ``fit``'s call of ``train_epoch`` number ``epoch`` raises KeyboardInterrupt.

    ``fit`` looks ``train_epoch`` up in ``minigrad.train`` each epoch, so replacing it there stops
    a run as Ctrl-C would, part-way through that epoch.  The real one is back after the block.
    """
    real, calls = minigrad.train.train_epoch, []

    def train_epoch(*args, **kwargs):
        calls.append(1)
        if len(calls) == epoch:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    minigrad.train.train_epoch = train_epoch
    try:
        yield
    finally:
        minigrad.train.train_epoch = real
