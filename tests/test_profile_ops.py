"""benchmarks/profile_ops.py: the arithmetic it credits to each matrix product, and its message without nn.LSTM."""
import sys
from pathlib import Path

import pytest

import minigrad
import minigrad.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import profile_ops  # noqa: E402


def test_flops_of_conv1d_and_linear_forward_and_backward():
    conv = nn.Conv1d(4, 3, kernel_size=2, stride=2, padding=1, dilation=1)
    fc = nn.Linear(3 * 4, 5)

    def run():
        x = minigrad.randn(2, 4, 7)
        fc(conv(x).reshape(2, -1)).sum().backward()

    flops = profile_ops.count_flops(run)
    l_out = (7 + 2 - 1 * (2 - 1) - 1) // 2 + 1  # 4
    conv_forward = 2 * 2 * l_out * 4 * 2 * 3  # 2 * N * L_out * C_in * K * C_out
    # x needs no gradient: backward is one product (the weights'), for the conv; two for the Linear.
    assert flops["Conv1dFunction"] == [conv_forward, conv_forward]
    linear_forward = 2 * 2 * 12 * 5
    assert flops["LinearFunction"] == [linear_forward, 2 * linear_forward]


def test_lstm_without_nn_lstm_says_so(monkeypatch):
    monkeypatch.delattr(nn, "LSTM", raising=False)
    with pytest.raises(SystemExit, match="no nn.LSTM"):
        profile_ops.lstm(100)
