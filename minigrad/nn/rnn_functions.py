"""Backpropagation through time, written out: one ``Function`` per layer and direction.

A recurrent layer applies one cell at every step t = 1..T, carrying a state:

    h_t = cell(x_t, h_{t-1})          h_0 given (zeros by default)

Unrolled, it is a deep network with T layers that share their weights, so
its backward is ordinary backpropagation run from t = T down to 1 (BPTT):
at each step the gradient reaching h_t comes from two places, the loss at
step t (dL/dout_t) and the next step (dL/dh_{t+1} dh_{t+1}/dh_t), and the
shared weights collect one contribution per step.

Each Function below does that in two loops: ``forward`` runs the cell over
t, saving what backward needs (the gates); ``backward`` runs over t in
reverse, turning dL/dh_t into dL/d(pre-activations) step by step.  The
pre-activation gradients of all steps, stacked as dA (T, N, G*H), give the
weight gradients in one matrix product each after the loop:

    dL/dW_ih = sum_t dA_t^T x_t          dL/dx_t = dA_t W_ih
    dL/dW_hh = sum_t dA'_t^T h_{t-1}     dL/db   = sum_t sum_n dA_t

(dA' = dA, except for the GRU, whose candidate gate reads W_hh h through the
reset gate).  The input's share of every gate, x_t W_ih^T + b_ih, is also one
matrix product for all steps, before the loop: only h_{t-1} W_hh^T must wait
for the previous step.  That is why one Function per sequence is fast: the
Python loop does a few small products per step, not a graph node per gate.

Conventions shared by the three Functions (all arrays time-major):

    x (T, N, I)   h0, c0 (N, H)   W_ih (G*H, I)   W_hh (G*H, H)   b_ih, b_hh (G*H,) or None
    mask (T, N, 1) bool or None: False at padded steps, where the state is
        carried over unchanged (s_t = s_{t-1}), so that after the loop the
        state is the one of each sequence's last real step
    reverse: run t = T..1 instead of 1..T (the backward half of a bidirectional layer)

    returns the state after every step, S (T, N, H) - for the LSTM
    (T, N, 2H), h_t and c_t side by side - indexed by t whatever the direction.

With a mask, s_t = m_t * cell(x_t, s_{t-1}) + (1 - m_t) * s_{t-1}, so
dL/ds_{t-1} gets (1 - m_t) dL/ds_t directly and the cell sees m_t dL/ds_t.

Notation: sigma is the logistic sigmoid, * the elementwise product, g the
incoming gradient; sigma' = sigma (1 - sigma) and tanh' = 1 - tanh^2.
"""
from .. import backend
from ..autograd import Function


def _steps(length, reverse):
    return range(length - 1, -1, -1) if reverse else range(length)


def _previous_states(states, first, reverse):
    """s_{t-1} for every t (the state each step started from), time-major: ``first`` for the first step."""
    xp = backend.get_array_module(states)
    if reverse:
        return xp.concatenate([states[1:], first[None]], axis=0)
    return xp.concatenate([first[None], states[:-1]], axis=0)


def _sigmoid(xp, a):
    """sigma(a) = (1 + tanh(a / 2)) / 2: the same function, and tanh never overflows."""
    return 0.5 + 0.5 * xp.tanh(0.5 * a)


def _input_part(x, w_ih, b_ih):
    """x_t W_ih^T + b_ih for every t at once: (T, N, G*H)."""
    t, n, i = x.shape
    xw = (x.reshape(t * n, i) @ w_ih.T).reshape(t, n, -1)
    return xw + b_ih if b_ih is not None else xw


def _weight_grads(ctx, grad_pre, x, w_ih, grad_pre_hh, h_prev):
    """dL/dx, dL/dW_ih, dL/dW_hh, dL/db_ih, dL/db_hh from the stacked pre-activation gradients."""
    needs, w = ctx.needs_input_grad, ctx.w_ih_index  # the arguments x, ..., W_ih, W_hh, b_ih, b_hh
    t, n, i = x.shape
    gh = grad_pre.shape[-1]
    flat = grad_pre.reshape(t * n, gh)
    flat_hh = grad_pre_hh.reshape(t * n, gh)
    grad_x = (flat @ w_ih).reshape(t, n, i) if needs[0] else None
    grad_w_ih = flat.T @ x.reshape(t * n, i) if needs[w] else None
    grad_w_hh = flat_hh.T @ h_prev.reshape(t * n, -1) if needs[w + 1] else None
    grad_b_ih = flat.sum(axis=0) if ctx.has_bias and needs[w + 2] else None
    grad_b_hh = flat_hh.sum(axis=0) if ctx.has_bias and needs[w + 3] else None
    return grad_x, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh


class RNNFunction(Function):
    """h_t = f(a_t),  a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh,  f = tanh or relu

    Backward, with g_t = dL/dh_t gathered from the output and from step t+1:

        dL/da_t     = g_t * f'(a_t)          (tanh: 1 - h_t^2;  relu: 1 where h_t > 0)
        dL/dh_{t-1} = dL/da_t W_hh           (what step t-1 receives from step t)

    Multiplying by W_hh and f' at every step is why gradients vanish (or
    explode) over long sequences: dL/dh_1 holds a product of T such factors.

    Arguments: x, h0, w_ih, w_hh, b_ih, b_hh, mask, (reverse, nonlinearity).
    """

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, mask, settings):
        xp = ctx.xp
        reverse, nonlinearity = settings
        pre = _input_part(x, w_ih, b_ih)
        if b_hh is not None:
            pre = pre + b_hh
        w_hh_t = w_hh.T
        states = xp.empty(pre.shape, dtype=x.dtype)
        outs = xp.empty(pre.shape, dtype=x.dtype)  # f(a_t) before masking, for f'
        h = h0
        for t in _steps(x.shape[0], reverse):
            a = pre[t] + h @ w_hh_t
            new = xp.tanh(a) if nonlinearity == "tanh" else xp.maximum(a, 0)
            outs[t] = new
            h = new if mask is None else xp.where(mask[t], new, h)
            states[t] = h
        ctx.save_for_backward(x, h0, w_ih, w_hh, states, outs, mask)
        ctx.reverse, ctx.nonlinearity = reverse, nonlinearity
        ctx.has_bias, ctx.w_ih_index = b_ih is not None, 2
        return states

    @staticmethod
    def backward(ctx, g):
        xp = ctx.xp
        x, h0, w_ih, w_hh, states, outs, mask = ctx.saved_tensors
        grad_pre = xp.empty(outs.shape, dtype=g.dtype)
        dh = xp.zeros(h0.shape, dtype=g.dtype)
        for t in _steps(x.shape[0], not ctx.reverse):
            dh = dh + g[t]
            d_new = dh if mask is None else dh * mask[t]
            if ctx.nonlinearity == "tanh":
                da = d_new * (1 - outs[t] * outs[t])
            else:
                da = d_new * (outs[t] > 0)
            grad_pre[t] = da
            carried = da @ w_hh
            dh = carried if mask is None else carried + dh * ~mask[t]
        h_prev = _previous_states(states, h0, ctx.reverse)
        grad_x, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh = _weight_grads(ctx, grad_pre, x, w_ih, grad_pre, h_prev)
        return grad_x, dh, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh, None, None


class LSTMFunction(Function):
    """Gates (i, f, g, o) = (sigma, sigma, tanh, sigma)(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), then

        c_t = f * c_{t-1} + i * g           (the cell state: an additive path through time)
        h_t = o * tanh(c_t)

    Backward, with dL/dh_t and dL/dc_t gathered from the output and step t+1:

        dL/do       = dL/dh_t * tanh(c_t)
        dL/dc_t    += dL/dh_t * o * (1 - tanh(c_t)^2)
        dL/di = dL/dc_t * g     dL/dg = dL/dc_t * i     dL/df = dL/dc_t * c_{t-1}
        dL/dc_{t-1} = dL/dc_t * f            (no weight matrix, no squashing: only the forget gate)
        pre-activations: dL/da_i = dL/di * i (1 - i), dL/da_f = dL/df * f (1 - f),
                         dL/da_g = dL/dg * (1 - g^2), dL/da_o = dL/do * o (1 - o)
        dL/dh_{t-1} = [dL/da_i, dL/da_f, dL/da_g, dL/da_o] W_hh

    Arguments: x, h0, c0, w_ih, w_hh, b_ih, b_hh, mask, reverse.  Returns
    (T, N, 2H): h_t in the first H columns, c_t in the last H.
    """

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, mask, reverse):
        xp = ctx.xp
        hidden = h0.shape[-1]
        pre = _input_part(x, w_ih, b_ih)
        if b_hh is not None:
            pre = pre + b_hh
        w_hh_t = w_hh.T
        gates = xp.empty(pre.shape, dtype=x.dtype)  # i, f, g, o after their nonlinearity
        cells = xp.empty(pre.shape[:2] + (hidden,), dtype=x.dtype)  # c_t before masking
        states = xp.empty(pre.shape[:2] + (2 * hidden,), dtype=x.dtype)
        h, c = h0, c0
        for t in _steps(x.shape[0], reverse):
            a = pre[t] + h @ w_hh_t
            ifo = _sigmoid(xp, a)  # sigma for i, f, o; the block of g is replaced by tanh below
            ifo[:, 2 * hidden : 3 * hidden] = xp.tanh(a[:, 2 * hidden : 3 * hidden])
            i, f, g, o = (ifo[:, k * hidden : (k + 1) * hidden] for k in range(4))
            c_new = f * c + i * g
            h_new = o * xp.tanh(c_new)
            gates[t], cells[t] = ifo, c_new
            if mask is not None:
                h_new, c_new = xp.where(mask[t], h_new, h), xp.where(mask[t], c_new, c)
            h, c = h_new, c_new
            states[t, :, :hidden], states[t, :, hidden:] = h, c
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, states, gates, cells, mask)
        ctx.reverse, ctx.has_bias, ctx.w_ih_index = reverse, b_ih is not None, 3
        return states

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x, h0, c0, w_ih, w_hh, states, gates, cells, mask = ctx.saved_tensors
        hidden = h0.shape[-1]
        grad_pre = xp.empty(gates.shape, dtype=grad.dtype)
        c_prev_all = _previous_states(states[:, :, hidden:], c0, ctx.reverse)
        dh = xp.zeros(h0.shape, dtype=grad.dtype)
        dc = xp.zeros(h0.shape, dtype=grad.dtype)
        for t in _steps(x.shape[0], not ctx.reverse):
            dh = dh + grad[t, :, :hidden]
            dc = dc + grad[t, :, hidden:]
            dh_cell, dc_cell = (dh, dc) if mask is None else (dh * mask[t], dc * mask[t])
            i, f, g, o = (gates[t, :, k * hidden : (k + 1) * hidden] for k in range(4))
            tanh_c = xp.tanh(cells[t])
            d_o = dh_cell * tanh_c
            dc_cell = dc_cell + dh_cell * o * (1 - tanh_c * tanh_c)
            d_i, d_g, d_f = dc_cell * g, dc_cell * i, dc_cell * c_prev_all[t]
            da = grad_pre[t]
            da[:, :hidden] = d_i * i * (1 - i)
            da[:, hidden : 2 * hidden] = d_f * f * (1 - f)
            da[:, 2 * hidden : 3 * hidden] = d_g * (1 - g * g)
            da[:, 3 * hidden :] = d_o * o * (1 - o)
            dh_carried, dc_carried = da @ w_hh, dc_cell * f
            if mask is None:
                dh, dc = dh_carried, dc_carried
            else:
                dh, dc = dh_carried + dh * ~mask[t], dc_carried + dc * ~mask[t]
        h_prev = _previous_states(states[:, :, :hidden], h0, ctx.reverse)
        grads = _weight_grads(ctx, grad_pre, x, w_ih, grad_pre, h_prev)
        return (grads[0], dh, dc) + grads[1:] + (None, None)


class GRUFunction(Function):
    """PyTorch's GRU, with b_hn inside the reset product:

        r = sigma(x W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr)          (reset)
        z = sigma(x W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz)          (update)
        n = tanh(x W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))     (candidate)
        h_t = (1 - z) * n + z * h_{t-1}

    Backward, with g = dL/dh_t gathered from the output and step t+1, and
    u = h_{t-1} W_hn^T + b_hn saved from forward:

        dL/dn = g * (1 - z)      dL/dz = g * (h_{t-1} - n)
        dL/da_n = dL/dn * (1 - n^2)           (the candidate's pre-activation)
        dL/dr = dL/da_n * u      dL/du = dL/da_n * r
        dL/da_r = dL/dr * r (1 - r)           dL/da_z = dL/dz * z (1 - z)
        dL/dh_{t-1} = g * z + [dL/da_r, dL/da_z, dL/du] W_hh

    The input side sees [dL/da_r, dL/da_z, dL/da_n], the hidden side
    [dL/da_r, dL/da_z, dL/du]: they differ in the candidate block only.

    Arguments: x, h0, w_ih, w_hh, b_ih, b_hh, mask, reverse.
    """

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, mask, reverse):
        xp = ctx.xp
        hidden = h0.shape[-1]
        pre = _input_part(x, w_ih, b_ih)
        w_hh_t = w_hh.T
        gates = xp.empty(pre.shape, dtype=x.dtype)  # r, z, n after their nonlinearity
        hn_part = xp.empty(pre.shape[:2] + (hidden,), dtype=x.dtype)  # u = h W_hn^T + b_hn
        states = xp.empty(pre.shape[:2] + (hidden,), dtype=x.dtype)
        h = h0
        for t in _steps(x.shape[0], reverse):
            hw = h @ w_hh_t
            if b_hh is not None:
                hw = hw + b_hh
            rz = _sigmoid(xp, pre[t, :, : 2 * hidden] + hw[:, : 2 * hidden])
            r, z = rz[:, :hidden], rz[:, hidden:]
            u = hw[:, 2 * hidden :]
            n = xp.tanh(pre[t, :, 2 * hidden :] + r * u)
            new = (1 - z) * n + z * h
            gates[t, :, : 2 * hidden], gates[t, :, 2 * hidden :], hn_part[t] = rz, n, u
            h = new if mask is None else xp.where(mask[t], new, h)
            states[t] = h
        ctx.save_for_backward(x, h0, w_ih, w_hh, states, gates, hn_part, mask)
        ctx.reverse, ctx.has_bias, ctx.w_ih_index = reverse, b_ih is not None, 2
        return states

    @staticmethod
    def backward(ctx, g):
        xp = ctx.xp
        x, h0, w_ih, w_hh, states, gates, hn_part, mask = ctx.saved_tensors
        hidden = h0.shape[-1]
        h_prev = _previous_states(states, h0, ctx.reverse)
        grad_in = xp.empty(gates.shape, dtype=g.dtype)  # [da_r, da_z, da_n]
        grad_hid = xp.empty(gates.shape, dtype=g.dtype)  # [da_r, da_z, du]
        dh = xp.zeros(h0.shape, dtype=g.dtype)
        for t in _steps(x.shape[0], not ctx.reverse):
            dh = dh + g[t]
            d_new = dh if mask is None else dh * mask[t]
            r, z, n = (gates[t, :, k * hidden : (k + 1) * hidden] for k in range(3))
            d_n = d_new * (1 - z)
            d_z = d_new * (h_prev[t] - n)
            da_n = d_n * (1 - n * n)
            d_r = da_n * hn_part[t]
            grad_in[t, :, :hidden] = d_r * r * (1 - r)
            grad_in[t, :, hidden : 2 * hidden] = d_z * z * (1 - z)
            grad_in[t, :, 2 * hidden :] = da_n
            grad_hid[t, :, : 2 * hidden] = grad_in[t, :, : 2 * hidden]
            grad_hid[t, :, 2 * hidden :] = da_n * r
            carried = d_new * z + grad_hid[t] @ w_hh
            dh = carried if mask is None else carried + dh * ~mask[t]
        grads = _weight_grads(ctx, grad_in, x, w_ih, grad_hid, h_prev)
        return (grads[0], dh) + grads[1:] + (None, None)
