# %% [markdown]
# # Lesson 2: stochastic gradient descent
#
# The training loss is a sum over N examples, L(w) = sum_i l_i(w), so its
# gradient costs a pass over all the data.  SGD instead takes a random
# mini-batch of B examples and scales its gradient by N/B:
#
#     g_batch = (N/B) * sum_{i in batch} grad l_i(w)
#
# Averaged over all possible batches, g_batch equals the full gradient: it
# is an *unbiased estimate*.  Its spread around the full gradient shrinks as
# B grows.  This lesson measures both claims.

# %%
import matplotlib.pyplot as plt
from _lesson import Lesson

import minigrad

lesson = Lesson("Lesson 2: stochastic gradient descent", seed=2)

# %% [markdown]
# ## Step 1: a problem and its full gradient
# Logistic regression on N points, with the loss summed (not averaged).

# %%
lesson.step("The full gradient", "L(w) = sum_i l_i(w);   grad L = sum_i grad l_i")
N = 64 if lesson.quick else 256
X = minigrad.randn(N, 3, dtype=minigrad.float64)
y = (X @ minigrad.tensor([1.0, -2.0, 0.5], dtype=minigrad.float64) > 0).double()
w = minigrad.tensor([0.2, 0.1, -0.3], dtype=minigrad.float64)


def gradient(rows):
    """sum over ``rows`` of grad l_i(w), by autograd; l_i is the log loss of example i."""
    w_ = w.detach().requires_grad_()
    p = (X[rows] @ w_).sigmoid()
    loss = -(y[rows] * p.log() + (1 - y[rows]) * (1 - p).log()).sum()
    loss.backward()
    return w_.grad


full = gradient(minigrad.arange(N))
lesson.show("full gradient", full)

# %% [markdown]
# ## Step 2: the scaled mini-batch gradient is unbiased
# Draw many batches without replacement; the average of (N/B) g_batch
# approaches the full gradient as the number of draws grows.

# %%
lesson.step("Unbiasedness", "E[(N/B) sum_{i in batch} grad l_i] = grad L")
draws = 300 if lesson.quick else 2000
batch_sizes = [1, 4, 16, 64]
estimates = {}
for B in batch_sizes:
    rows = [minigrad.randperm(N)[:B] for _ in range(draws)]
    estimates[B] = minigrad.stack([(N / B) * gradient(r) for r in rows])
# An average of `draws` estimates wanders by about std / sqrt(draws) (its standard error).
within = {}
for B, e in estimates.items():
    standard_error = e.std(dim=0) / draws**0.5
    distance = (e.mean(dim=0) - full).abs()
    within[B] = bool((distance <= 4 * standard_error + 1e-9).all())
    lesson.show(f"B={B:>2}: |average - full| in standard errors", (distance / (standard_error + 1e-12)).numpy().round(2))
lesson.check(all(within.values()), "every average is within 4 standard errors of the full gradient")

prefix = []
total = minigrad.zeros(3, dtype=minigrad.float64)
for k in range(draws):
    total = total + estimates[4][k]
    prefix.append(((total / (k + 1)) - full).abs().max().item())
lesson.check(sum(prefix[-20:]) < sum(prefix[:20]), "with more draws the average gets closer (B=4)")

# %% [markdown]
# ## Step 3: the spread shrinks as the batch grows
# Sampling without replacement, the variance falls like (N - B) / (B (N - 1)):
# bigger batches give steadier steps, and B = N gives the exact gradient.

# %%
lesson.step("The spread of the estimate", "std of (N/B) g_batch  ~  sqrt((N - B) / (B (N - 1)))")
spread = {B: e.std(dim=0).mean().item() for B, e in estimates.items()}
for B in batch_sizes:
    lesson.show(f"B={B:>2}: mean std over the 3 weights", round(spread[B], 3))
lesson.check(all(spread[a] > spread[b] for a, b in zip(batch_sizes, batch_sizes[1:])), "the spread shrinks as B grows")
exact = (N / N) * gradient(minigrad.randperm(N)[:N])
lesson.check(minigrad.allclose(exact, full, atol=1e-9), "with B = N the estimate is the full gradient exactly")

figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
left.plot(range(1, draws + 1), prefix)
left.set_xscale("log")
left.set_xlabel("number of mini-batches averaged (B=4)")
left.set_ylabel("max |average - full gradient|")
left.set_title("unbiased: the average converges")
right.plot(batch_sizes, [spread[B] for B in batch_sizes], "o-")
right.set_xscale("log", base=2)
right.set_xlabel("batch size B")
right.set_ylabel("std of the estimate")
right.set_title("the spread shrinks with B")
lesson.save(figure, "02_sgd.png")

# %% [markdown]
# ## Practise
# This lesson's estimator as an exercise: the scaled mini-batch gradient,
# graded on its mean over every batch, and an epoch's shuffled batches;
# then one step of SGD with momentum, the update lesson 15 builds on:
#
#     python -m minigrad.exercises start my_exercises minibatch_gradient sgd_momentum

# %%
lesson.done()
