# %% [markdown]
# # Lesson 5: activation functions and their derivatives
#
# The nonlinearity decides how gradient flows backwards through a layer.
# Sigmoid and tanh saturate (their slope vanishes for large |x|); ReLU passes
# gradient unchanged for x > 0 and blocks it for x < 0; leaky ReLU, GELU and
# ELU keep a little slope on the negative side.

# %%
import matplotlib.pyplot as plt
from _lesson import Lesson

import minigrad

lesson = Lesson("Lesson 5: activation functions", seed=5)
F = {
    "sigmoid": minigrad.sigmoid,
    "tanh": minigrad.tanh,
    "relu": minigrad.relu,
    "leaky_relu": lambda x: minigrad.leaky_relu(x, 0.1),
    "gelu": minigrad.gelu,
    "elu": minigrad.elu,
}


def derivative(fn, x):
    """f'(x) at every point of x, by autograd: the gradient of sum f(x) is f'(x) elementwise."""
    x = x.detach().requires_grad_()
    fn(x).sum().backward()
    return x.grad


# %% [markdown]
# ## Step 1: the functions and their derivatives

# %%
lesson.step("Six activations and their slopes", "f(x) and f'(x), the slope computed by autograd")
xs = minigrad.linspace(-4, 4, 401, dtype=minigrad.float64)
figure, axes = plt.subplots(2, 3, figsize=(10, 5.5), layout="constrained")
for ax, (name, fn) in zip(axes.flat, F.items()):
    ax.plot(xs.numpy(), fn(xs).numpy(), label="f(x)")
    ax.plot(xs.numpy(), derivative(fn, xs).numpy(), "--", label="f'(x)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_title(name)
    ax.legend(fontsize=7)
lesson.save(figure, "05_activations.png")
for name, fn in F.items():
    smooth = xs[(xs.abs() > 0.01)]  # away from ReLU's kink at 0
    lesson.check(minigrad.gradcheck(fn, (smooth[::20].clone().requires_grad_(),)), f"{name}: autograd slope = finite differences")

# %% [markdown]
# ## Step 2: tanh is a rescaled sigmoid

# %%
lesson.step("tanh is a shifted, stretched sigmoid", "tanh(x) = 2 sigmoid(2x) - 1")
lesson.check(minigrad.allclose(xs.tanh(), 2 * (2 * xs).sigmoid() - 1, atol=1e-12), "tanh(x) = 2 sigmoid(2x) - 1")

# %% [markdown]
# ## Step 3: derivatives written through the function itself
# Backward can reuse the forward's output: no exp needs recomputing.

# %%
lesson.step("Derivatives through the function", "sigmoid'(x) = s (1 - s),  s = sigmoid(x);   tanh'(x) = 1 - tanh(x)^2")
s = xs.sigmoid()
lesson.check(minigrad.allclose(derivative(minigrad.sigmoid, xs), s * (1 - s), atol=1e-12), "sigmoid' = s (1 - s)")
t = xs.tanh()
lesson.check(minigrad.allclose(derivative(minigrad.tanh, xs), 1 - t * t, atol=1e-12), "tanh' = 1 - tanh^2")
lesson.check(derivative(minigrad.sigmoid, xs).max().item() <= 0.25, "sigmoid's slope is at most 1/4 (at x = 0)")

# %% [markdown]
# ## Step 4: gradient flow at sample points
# Each layer multiplies the gradient by f'(x).  Far from 0, sigmoid and tanh
# pass almost nothing back: ten saturated sigmoid layers shrink it by more
# than (0.25)^10, about one in a million.

# %%
lesson.step("How much gradient gets through", "dL/dx = dL/dy * f'(x)")
points = minigrad.tensor([-5.0, -2.0, -0.5, 0.5, 2.0, 5.0], dtype=minigrad.float64)
for name, fn in F.items():
    lesson.show(f"{name:>10}'(-5, -2, -0.5, 0.5, 2, 5)", derivative(fn, points).numpy().round(4))
lesson.check(derivative(minigrad.sigmoid, points)[0].item() < 0.01, "sigmoid passes less than 1% of the gradient at x = -5")
lesson.check(derivative(minigrad.relu, points)[-1].item() == 1.0, "ReLU passes the gradient unchanged for x > 0")

# %% [markdown]
# ## Step 5: dying ReLU, and leaky ReLU as the fix
# A ReLU unit whose input is negative for every example gets zero gradient:
# its weights never change again.  Leaky ReLU keeps a slope of 0.1 there,
# so the unit can recover.

# %%
lesson.step("Dying ReLU", "relu'(z) = 0 for z < 0, so a unit with z < 0 everywhere never learns")
x = minigrad.rand(64, 1, dtype=minigrad.float64) * 2
target = 3 * x


def train_unit(activation, steps):
    w = minigrad.tensor([1.0], dtype=minigrad.float64, requires_grad=True)
    b = minigrad.tensor([-5.0], dtype=minigrad.float64, requires_grad=True)  # z = w x + b < 0 for every x
    for _ in range(steps):
        loss = ((activation(x * w + b) - target) ** 2).mean()
        w.grad = b.grad = None
        loss.backward()
        with minigrad.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
    return w.item(), b.item(), loss.item()


steps = 100 if lesson.quick else 300
relu_w, relu_b, relu_loss = train_unit(minigrad.relu, steps)
leaky_w, leaky_b, leaky_loss = train_unit(lambda z: minigrad.leaky_relu(z, 0.1), steps)
lesson.show("ReLU unit after training  (w, b, loss)", (round(relu_w, 3), round(relu_b, 3), round(relu_loss, 3)))
lesson.show("leaky unit after training (w, b, loss)", (round(leaky_w, 3), round(leaky_b, 3), round(leaky_loss, 3)))
lesson.check(relu_w == 1.0 and relu_b == -5.0, "the dead ReLU unit never moved: its gradient is exactly zero")
lesson.check(leaky_loss < relu_loss / 10, "the leaky unit recovered and fits the data")

# %% [markdown]
# ## Practise
# The backward passes of this lesson's activations:
#
#     python -m minigrad.exercises start my_exercises sigmoid tanh relu

# %%
lesson.done()
