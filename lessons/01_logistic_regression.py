# %% [markdown]
# # Lesson 1: classification as argmax, and logistic regression
#
# A classifier gives every class a *score* and predicts the class with the
# highest one.  Logistic regression turns the score of a two-class problem into
# a probability with the sigmoid, and learns its weights by gradient descent on
# the log loss.  We derive that gradient by hand with the chain rule,
#
#     dL/dw = (1/N) X^T (sigmoid(X w) - y),
#
# and check it against minigrad's backward and against finite differences.

# %%
import math

import matplotlib.pyplot as plt
from _lesson import Lesson

import minigrad

lesson = Lesson("Lesson 1: classification as argmax; logistic regression", seed=1)

# %% [markdown]
# ## Step 1: a classifier is the argmax of a score
# With one weight vector per class, the scores of input x are s_k = w_k . x + b_k.

# %%
lesson.step("Classification is the argmax of a score", "s_k = w_k . x + b_k;   y_hat = argmax_k s_k")
W = minigrad.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])  # 3 classes, 2 features
b = minigrad.tensor([0.0, 0.5, 0.0])
x = minigrad.tensor([[2.0, 1.0], [0.0, 3.0], [-2.0, -1.0]])
scores = x @ W.T + b
predicted = scores.argmax(dim=1)
lesson.show("scores (one row per input, one column per class)", scores)
lesson.show("predicted classes", predicted)
lesson.check(predicted.tolist() == [0, 1, 2], "each input gets the class with the highest score")

# %% [markdown]
# ## Step 2: two classes, one score, the sigmoid
# For two classes one score suffices: p(y = 1 | x) = sigmoid(w . x + b).
# We append a constant feature 1 to x so that b becomes one more weight.

# %%
lesson.step("Logistic regression", "p(y=1 | x) = sigmoid(w . x) = 1 / (1 + exp(-w . x))")
n = 100 if lesson.quick else 400
labels = minigrad.randint(0, 2, (n,))
centres = minigrad.tensor([[-1.5, -1.0], [1.5, 1.0]], dtype=minigrad.float64)
features = centres[labels] + minigrad.randn(n, 2, dtype=minigrad.float64)
X = minigrad.cat([features, minigrad.ones(n, 1, dtype=minigrad.float64)], dim=1)
y = labels.double()
lesson.show("X shape (inputs x (features + 1))", X.shape)
lesson.show("fraction of class 1", round(y.mean().item(), 3))


def log_loss(w):
    """L(w) = -(1/N) sum [ y log p + (1 - y) log(1 - p) ],  p = sigmoid(X w)."""
    p = (X @ w).sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


# %% [markdown]
# ## Step 3: the gradient, by the chain rule
# With z = X w and p = sigmoid(z): dL/dp = (p - y) / (p (1 - p)) / N,
# dp/dz = p (1 - p), dz/dw = X.  The p (1 - p) cancels, leaving
# dL/dw = X^T (p - y) / N.

# %%
lesson.step(
    "The gradient of the log loss",
    """dL/dw = dL/dp * dp/dz * dz/dw
           = (p - y) / (p (1 - p)) / N  *  p (1 - p)  *  X
           = X^T (sigmoid(X w) - y) / N""",
)
w = minigrad.tensor([0.3, -0.2, 0.1], dtype=minigrad.float64, requires_grad=True)
loss = log_loss(w)
loss.backward()
by_hand = X.T @ ((X @ w.detach()).sigmoid() - y) / n
lesson.show("by hand  X^T (p - y) / N", by_hand)
lesson.show("autograd w.grad        ", w.grad)
lesson.check(minigrad.allclose(by_hand, w.grad, atol=1e-12), "the hand-derived gradient equals minigrad's backward")
lesson.check(minigrad.gradcheck(log_loss, (w,)), "minigrad's backward matches central finite differences")

# %% [markdown]
# ## Step 4: gradient descent
# Repeat w <- w - lr * dL/dw.  The loss is convex in w, so a small enough
# step size brings it down every time.

# %%
lesson.step("Gradient descent", "w <- w - lr * dL/dw")
w = minigrad.zeros(3, dtype=minigrad.float64, requires_grad=True)
lr = 0.5
history = []
for _ in range(60 if lesson.quick else 200):
    loss = log_loss(w)
    history.append(loss.item())
    w.grad = None
    loss.backward()
    with minigrad.no_grad():
        w -= lr * w.grad
accuracy = (((X @ w).sigmoid() > 0.5).double() == y).double().mean().item()
lesson.show("loss at the start", round(history[0], 4))
lesson.show("loss at the end", round(history[-1], 4))
lesson.show("training accuracy", round(accuracy, 3))
lesson.check(abs(history[0] - math.log(2)) < 1e-12, "with w = 0 every p is 0.5, so the loss is log 2")
lesson.check(all(a >= b for a, b in zip(history, history[1:])), "the loss went down at every step")
lesson.check(accuracy > 0.85, "the two clouds are separated on more than 85% of the points")

figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
points = features.numpy()
left.scatter(points[:, 0], points[:, 1], c=labels.numpy(), cmap="coolwarm", s=10)
w0, w1, w2 = w.detach().tolist()
xs = minigrad.linspace(points[:, 0].min(), points[:, 0].max(), 2).numpy()
left.plot(xs, -(w0 * xs + w2) / w1, "k-", label="w . x = 0 (p = 0.5)")
left.legend()
left.set_title("data and decision boundary")
right.plot(history)
right.set_xlabel("step")
right.set_ylabel("log loss")
right.set_title("training")
lesson.save(figure, "01_logistic_regression.png")

# %% [markdown]
# ## Practise
# This lesson's derivation as an exercise: the loss of logistic regression,
# its gradient by hand, and gradient descent on it; then the sigmoid's own
# backward:
#
#     python -m minigrad.exercises start my_exercises logistic_regression sigmoid

# %%
lesson.done()
