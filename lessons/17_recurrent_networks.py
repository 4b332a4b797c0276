# %% [markdown]
# # Lesson 17: recurrent networks and backpropagation through time
#
# A convolution sees a window of k words.  A recurrent network reads the
# whole sentence in order and carries a memory, the hidden state:
#
#     h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),    t = 1..T,   h_0 = 0
#
# The same weights are used at every step.  Unrolled over time it is a
# T-layer network with shared weights, and its backward pass is ordinary
# backpropagation through those T layers: backpropagation through time
# (BPTT).  We derive it by hand on a tiny RNN, check it against minigrad's
# ``nn.RNN`` (whose backward is that same loop, in ``nn/rnn_functions.py``),
# and then measure what happens to the gradient over 50 steps.

# %%
import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
from minigrad import nn
from minigrad.autograd import _topological_order
from minigrad.nn.utils import clip_grad_norm_

lesson = Lesson("Lesson 17: recurrent networks and backpropagation through time", seed=17)
F64 = minigrad.float64

# %% [markdown]
# ## Step 1: the recurrence, by hand
# A batch of N = 2 sequences of T = 5 steps of I = 3 features, a state of
# H = 4.  ``nn.RNN`` takes the input time-major, (T, N, I), and returns the
# state at every step, (T, N, H), and the last one, h_n (1, N, H).

# %%
lesson.step("The recurrence", "h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)")
T, N, I, H = 5, 2, 3, 4
rnn = nn.RNN(I, H, dtype=F64)
x = minigrad.randn(T, N, I, dtype=F64, requires_grad=True)
output, h_n = rnn(x)
lesson.show("output shape (T, N, H)", tuple(output.shape))
W_ih, W_hh, b_ih, b_hh = (p.detach().numpy() for p in (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0))
xs = x.detach().numpy()
h = np.zeros((N, H))
hs, pre = [], []
for t in range(T):
    a = xs[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    h = np.tanh(a)
    pre.append(a)
    hs.append(h)
hs = np.stack(hs)
lesson.check(np.allclose(hs, output.detach().numpy(), atol=1e-14), "the loop by hand gives nn.RNN's output at every step")
lesson.check(np.allclose(hs[-1], h_n.detach().numpy()[0]), "h_n is the state after the last step")

# %% [markdown]
# ## Step 2: backpropagation through time, by hand
# Take L = sum_t sum_n w_t . h_t with fixed random weights w_t, so that every
# step's output feeds the loss.  Going backwards, the gradient reaching h_t
# has two sources: the loss at step t, and step t+1, through W_hh:
#
#     g_t = dL/dh_t = w_t + dL/da_{t+1} W_hh          (the second term 0 at t = T)
#     dL/da_t = g_t * (1 - h_t^2)                      (tanh' at step t)
#     dL/dW_hh = sum_t dL/da_t^T h_{t-1}     dL/dW_ih = sum_t dL/da_t^T x_t     dL/db = sum_t sum_n dL/da_t
#
# The weights are shared, so their gradient is a sum over the steps.

# %%
lesson.step("BPTT by hand", "g_t = w_t + dL/da_{t+1} W_hh;  dL/da_t = g_t (1 - h_t^2);  dL/dW_hh = sum_t dL/da_t^T h_{t-1}")
w = np.random.default_rng(17).standard_normal((T, N, H))
(output * minigrad.tensor(w)).sum().backward()
dW_hh, dW_ih, db = np.zeros_like(W_hh), np.zeros_like(W_ih), np.zeros_like(b_ih)
dx = np.zeros_like(xs)
da_next = np.zeros((N, H))
for t in reversed(range(T)):
    g = w[t] + da_next @ W_hh
    da = g * (1 - hs[t] ** 2)
    h_prev = hs[t - 1] if t > 0 else np.zeros((N, H))
    dW_hh += da.T @ h_prev
    dW_ih += da.T @ xs[t]
    db += da.sum(axis=0)
    dx[t] = da @ W_ih
    da_next = da
for name, by_hand, param in [("dL/dW_hh", dW_hh, rnn.weight_hh_l0), ("dL/dW_ih", dW_ih, rnn.weight_ih_l0),
                             ("dL/db_hh", db, rnn.bias_hh_l0)]:
    lesson.check(np.allclose(by_hand, param.grad.numpy(), atol=1e-13), f"{name} by hand = nn.RNN's backward")
lesson.check(np.allclose(dx, x.grad.numpy(), atol=1e-13), "dL/dx_t by hand = nn.RNN's backward, at every step")
small = nn.RNN(2, 3, dtype=F64)
seq = minigrad.randn(4, 2, 2, dtype=F64, requires_grad=True)
lesson.check(minigrad.gradcheck(lambda s: small(s)[0], (seq,)), "and both agree with finite differences (gradcheck)")

# %% [markdown]
# ## Step 3: one Function per sequence, or a graph node per step
# ``nn.RNNCell`` is one step built from the engine's operations.  Looping it
# over t builds a graph of a few nodes per step; ``nn.RNN`` runs the whole
# sequence as one node whose backward is the loop of step 2.  Same numbers.

# %%
lesson.step("The cell looped = the layer", "h_t = cell(x_t, h_{t-1}) for t = 1..T")
cell = nn.RNNCell(I, H, dtype=F64)
cell.load_state_dict({k: getattr(rnn, f"{k}_l0").detach() for k in cell.state_dict()})
state, states = None, []
for t in range(T):
    state = cell(x[t], state)
    states.append(state)
looped = minigrad.stack(states)
lesson.check(np.allclose(looped.detach().numpy(), output.detach().numpy(), atol=1e-14), "RNNCell looped over t = nn.RNN")
layer_nodes, loop_nodes = len(_topological_order(output.grad_fn)), len(_topological_order(looped.grad_fn))
lesson.show("graph nodes behind nn.RNN's output / behind the looped cell's", f"{layer_nodes} / {loop_nodes}")
lesson.check(layer_nodes == 1 and loop_nodes >= 4 * T, "one node for the whole sequence, against four or more per step")

# %% [markdown]
# ## Step 4: vanishing gradients
# Now a long sequence, T = 50, and a loss at the last step only,
# L = sum h_T.  How much of dL/dh_T reaches h_1?  Each step back multiplies
# by W_hh^T diag(1 - h_t^2): for a tanh RNN with PyTorch's initialisation
# that shrinks the gradient by a roughly constant factor per step, so the
# norm falls geometrically, and the first words of a long sentence barely
# move the weights.  The LSTM and GRU (lesson 18) fare better.

# %%
lesson.step("Measuring ||dL/dh_t||", "dL/dh_{t-1} = dL/dh_t diag(1 - h_t^2) W_hh  (T - t factors for step t)")
T_long, H_long = 50, 16
seq = minigrad.randn(T_long, 1, 8, dtype=F64)


def gradient_norms(cell, lstm=False):
    """||dL/dh_t|| for L = sum h_T, by looping the cell and keeping each h_t's gradient."""
    state, hs = None, []
    for t in range(T_long):
        state = cell(seq[t], state)
        h = state[0] if lstm else state
        h.retain_grad()
        hs.append(h)
    hs[-1].sum().backward()
    return np.array([h.grad.norm().item() for h in hs])


norms = {"tanh RNN": gradient_norms(nn.RNNCell(8, H_long, dtype=F64)),
         "LSTM": gradient_norms(nn.LSTMCell(8, H_long, dtype=F64), lstm=True),
         "GRU": gradient_norms(nn.GRUCell(8, H_long, dtype=F64))}
for name, n in norms.items():
    lesson.show(f"{name}: ||dL/dh_1|| / ||dL/dh_T||", f"{n[0] / n[-1]:.1e}")
lesson.check(norms["tanh RNN"][0] / norms["tanh RNN"][-1] < 1e-8, "tanh RNN: less than 1e-8 of the gradient reaches step 1")
lesson.check(min(norms["LSTM"][0], norms["GRU"][0]) > 100 * norms["tanh RNN"][0],
             "the gated cells keep over 100 times more of it (even before any training)")
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, n in norms.items():
    ax.semilogy(np.arange(1, T_long + 1), n, label=name)
ax.set_xlabel("step t")
ax.set_ylabel("||dL/dh_t||  (L = sum h_T)")
ax.set_title("The gradient reaching each step")
ax.legend()
lesson.save(fig, "17_vanishing_gradient.png")

# %% [markdown]
# ## Step 5: exploding gradients, and clipping
# The opposite happens when the factor per step is above 1.  A ReLU RNN
# whose W_hh is 1.2 I (Le et al.'s identity initialisation, scaled up) with
# positive inputs multiplies the gradient by 1.2 at every step: after 49
# steps, 1.2^49, about 7,600.  ``clip_grad_norm_`` rescales all gradients
# together so that their joint norm is at most max_norm, keeping their direction.

# %%
lesson.step("Exploding gradients and clipping", "||dL/dh_1|| = 1.2^(T-1) ||dL/dh_T||;   g <- g * min(1, max_norm / ||g||)")
relu_cell = nn.RNNCell(8, H_long, nonlinearity="relu", dtype=F64)
with minigrad.no_grad():
    relu_cell.weight_hh.copy_(minigrad.eye(H_long, dtype=F64) * 1.2)
    relu_cell.weight_ih.copy_(relu_cell.weight_ih.abs())
    relu_cell.bias_ih.zero_()
    relu_cell.bias_hh.zero_()
seq = seq.abs()
exploding = gradient_norms(relu_cell)
lesson.show("ReLU RNN: ||dL/dh_1|| / ||dL/dh_T||", f"{exploding[0] / exploding[-1]:.1f}")
lesson.check(np.isclose(exploding[0] / exploding[-1], 1.2 ** (T_long - 1)), "exactly 1.2^49: the gradient explodes")
before = clip_grad_norm_(relu_cell.parameters(), max_norm=1.0)
after = np.sqrt(sum((p.grad.numpy() ** 2).sum() for p in relu_cell.parameters()))
lesson.show("parameter-gradient norm before / after clipping", f"{before.item():.3g} / {after:.3g}")
lesson.check(before.item() > 100 and abs(after - 1.0) < 1e-5, "clipping brings a norm in the hundreds or more down to max_norm = 1")

# %% [markdown]
# ## Practise
# Derive and write the RNN cell's backward, then BPTT's reverse loop over a short sequence, graded against finite differences:
#
#     python -m minigrad.exercises start my_exercises rnn_cell bptt

# %%
lesson.done()
