"""Reference solution of exercise lstm_cell: the task is minigrad/exercises/bank/lstm_cell.py."""
import numpy as np

from minigrad import Function


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


class LSTMCell(Function):
    """out = [h', c'] with c' = f * c + i * g and h' = o * tanh(c'), gates i, f, g, o"""

    @staticmethod
    def forward(ctx, x, h, c, w_ih, w_hh, b_ih, b_hh):
        hidden = h.shape[1]
        a = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i = sigmoid(a[:, :hidden])
        f = sigmoid(a[:, hidden : 2 * hidden])
        g = np.tanh(a[:, 2 * hidden : 3 * hidden])
        o = sigmoid(a[:, 3 * hidden :])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        ctx.save_for_backward(x, h, c, w_ih, w_hh, i, f, g, o, c_new)
        return np.concatenate([h_new, c_new], axis=1)

    @staticmethod
    def backward(ctx, grad_output):
        x, h, c, w_ih, w_hh, i, f, g, o, c_new = ctx.saved_tensors
        hidden = h.shape[1]
        dh, dc = grad_output[:, :hidden], grad_output[:, hidden:]
        tanh_c = np.tanh(c_new)
        dc_total = dc + dh * o * (1 - tanh_c * tanh_c)
        d_o = dh * tanh_c
        d_i, d_f, d_g = dc_total * g, dc_total * c, dc_total * i
        grad_a = np.concatenate([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g * g), d_o * o * (1 - o)],
                                axis=1)
        grad_c = dc_total * f
        grad_b = grad_a.sum(axis=0)
        return grad_a @ w_ih, grad_a @ w_hh, grad_c, grad_a.T @ x, grad_a.T @ h, grad_b, grad_b.copy()


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    """Apply ``LSTMCell`` to minigrad Tensors; returns [h', c'] side by side."""
    return LSTMCell.apply(x, h, c, w_ih, w_hh, b_ih, b_hh)
