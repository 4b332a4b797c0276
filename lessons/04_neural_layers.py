# %% [markdown]
# # Lesson 4: neural layers
#
# A layer is an affine map followed by a nonlinearity: h = f(W x + b).
# Without the nonlinearity, depth buys nothing: two affine maps compose into
# one, W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2).  With it, two layers
# learn XOR, which no single line can.

# %%
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
# Two hidden tanh units and a sigmoid output, trained by gradient descent on
# the log loss.  The hidden layer bends the plane so that one line suffices.

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

figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
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
lesson.done()
