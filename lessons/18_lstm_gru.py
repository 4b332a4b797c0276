# %% [markdown]
# # Lesson 18: the LSTM's and GRU's gates
#
# Lesson 17 measured it: in a tanh RNN the gradient reaching early steps
# shrinks geometrically, because every step back multiplies it by W_hh and
# by tanh'.  The LSTM (Hochreiter and Schmidhuber 1997) adds a second state,
# the cell c_t, updated by *addition*, with gates deciding what to keep:
#
#     i = sigma(a_i)   f = sigma(a_f)   g = tanh(a_g)   o = sigma(a_o)     a = x W_ih^T + b_ih + h W_hh^T + b_hh
#     c_t = f * c_{t-1} + i * g           h_t = o * tanh(c_t)
#
# Along the cell, dL/dc_{t-1} = dL/dc_t * f: no matrix, no squashing, only
# the forget gate.  The GRU (Cho et al. 2014) does the same with one state:
#
#     r = sigma(a_r)   z = sigma(a_z)   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
#     h_t = (1 - z) * n + z * h_{t-1}

# %%
import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
from minigrad import nn

lesson = Lesson("Lesson 18: the LSTM's and GRU's gates", seed=18)
F64 = minigrad.float64


def sigma(a):
    return 1 / (1 + np.exp(-a))


# %% [markdown]
# ## Step 1: one LSTM step, by hand
# PyTorch stacks the four gates' weights in one matrix, rows in the order
# i, f, g, o: ``weight_ih`` is (4H, I), ``weight_hh`` (4H, H).  minigrad
# uses the same layout, so PyTorch's weights load unchanged.

# %%
lesson.step("An LSTM step", "a = x W_ih^T + b_ih + h W_hh^T + b_hh;  i, f, g, o = a split in 4;  c' = f c + i g;  h' = o tanh(c')")
I, H, N = 3, 4, 2
lstm_cell = nn.LSTMCell(I, H, dtype=F64)
x = minigrad.randn(N, I, dtype=F64)
h0 = minigrad.randn(N, H, dtype=F64, requires_grad=True)
c0 = minigrad.randn(N, H, dtype=F64, requires_grad=True)
h1, c1 = lstm_cell(x, (h0, c0))
W_ih, W_hh, b_ih, b_hh = (p.detach().numpy() for p in (lstm_cell.weight_ih, lstm_cell.weight_hh, lstm_cell.bias_ih,
                                                        lstm_cell.bias_hh))
xs, hs, cs = x.numpy(), h0.detach().numpy(), c0.detach().numpy()
a = xs @ W_ih.T + b_ih + hs @ W_hh.T + b_hh
i, f, g, o = sigma(a[:, :H]), sigma(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigma(a[:, 3 * H:])
c_new = f * cs + i * g
h_new = o * np.tanh(c_new)
lesson.check(np.allclose(c_new, c1.detach().numpy(), atol=1e-14), "c' = f c + i g, with the gates in the order i, f, g, o")
lesson.check(np.allclose(h_new, h1.detach().numpy(), atol=1e-14), "h' = o tanh(c')")
lesson.check(((0 < i) & (i < 1) & (0 < f) & (f < 1) & (0 < o) & (o < 1)).all() and (np.abs(g) < 1).all(),
             "the gates i, f, o lie in (0, 1): they scale; the candidate g in (-1, 1): it proposes")

# %% [markdown]
# ## Step 2: the cell state's backward
# Backward through one step, for L = sum(w * c'):  dL/dc = dL/dc' * f.  The
# gradient flows from c' to c through one elementwise product and nothing
# else.  Compare with a tanh RNN, where dL/dh = (dL/dh' * (1 - h'^2)) W_hh.

# %%
lesson.step("dL/dc_{t-1} = dL/dc_t * f", "no W_hh, no tanh': the forget gate alone decides what survives")
w = np.random.default_rng(18).standard_normal((N, H))
(c1 * minigrad.tensor(w)).sum().backward()
lesson.check(np.allclose(c0.grad.numpy(), w * f, atol=1e-14), "dL/dc0 = dL/dc1 * f exactly (L = sum w * c1)")
dA = np.concatenate([w * g * i * (1 - i), w * cs * f * (1 - f), w * i * (1 - g ** 2), np.zeros((N, H))], axis=1)
lesson.check(np.allclose(h0.grad.numpy(), dA @ W_hh, atol=1e-14),
             "dL/dh0 = [dL/da_i, dL/da_f, dL/da_g, dL/da_o] W_hh (o does not touch c, so dL/da_o = 0)")

# %% [markdown]
# ## Step 3: one GRU step, by hand, and where b_hn goes
# PyTorch's GRU puts the hidden bias of the candidate *inside* the reset
# product: n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)).  The original
# paper's form, r * (h W_hn^T) + b_hn, gives other numbers, so the placement
# matters for loading PyTorch weights.

# %%
lesson.step("A GRU step", "r, z = sigma(...);  n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn));  h' = (1 - z) n + z h")
gru_cell = nn.GRUCell(I, H, dtype=F64)
h1 = gru_cell(x, h0.detach())
W_ih, W_hh, b_ih, b_hh = (p.detach().numpy() for p in (gru_cell.weight_ih, gru_cell.weight_hh, gru_cell.bias_ih,
                                                        gru_cell.bias_hh))
xw, hw = xs @ W_ih.T + b_ih, hs @ W_hh.T + b_hh
r, z = sigma(xw[:, :H] + hw[:, :H]), sigma(xw[:, H:2 * H] + hw[:, H:2 * H])
n = np.tanh(xw[:, 2 * H:] + r * hw[:, 2 * H:])
lesson.check(np.allclose((1 - z) * n + z * hs, h1.detach().numpy(), atol=1e-14), "h' = (1 - z) n + z h, b_hn inside r * (...)")
n_outside = np.tanh(xw[:, 2 * H:] + r * (hs @ W_hh[2 * H:].T) + b_hh[2 * H:])
lesson.check(not np.allclose((1 - z) * n_outside + z * hs, h1.detach().numpy()), "b_hn outside the product gives other numbers")
with minigrad.no_grad():
    gru_cell.bias_ih[H:2 * H] = 40.0  # the update gate's bias: z = sigma(40 + ...) = 1 to machine precision
lesson.check(np.allclose(gru_cell(x, h0.detach()).detach().numpy(), hs, atol=1e-12),
             "with z = 1 the GRU copies h unchanged: its own additive path")

# %% [markdown]
# ## Step 4: the forget gate keeps gradients alive
# Over T = 50 steps, with the loss on the last cell state, the gradient that
# reaches c_1 is (along the cell path) the product of the forget gates.
# Starting the forget gate's bias at +3 (f about 0.95, as Jozefowicz et al.
# 2015 advise) keeps a large share of it; at -3 (f about 0.05) almost none.

# %%
lesson.step("||dL/dc_t|| over 50 steps", "dL/dc_1 = dL/dc_T * f_T * ... * f_2  (along the cell)")
T = 50
seq = minigrad.randn(T, 1, 8, dtype=F64)


def cell_gradient_norms(forget_bias):
    cell = nn.LSTMCell(8, 16, dtype=F64)
    with minigrad.no_grad():
        cell.bias_ih[16:32] = forget_bias  # rows H..2H of the stacked biases: the forget gate
        cell.bias_hh[16:32] = 0.0
    state, cells = None, []
    for t in range(T):
        state = cell(seq[t], state)
        state[1].retain_grad()
        cells.append(state[1])
    cells[-1].sum().backward()
    return np.array([c.grad.norm().item() for c in cells])


norms = {bias: cell_gradient_norms(bias) for bias in (-3.0, 0.0, 3.0)}
for bias, values in norms.items():
    lesson.show(f"forget bias {bias:+.0f}: ||dL/dc_1|| / ||dL/dc_T||", f"{values[0] / values[-1]:.1e}")
lesson.check(norms[3.0][0] / norms[3.0][-1] > 1e-2, "forget bias +3: more than 1% of the gradient reaches step 1 after 49 steps")
lesson.check(norms[-3.0][0] / norms[-3.0][-1] < 1e-20, "forget bias -3: the cell forgets, and the gradient vanishes")
fig, ax = plt.subplots(figsize=(6, 3.5))
for bias, values in norms.items():
    ax.semilogy(np.arange(1, T + 1), values, label=f"forget-gate bias {bias:+.0f}")
ax.set_xlabel("step t")
ax.set_ylabel("||dL/dc_t||  (L = sum c_T)")
ax.set_title("The LSTM's cell path: the forget gate sets the decay")
ax.legend()
lesson.save(fig, "18_forget_gate.png")

# %% [markdown]
# ## Practise
# Derive and write one LSTM step's backward, through all four gates, graded against finite differences:
#
#     python -m minigrad.exercises start my_exercises lstm_cell

# %%
lesson.done()
