# %% [markdown]
# # Lesson 3: the McCulloch-Pitts neuron and the perceptron
#
# A McCulloch-Pitts neuron fires when the weighted sum of its inputs reaches
# a threshold: y = step(w . x + b), step(z) = 1 if z >= 0 else 0.  Rosenblatt's
# perceptron learns w and b with the rule
#
#     w <- w + lr (y - y_hat) x,    b <- b + lr (y - y_hat),
#
# which is exactly an SGD step on the loss (y_hat - y) w . x with y_hat held
# constant.  It finds a separating line whenever one exists - and no line
# separates XOR.

# %%
import matplotlib.pyplot as plt
from _lesson import Lesson

import minigrad

lesson = Lesson("Lesson 3: the McCulloch-Pitts neuron and the perceptron", seed=3)

# %% [markdown]
# ## Step 1: a neuron with fixed weights computes logic
# With w = (1, 1): b = -1.5 gives AND, b = -0.5 gives OR.

# %%
lesson.step("The McCulloch-Pitts neuron", "y = step(w . x + b),   step(z) = 1 if z >= 0 else 0")
inputs = minigrad.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
w = minigrad.tensor([1.0, 1.0])
and_gate = minigrad.step(inputs @ w - 1.5)
or_gate = minigrad.step(inputs @ w - 0.5)
lesson.show("AND", and_gate)
lesson.show("OR ", or_gate)
lesson.check(and_gate.tolist() == [0, 0, 0, 1], "w = (1, 1), b = -1.5 computes AND")
lesson.check(or_gate.tolist() == [0, 1, 1, 1], "w = (1, 1), b = -0.5 computes OR")
x = minigrad.tensor([0.3], requires_grad=True)
minigrad.step(x).sum().backward()
lesson.check(x.grad.item() == 0, "the step function passes no gradient: it is flat wherever it has a slope")

# %% [markdown]
# ## Step 2: the perceptron rule is an SGD step
# Take L = (y_hat - y) w . x and treat y_hat as a constant.  Then
# dL/dw = (y_hat - y) x, and w - lr dL/dw = w + lr (y - y_hat) x: the rule.

# %%
lesson.step("The perceptron update as an SGD step", "L = (y_hat - y) w . x  =>  w - lr dL/dw = w + lr (y - y_hat) x")
w = minigrad.tensor([0.5, -1.0, 0.2], requires_grad=True)  # last entry is the bias
x = minigrad.tensor([1.0, 2.0, 1.0])  # the input with a constant 1 appended
y = 1.0
y_hat = minigrad.step(w @ x).detach()  # held constant
lr = 0.1
loss = (y_hat - y) * (w @ x)
loss.backward()
sgd_step = w.detach() - lr * w.grad
rule = w.detach() + lr * (y - y_hat) * x
lesson.show("y_hat", y_hat.item())
lesson.show("SGD step      ", sgd_step)
lesson.show("perceptron rule", rule)
lesson.check(minigrad.allclose(sgd_step, rule), "the SGD step on (y_hat - y) w . x equals the perceptron rule")

# %% [markdown]
# ## Step 3: learning a linearly separable problem
# Points labelled by which side of a line they lie on.  The perceptron
# convergence theorem promises a finite number of mistakes.

# %%
lesson.step("Training on separable data", "repeat over the data: w <- w + lr (y - step(w . x)) x,  with lr = 1")


def train_perceptron(X, Y, epochs):
    w = minigrad.zeros(X.shape[1])
    mistakes = []
    for _ in range(epochs):
        count = 0
        for x, y in zip(X, Y):
            y_hat = minigrad.step(w @ x)
            if y_hat.item() != y.item():
                w = w + (y - y_hat) * x
                count += 1
        mistakes.append(count)
    return w, mistakes


n = 60 if lesson.quick else 200
points = minigrad.rand(n, 2) * 4 - 2
labels = (points[:, 0] + 2 * points[:, 1] > 0.3).float()
X = minigrad.cat([points, minigrad.ones(n, 1)], dim=1)
w, mistakes = train_perceptron(X, labels, epochs=50)
accuracy = (minigrad.step(X @ w) == labels).float().mean().item()
lesson.show("mistakes per epoch (first 10)", mistakes[:10])
lesson.show("training accuracy", accuracy)
lesson.check(mistakes[-1] == 0 and accuracy == 1.0, "the perceptron separates linearly separable data perfectly")

# %% [markdown]
# ## Step 4: XOR cannot be learned
# XOR's positive points (0,1), (1,0) and negative points (0,0), (1,1) lie on
# crossing diagonals: no line puts both positives on one side.  The best a
# line can do is 3 of 4.

# %%
lesson.step("XOR is not linearly separable", "no w, b with step(w . x + b) = XOR(x) for all four inputs")
xor_inputs = minigrad.cat([inputs, minigrad.ones(4, 1)], dim=1)
xor_labels = minigrad.tensor([0.0, 1.0, 1.0, 0.0])
w_xor, xor_mistakes = train_perceptron(xor_inputs, xor_labels, epochs=100)
xor_accuracy = (minigrad.step(xor_inputs @ w_xor) == xor_labels).float().mean().item()
lesson.show("mistakes in the last 5 epochs", xor_mistakes[-5:])
lesson.show("accuracy after 100 epochs", xor_accuracy)
lesson.check(min(xor_mistakes) > 0, "the perceptron makes mistakes in every epoch on XOR: it never converges")
lesson.check(xor_accuracy <= 0.75, "no line gets more than 3 of the 4 XOR points right")

figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
p = points.numpy()
left.scatter(p[:, 0], p[:, 1], c=labels.numpy(), cmap="coolwarm", s=10)
a, b, c = w.tolist()
left.plot([-2, 2], [-(a * -2 + c) / b, -(a * 2 + c) / b], "k-")
left.set_xlim(-2, 2)
left.set_ylim(-2, 2)
left.set_title("separable: the perceptron's line")
right.plot(xor_mistakes, label="XOR")
right.plot(mistakes, label="separable data")
right.set_xlabel("epoch")
right.set_ylabel("mistakes")
right.legend()
right.set_title("mistakes per epoch")
lesson.save(figure, "03_perceptron.png")
lesson.done()
