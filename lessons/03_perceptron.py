# %% [markdown]
# # Lesson 3: the McCulloch-Pitts neuron and the perceptron
#
# A McCulloch-Pitts neuron (1943) adds up its binary inputs, without weights,
# and fires when the sum reaches a threshold theta.  The perceptron gives each
# input a weight: y = step(w . x + b), step(z) = 1 if z >= 0 else 0, and
# Rosenblatt's perceptron (1958) learns w and b with the rule
#
#     w <- w + lr (y - y_hat) x,    b <- b + lr (y - y_hat),
#
# which is exactly an SGD step on the loss (y_hat - y) w . x with y_hat held
# constant.  It finds a separating line whenever one exists - and no line
# separates XOR.
#
# The slide credits the perceptron to Minsky and Papert.  It is Rosenblatt's
# (1958); Minsky and Papert's book "Perceptrons" (1969) is the analysis of
# its limits, XOR among them, that step 5 repeats.

# %%
import matplotlib.pyplot as plt
from _lesson import Lesson

import minigrad

lesson = Lesson("Lesson 3: the McCulloch-Pitts neuron and the perceptron", seed=3)

# %% [markdown]
# ## Step 1: the McCulloch-Pitts neuron computes logic
# As the lecture defines it, the neuron counts how many of its binary inputs
# are on, with no weights, and compares the count with a threshold:
#
#     y = 1 if x_1 + x_2 + ... + x_n >= theta else 0
#
# With two inputs, theta = 2 is AND and theta = 1 is OR.  The threshold is
# all it can choose: with no weights every input counts the same.  Writing
# the threshold as a bias, b = -theta, and giving each input a weight gives
# the perceptron's neuron, y = step(w . x + b); with w = (1, 1) it is the
# McCulloch-Pitts neuron again.

# %%
lesson.step("The McCulloch-Pitts neuron", "y = 1 if sum_i x_i >= theta else 0;   perceptron: y = step(w . x + b)")
inputs = minigrad.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
count = inputs.sum(dim=1)
mp_and, mp_or = (count >= 2).float(), (count >= 1).float()
lesson.show("McCulloch-Pitts, theta = 2", mp_and)
lesson.show("McCulloch-Pitts, theta = 1", mp_or)
lesson.check(mp_and.tolist() == [0, 0, 0, 1] and mp_or.tolist() == [0, 1, 1, 1],
             "an unweighted sum against theta = 2 is AND, against theta = 1 is OR")
w = minigrad.tensor([1.0, 1.0])
and_gate = minigrad.step(inputs @ w - 1.5)
or_gate = minigrad.step(inputs @ w - 0.5)
lesson.show("AND", and_gate)
lesson.show("OR ", or_gate)
lesson.check(minigrad.equal(and_gate, mp_and), "the perceptron's neuron with w = (1, 1), b = -1.5 computes the same AND")
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
# ## Step 3: the four cases of the rule
# y and y_hat are each 0 or 1, so the update lr (y - y_hat) x has four cases:
#
#     y  y_hat   y - y_hat   update        effect on the score w . x
#     1    1         0       none          right already
#     0    0         0       none          right already
#     1    0        +1       w += lr x     rises by lr |x|^2: towards firing
#     0    1        -1       w -= lr x     falls by lr |x|^2: away from firing
#
# A mistake always moves the score of the example it was made on towards
# the right side, by lr |x|^2; a right answer changes nothing.

# %%
lesson.step("The sign table of the perceptron rule", "score change = (w + lr (y - y_hat) x) . x - w . x = lr (y - y_hat) |x|^2")
w0 = minigrad.tensor([0.3, -0.7, 0.1])  # last entry is the bias
x = minigrad.tensor([0.8, 0.4, 1.0])
table = []
for y_case in (1.0, 0.0):
    for y_hat_case in (1.0, 0.0):
        w_new = w0 + lr * (y_case - y_hat_case) * x
        change = (w_new @ x - w0 @ x).item()
        table.append((int(y_case), int(y_hat_case), round(change, 6)))
        print(f"    y = {int(y_case)}  y_hat = {int(y_hat_case)}   score change {change:+.4f}")
expected = {(1, 1): 0.0, (0, 0): 0.0, (1, 0): lr * (x @ x).item(), (0, 1): -lr * (x @ x).item()}
lesson.check(all(abs(change - expected[(y_case, y_hat_case)]) < 1e-6 for y_case, y_hat_case, change in table),
             "right answers change nothing; a missed 1 raises the score and a false 1 lowers it, by lr |x|^2")

# %% [markdown]
# ## Step 4: learning a linearly separable problem
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
# ## Step 5: XOR cannot be learned
# XOR's positive points (0,1), (1,0) and negative points (0,0), (1,1) lie on
# crossing diagonals: no line puts both positives on one side.  The proof in
# three lines: (0,0) negative needs b < 0; (0,1) and (1,0) positive need
# w2 + b >= 0 and w1 + b >= 0, so w1 + w2 + b >= -b > 0 and (1,1) fires
# too.  The best a line can do is 3 of 4.  We check that on a grid of
# lines, not only on the line the perceptron ends with.

# %%
lesson.step("XOR is not linearly separable", "no w, b with step(w . x + b) = XOR(x) for all four inputs")
xor_inputs = minigrad.cat([inputs, minigrad.ones(4, 1)], dim=1)
xor_labels = minigrad.tensor([0.0, 1.0, 1.0, 0.0])
w_xor, xor_mistakes = train_perceptron(xor_inputs, xor_labels, epochs=100)
xor_accuracy = (minigrad.step(xor_inputs @ w_xor) == xor_labels).float().mean().item()
lesson.show("mistakes in the last 5 epochs", xor_mistakes[-5:])
lesson.show("accuracy after 100 epochs", xor_accuracy)
lesson.check(min(xor_mistakes) > 0, "the perceptron makes mistakes in every epoch on XOR: it never converges")
values = minigrad.linspace(-2, 2, 41)  # steps of 0.1 for w1, w2 and b: 68,921 lines
w1g = values.reshape(41, 1, 1).expand(41, 41, 41).reshape(-1)  # every (w1, w2, b) triple of the grid
w2g = values.reshape(1, 41, 1).expand(41, 41, 41).reshape(-1)
bg = values.reshape(1, 1, 41).expand(41, 41, 41).reshape(-1)
fires = minigrad.step(inputs[:, :1] * w1g + inputs[:, 1:] * w2g + bg)  # (4 points, every line)
right_per_line = (fires == xor_labels.unsqueeze(1)).float().sum(dim=0)
lesson.show("most XOR points right over the grid of lines (w1, w2, b in [-2, 2], step 0.1)", int(right_per_line.max().item()))
lesson.check(right_per_line.max().item() == 3, "no line on the grid gets more than 3 of the 4 XOR points right (and some get 3)")
lesson.check(xor_accuracy <= 0.75, "so neither does the perceptron's last line")

figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
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

# %% [markdown]
# ## Practise
# This lesson's rules as an exercise (labels -1 / +1 there): prediction, the
# update as an SGD step on the perceptron loss, training that separates a
# separable set and never XOR:
#
#     python -m minigrad.exercises start my_exercises perceptron

# %%
lesson.done()
