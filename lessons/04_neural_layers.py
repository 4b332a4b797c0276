# %% [markdown]
# # Lesson 4: neural layers
#
# A layer is an affine map followed by a nonlinearity: h = f(W x + b).
# Without the nonlinearity, depth buys nothing: two affine maps compose into
# one, W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2).  With it, two layers
# learn XOR, which no single line can.

# %%
import math

import matplotlib.pyplot as plt
from _lesson import Lesson

import minigrad

lesson = Lesson("Lesson 4: neural layers", seed=4)

# %% [markdown]
# ## Step 1: stacked affine maps collapse into one

# %%
lesson.step("Affine maps compose into an affine map", "W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)")
W1, b1 = minigrad.randn(5, 3, dtype=minigrad.float64), minigrad.randn(5, dtype=minigrad.float64)
W2, b2 = minigrad.randn(2, 5, dtype=minigrad.float64), minigrad.randn(2, dtype=minigrad.float64)
x = minigrad.randn(10, 3, dtype=minigrad.float64)
two_layers = (x @ W1.T + b1) @ W2.T + b2
W, b = W2 @ W1, W2 @ b1 + b2
one_layer = x @ W.T + b
lesson.show("the composed weight W2 W1 (2 x 3)", W.numpy().round(3))
lesson.check(minigrad.allclose(two_layers, one_layer, atol=1e-12), "two linear layers equal one with W = W2 W1")

# %% [markdown]
# ## Step 2: a nonlinearity breaks the collapse
# With tanh between the layers, no single affine map reproduces the output.
# We fit the best affine map by least squares and look at what is left.

# %%
lesson.step("A nonlinearity between layers", "h = tanh(W1 x + b1);   y = W2 h + b2")
deep = (x @ W1.T + b1).tanh() @ W2.T + b2
design = minigrad.cat([x, minigrad.ones(10, 1, dtype=minigrad.float64)], dim=1)
# Least squares through the normal equations, with a tiny ridge so that they are always solvable.
gram = design.T @ design + 1e-9 * minigrad.eye(4, dtype=minigrad.float64)
coef = minigrad.tensor(minigrad.backend.cpu.linalg.solve(gram.numpy(), (design.T @ deep).numpy()))
residual = (design @ coef - deep).abs().max().item()
lesson.show("largest error of the best affine fit", round(residual, 4))
lesson.check(residual > 1e-3, "with tanh in between, the network is no longer an affine map")

# %% [markdown]
# ## Step 3: a two-layer network learns XOR
# Four hidden tanh units and a sigmoid output, trained by gradient descent on
# the log loss.  The hidden layer bends the plane so that one line suffices.
# (Two hidden units are enough in principle; step 4 shows why four train more
# reliably.)
#
# A note on orientation: the slide writes a layer as W x with W of shape
# d_in x d_out, which does not multiply.  Here, as in PyTorch's Linear, W has
# shape (d_out, d_in) and a batch of row vectors x (N, d_in) goes through as
# x W^T + b, which is W x + b for each row.

# %%
lesson.step("A 2-layer MLP learns XOR", "p = sigmoid(w2 . tanh(W1 x + b1) + b2)")
inputs = minigrad.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
targets = minigrad.tensor([0.0, 1.0, 1.0, 0.0])
W1 = (minigrad.randn(4, 2) * 1.0).requires_grad_()
b1 = minigrad.zeros(4, requires_grad=True)
w2 = (minigrad.randn(4) * 1.0).requires_grad_()
b2 = minigrad.zeros(1, requires_grad=True)
parameters = [W1, b1, w2, b2]


def forward(x):
    hidden = (x @ W1.T + b1).tanh()
    return (hidden @ w2 + b2).sigmoid()


losses = []
for _ in range(1500 if lesson.quick else 3000):
    p = forward(inputs)
    loss = -(targets * p.log() + (1 - targets) * (1 - p).log()).mean()
    losses.append(loss.item())
    for param in parameters:
        param.grad = None
    loss.backward()
    with minigrad.no_grad():
        for param in parameters:
            param -= 0.5 * param.grad
predictions = (forward(inputs) > 0.5).float()
lesson.show("predictions for (0,0) (0,1) (1,0) (1,1)", predictions)
lesson.show("final loss", round(losses[-1], 4))
lesson.check(predictions.tolist() == targets.tolist(), "the two-layer network gets all four XOR points right")
lesson.check(tuple(W1.shape) == (4, 2), "W1 has shape (d_out, d_in) = (4 hidden units, 2 inputs)")

figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
grid = minigrad.linspace(-0.5, 1.5, 60)
gx = grid.unsqueeze(1).expand(60, 60)
gy = grid.unsqueeze(0).expand(60, 60)
with minigrad.no_grad():
    surface = forward(minigrad.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)).reshape(60, 60)
left.contourf(gx.numpy(), gy.numpy(), surface.numpy(), levels=20, cmap="coolwarm")
left.scatter(inputs[:, 0].numpy(), inputs[:, 1].numpy(), c=targets.numpy(), cmap="coolwarm", edgecolors="k")
left.set_title("p(y=1) learned for XOR")
right.plot(losses)
right.set_xlabel("step")
right.set_ylabel("log loss")
right.set_title("training")
lesson.save(figure, "04_neural_layers.png")

# %% [markdown]
# ## Step 4: the loss of a network is not convex
# Logistic regression's loss is convex: one minimum, which gradient descent
# finds from any start.  A hidden layer changes that, for a reason you can
# see without any computation: swap two hidden units (their rows of W1 and
# b1, their entries of w2) and the network computes exactly the same
# function, so the loss has at least two minima.  The point halfway between
# them averages the two units into two equal ones, and its loss is higher.
# A convex function can never be higher halfway than at both ends.
#
#     convex:  L((a + b) / 2) <= (L(a) + L(b)) / 2
#
# The other face of it: trained from different random starts, the same
# network ends in different places.  With only two hidden units many starts
# end stuck near loss ln(2)/2 = 0.347, the loss of a network that is sure of
# two points and answers 1/2 on the other two.

# %%
lesson.step("Non-convexity: symmetry, and XOR from many seeds", "L(a) = L(swap(a)),  L((a + swap(a)) / 2) > L(a)")


def xor_loss(W1, b1, w2, b2):
    p = ((inputs @ W1.T + b1).tanh() @ w2 + b2).sigmoid()
    return -(targets * p.log() + (1 - targets) * (1 - p).log()).mean().item()


with minigrad.no_grad():
    # swap the two hidden units whose incoming weights differ most
    pairs = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    i, j = max(pairs, key=lambda ij: (W1[ij[0]] - W1[ij[1]]).abs().sum().item())
    order = [i if k == j else j if k == i else k for k in range(4)]
    a = (W1.detach(), b1.detach(), w2.detach(), b2.detach())
    swapped = (a[0][order], a[1][order], a[2][order], a[3])
    halfway = tuple((u + v) / 2 for u, v in zip(a, swapped))
    ends, middle = xor_loss(*a), xor_loss(*halfway)
lesson.show("loss at the trained weights, with units swapped, halfway between", (round(ends, 4), round(xor_loss(*swapped), 4), round(middle, 4)))
lesson.check(abs(xor_loss(*swapped) - ends) < 1e-6, "swapping two hidden units leaves the loss unchanged: a second minimum")
lesson.check(middle > ends + 0.1, "halfway between the two minima the loss is higher: the loss is not convex")

seeds, steps = 12, 700 if lesson.quick else 1500
minigrad.manual_seed(4)
# 12 networks with 2 hidden units each, trained side by side: each one's loss depends on its own weights only
V1 = (minigrad.randn(seeds, 2, 2) * 1.5).requires_grad_()
c1 = minigrad.randn(seeds, 1, 2).requires_grad_()
v2 = (minigrad.randn(seeds, 1, 2) * 1.5).requires_grad_()
c2 = minigrad.zeros(seeds, 1, requires_grad=True)
for _ in range(steps):
    p = (((inputs @ V1.transpose(1, 2) + c1).tanh() * v2).sum(dim=2) + c2).sigmoid()  # (seeds, 4)
    per_seed = -(targets * p.log() + (1 - targets) * (1 - p).log()).mean(dim=1)
    for param in (V1, c1, v2, c2):
        param.grad = None
    per_seed.sum().backward()
    with minigrad.no_grad():
        for param in (V1, c1, v2, c2):
            param -= 0.5 * param.grad
final = per_seed.detach().numpy()
solved = ((p.detach() > 0.5).float() == targets).all(dim=1).numpy()
lesson.show(f"final loss of each of {seeds} starts, 2 hidden units, {steps} steps", final.round(3))
lesson.check(solved.any() and final.min() < 0.1, "some starts solve XOR")
stuck = final[~solved]
lesson.check(len(stuck) > 0 and abs(stuck - math.log(2) / 2).max() < 0.02,
             "others end stuck, all near loss ln(2)/2: the same network, the same data, a different minimum")
figure, ax = plt.subplots(figsize=(6, 3), layout="constrained")
ax.bar(range(seeds), final, color=["tab:green" if s else "tab:red" for s in solved])
ax.axhline(math.log(2) / 2, color="gray", linestyle=":", label="ln(2)/2")
ax.set_xlabel("random start")
ax.set_ylabel(f"loss after {steps} steps")
ax.set_title("XOR with 2 hidden units: where each start ends (green: solved)")
ax.legend()
lesson.save(figure, "04_non_convex.png")

# %% [markdown]
# ## Practise
# The layer's forward and backward, x W^T + b, in the exercise bank:
#
#     python -m minigrad.exercises start my_exercises linear

# %%
lesson.done()
