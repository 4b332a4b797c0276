# %% [markdown]
# # Lesson 14: losses
#
# Three decisions shape every training run besides the model itself: the
# loss (this lesson), the optimizer with its schedule, and regularisation
# (lesson 15).
#
# The **loss**: cross-entropy for one class out of C, binary cross-entropy
# for independent yes/no labels, and variants (class weights, label
# smoothing) for skewed or noisy labels.
#
# Every formula below is checked against minigrad's implementation.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F

lesson = Lesson("Lesson 14: losses", seed=14)
f64 = minigrad.float64

# %% [markdown]
# ## Step 1: two-class cross-entropy is BCE on the score difference
# With two logits (s0, s1), softmax gives p1 = e^s1 / (e^s0 + e^s1)
# = sigmoid(s1 - s0).  So a two-class softmax classifier and a one-output
# sigmoid classifier with score d = s1 - s0 are the same model, with the same loss.

# %%
lesson.step("CE with 2 classes = BCE-with-logits", "CE([s0, s1], y) = BCE(sigmoid(s1 - s0), y)")
logits = minigrad.randn(8, 2, dtype=f64) * 2
y = minigrad.randint(0, 2, (8,))
ce = F.cross_entropy(logits, y)
bce = F.binary_cross_entropy_with_logits(logits[:, 1] - logits[:, 0], y.double())
lesson.show("cross_entropy", round(ce.item(), 10))
lesson.show("binary_cross_entropy_with_logits(s1 - s0)", round(bce.item(), 10))
lesson.check(abs(ce.item() - bce.item()) < 1e-12, "two-class cross-entropy equals BCE-with-logits on s1 - s0")
big = minigrad.tensor([1000.0, -1000.0], dtype=f64)
stable = F.binary_cross_entropy_with_logits(big, minigrad.tensor([0.0, 1.0], dtype=f64), reduction="none")
lesson.show("BCE-with-logits at logits +-1000 (confidently wrong)", stable.numpy())
lesson.check(np.allclose(stable.numpy(), [1000.0, 1000.0]), "computed from the logits it stays finite (log sigmoid(-1000) = -1000, no log 0)")

# %% [markdown]
# ## Step 2: multi-label targets
# A review can be about the acting AND the music: labels that are not
# exclusive.  Each of the C outputs then gets its own sigmoid and its own
# binary cross-entropy; the probabilities need not sum to 1.
#
#     l[n, c] = -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x)))
#
# ``pos_weight`` p_c multiplies the positive term of class c, for classes
# whose positives are rare.

# %%
lesson.step("Multi-label: one sigmoid per class", "l = -[p y log s(x) + (1 - y) log(1 - s(x))],  s = sigmoid")
x = minigrad.tensor([[2.0, 1.5, -3.0], [-1.0, 0.5, 0.2]], dtype=f64)
targets = minigrad.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], dtype=f64)
pos_weight = minigrad.tensor([1.0, 1.0, 4.0], dtype=f64)
s = 1 / (1 + np.exp(-x.numpy()))
t = targets.numpy()
by_hand = -(t * np.log(s) + (1 - t) * np.log(1 - s)).mean()
by_hand_pw = -(pos_weight.numpy() * t * np.log(s) + (1 - t) * np.log(1 - s)).mean()
lesson.show("sigmoid(x), row by row", s.round(3))
lesson.check(s[0, 0] > 0.5 and s[0, 1] > 0.5, "both of the first example's first two labels can be 'yes' at once")
lesson.check(abs(F.binary_cross_entropy_with_logits(x, targets).item() - by_hand) < 1e-12, "BCE-with-logits matches the hand formula")
with_pw = F.binary_cross_entropy_with_logits(x, targets, pos_weight=pos_weight).item()
lesson.check(abs(with_pw - by_hand_pw) < 1e-12, "with pos_weight = [1, 1, 4] it matches the weighted formula")
lesson.check(with_pw > by_hand, "pos_weight > 1 makes a missed positive of class 2 cost more")

# %% [markdown]
# ## Step 3: class weights
# On unbalanced data a classifier can score well by ignoring the rare class.
# Weighting the loss of class c by w_c makes its mistakes count more; the mean
# divides by the total weight:  L = sum_n w[y_n] l_n / sum_n w[y_n].

# %%
lesson.step("Class weights", "L = sum_n w[y_n] (-log p[n, y_n]) / sum_n w[y_n]")
logits = minigrad.randn(6, 3, dtype=f64)
y = minigrad.tensor([0, 0, 0, 0, 1, 2])
w = minigrad.tensor([0.25, 2.0, 2.0], dtype=f64)  # e.g. inverse class frequencies
logp = logits.numpy() - np.log(np.exp(logits.numpy()).sum(axis=1, keepdims=True))
nll = -logp[np.arange(6), y.numpy()]
weighted_by_hand = (w.numpy()[y.numpy()] * nll).sum() / w.numpy()[y.numpy()].sum()
lesson.show("per-example -log p", nll.round(3))
lesson.show("weighted mean by hand", round(weighted_by_hand, 6))
lesson.check(abs(F.cross_entropy(logits, y, weight=w).item() - weighted_by_hand) < 1e-12, "cross_entropy(weight=w) matches the hand formula")
lesson.check(abs(F.cross_entropy(logits, y).item() - nll.mean()) < 1e-12, "without weights it is the plain mean")

# %% [markdown]
# ## Step 4: label smoothing
# Instead of the one-hot target, aim at (1 - eps) on the true class and eps/C
# spread over all classes:
#
#     l = (1 - eps)(-log p_y) + (eps / C) sum_c (-log p_c)
#
# The loss can no longer reach 0 by making the logits huge, so the model stops
# pushing towards over-confidence.

# %%
lesson.step("Label smoothing", "l = (1 - eps) (-log p_y) + eps / C * sum_c (-log p_c)")
eps, C = 0.1, 3
smoothed_by_hand = ((1 - eps) * nll + eps / C * (-logp).sum(axis=1)).mean()
lesson.show("smoothed loss by hand", round(smoothed_by_hand, 6))
lesson.check(abs(F.cross_entropy(logits, y, label_smoothing=eps).item() - smoothed_by_hand) < 1e-12, "cross_entropy(label_smoothing=0.1) matches the hand formula")
confident = minigrad.tensor([[20.0, 0.0, 0.0]], dtype=f64)
plain_loss = F.cross_entropy(confident, minigrad.tensor([0])).item()
smooth_loss = F.cross_entropy(confident, minigrad.tensor([0]), label_smoothing=eps).item()
lesson.show("loss of a right answer with margin 20: plain, smoothed", (f"{plain_loss:.2e}", round(smooth_loss, 3)))
lesson.check(plain_loss < 1e-8 and smooth_loss > 1.0, "plain CE rewards a huge margin; smoothed CE penalises it")
margins = np.linspace(0, 12, 121)
best_margin = margins[np.argmin([F.cross_entropy(minigrad.tensor([[m, 0.0, 0.0]], dtype=f64), minigrad.tensor([0]),
                                                 label_smoothing=eps).item() for m in margins])]
expected = math.log((1 - eps + eps / C) / (eps / C))
lesson.show("best margin with smoothing (grid), and log((1 - eps + eps/C) / (eps/C))", (round(float(best_margin), 2), round(expected, 3)))
lesson.check(abs(best_margin - expected) <= 0.1, "with smoothing the best margin is finite: log((1 - eps + eps/C) / (eps/C))")
figure, ax = plt.subplots(figsize=(6, 3.2), layout="constrained")
ax.plot(margins, [F.cross_entropy(minigrad.tensor([[m, 0.0, 0.0]], dtype=f64), minigrad.tensor([0])).item() for m in margins], label="plain cross-entropy")
ax.plot(margins, [F.cross_entropy(minigrad.tensor([[m, 0.0, 0.0]], dtype=f64), minigrad.tensor([0]), label_smoothing=eps).item()
                  for m in margins], label=f"label smoothing {eps}")
ax.axvline(expected, color="gray", linestyle=":", label=f"best margin {expected:.2f}")
ax.set_xlabel("margin of the right class's logit over the others")
ax.set_ylabel("loss")
ax.set_title("smoothing makes a huge margin cost, not pay")
ax.legend()
lesson.save(figure, "14_label_smoothing.png")

# %% [markdown]
# ## Practise
# Log-softmax and cross-entropy, forward and backward:
#
#     python -m minigrad.exercises start my_exercises cross_entropy

# %%
lesson.done()
