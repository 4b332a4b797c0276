# %% [markdown]
# # Lesson 7: backpropagation by hand
#
# A two-layer network, written out one operation at a time:
#
#     z1 = x W1^T + b1      (N, H)
#     h  = tanh(z1)         (N, H)
#     z2 = h W2^T + b2      (N, C)
#     L  = mean_n -log softmax(z2)_n,y_n
#
# Backpropagation applies the chain rule from L backwards, one local
# derivative per operation.  We compute every partial derivative with plain
# NumPy, then compare each one with minigrad's backward.

# %%
import numpy as np
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F
from minigrad import plot

lesson = Lesson("Lesson 7: backpropagation by hand", seed=7)

N, D, H, C = 6, 4, 5, 3
x = minigrad.randn(N, D, dtype=minigrad.float64)
y = minigrad.randint(0, C, (N,))
W1 = minigrad.randn(H, D, dtype=minigrad.float64, requires_grad=True)
b1 = minigrad.randn(H, dtype=minigrad.float64, requires_grad=True)
W2 = minigrad.randn(C, H, dtype=minigrad.float64, requires_grad=True)
b2 = minigrad.randn(C, dtype=minigrad.float64, requires_grad=True)

# %% [markdown]
# ## Step 1: the forward pass, keeping every intermediate

# %%
lesson.step("Forward pass", "z1 = x W1^T + b1;  h = tanh(z1);  z2 = h W2^T + b2;  L = CE(z2, y)")
z1 = x @ W1.T + b1
h = z1.tanh()
z2 = h @ W2.T + b2
loss = F.cross_entropy(z2, y)
for t in (z1, h, z2):
    t.retain_grad()
loss.backward()
lesson.show("loss", round(loss.item(), 6))

# The same forward pass in NumPy, for the hand derivation.
xn, Y = x.numpy(), np.eye(C)[y.numpy()]
W1n, b1n, W2n, b2n = (p.detach().numpy() for p in (W1, b1, W2, b2))
z1n = xn @ W1n.T + b1n
hn = np.tanh(z1n)
z2n = hn @ W2n.T + b2n
p = np.exp(z2n - z2n.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)


def compare(name, by_hand, tensor_grad):
    lesson.check(np.allclose(by_hand, tensor_grad.numpy(), atol=1e-12), f"{name} by hand = minigrad's backward")


# %% [markdown]
# ## Step 2: the output layer
# Softmax followed by cross-entropy has the famous gradient p - y, divided by N
# because the loss is a mean.

# %%
lesson.step("dL/dz2", "dL/dz2 = (softmax(z2) - onehot(y)) / N")
dz2 = (p - Y) / N
compare("dL/dz2", dz2, z2.grad)

lesson.step("dL/dW2 and dL/db2", "dL/dW2 = dL/dz2^T h   (C, H);   dL/db2 = sum_n dL/dz2")
compare("dL/dW2", dz2.T @ hn, W2.grad)
compare("dL/db2", dz2.sum(axis=0), b2.grad)

# %% [markdown]
# ## Step 3: through the hidden layer
# The gradient flows back into h through W2, then through tanh, whose local
# derivative is 1 - tanh(z)^2 = 1 - h^2.
#
# The lecture's chain-rule slide loses a minus sign on the way.  Every
# factor's sign matters: dL/dz2 = p - y is negative for the true class, and a
# flipped sign anywhere turns gradient descent into gradient ascent on the
# weights behind it.  The checks compare each factor with autograd, which
# catches such a slip, and a check below shows what it would do to training.

# %%
lesson.step("dL/dh and dL/dz1", "dL/dh = dL/dz2 W2   (N, H);   dL/dz1 = dL/dh * (1 - h^2)")
dh = dz2 @ W2n
compare("dL/dh", dh, h.grad)
dz1 = dh * (1 - hn**2)
compare("dL/dz1", dz1, z1.grad)

lesson.step("dL/dW1 and dL/db1", "dL/dW1 = dL/dz1^T x   (H, D);   dL/db1 = sum_n dL/dz1")
compare("dL/dW1", dz1.T @ xn, W1.grad)
compare("dL/db1", dz1.sum(axis=0), b1.grad)


def loss_with_W1(W):
    z = np.tanh(xn @ W.T + b1n) @ W2n.T + b2n
    return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(N), y.numpy()]))


step_down, step_up = loss_with_W1(W1n - 0.1 * dz1.T @ xn), loss_with_W1(W1n + 0.1 * dz1.T @ xn)
lesson.show("loss now, after a step against dL/dW1, after a step with a flipped sign", (round(loss.item(), 5), round(step_down, 5), round(step_up, 5)))
lesson.check(step_down < loss.item() < step_up, "a step against the gradient lowers the loss; with the sign flipped it raises it")

# %% [markdown]
# ## Step 4: finite differences agree too

# %%
lesson.step("Gradient check", "dL/dtheta ~ (L(theta + eps) - L(theta - eps)) / (2 eps)")


def network_loss(W1, b1, W2, b2):
    return F.cross_entropy((x @ W1.T + b1).tanh() @ W2.T + b2, y)


lesson.check(minigrad.gradcheck(network_loss, (W1, b1, W2, b2)), "every parameter's gradient matches finite differences")

# %% [markdown]
# ## Step 5: the graph backward walks
# Each box is an operation recorded in the forward pass; backward visits them
# from the loss back to the parameters.

# %%
lesson.step("The computational graph", "backward visits the operations in reverse order")
path = lesson.save(plot.plot_graph(loss, names={"W1": W1, "b1": b1, "W2": W2, "b2": b2}), "07_graph.png")
lesson.check(path.exists() and path.stat().st_size > 0, "the graph was drawn")

# %% [markdown]
# ## Where the engine does this
# The walk you just did by hand, for any graph: ``minigrad/autograd.py``,
# function ``run_backward``.  It orders the operations so that each one runs
# after every operation that uses its output, then calls each one's
# ``backward`` with the gradient of its output, and adds up the gradients
# that reach the same tensor from several places.
#
# ## Practise
# This lesson's network by hand: the four gradients of the two-layer tanh
# network, without autograd, one graded check per gradient.  Then the same
# steps as the library's pieces - a Linear layer, tanh, cross-entropy - and a
# finite-difference checker that finds a broken backward:
#
#     python -m minigrad.exercises start my_exercises backprop_two_layer linear tanh cross_entropy gradient_check

# %%
lesson.done()
