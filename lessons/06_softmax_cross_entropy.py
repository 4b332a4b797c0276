# %% [markdown]
# # Lesson 6: softmax, temperature and cross-entropy
#
# Softmax turns scores into a probability distribution,
# softmax(s)_k = e^(s_k / tau) / sum_j e^(s_j / tau), with temperature tau.
# Cross-entropy scores that distribution against the true class y:
# CE = -log softmax(s)_y, the negative log-likelihood.

# %%
import math

import matplotlib.pyplot as plt
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F

lesson = Lesson("Lesson 6: softmax, temperature and cross-entropy", seed=6)

# %% [markdown]
# ## Step 1: temperature
# Dividing the scores by tau < 1 sharpens the distribution; as tau -> 0 it
# puts all its mass on the argmax.  tau > 1 flattens it towards uniform.

# %%
lesson.step("Softmax with temperature", "softmax(s / tau)_k = e^(s_k / tau) / sum_j e^(s_j / tau)")
scores = minigrad.tensor([2.0, 1.0, 0.1], dtype=minigrad.float64)
temperatures = [10.0, 2.0, 1.0, 0.5, 0.1, 0.01]
rows = []
for tau in temperatures:
    p = (scores / tau).softmax(dim=0)
    rows.append(p.numpy())
    lesson.show(f"tau = {tau:>5}", p.numpy().round(4))
lesson.check(minigrad.allclose((scores / 0.01).softmax(dim=0), minigrad.tensor([1.0, 0.0, 0.0], dtype=minigrad.float64)), "as tau -> 0, softmax becomes the one-hot argmax")
lesson.check((scores / 10.0).softmax(dim=0).max().item() < 0.4, "a large tau flattens it towards uniform (1/3 each)")
lesson.check(minigrad.allclose((scores + 100).softmax(dim=0), scores.softmax(dim=0)), "adding a constant to every score changes nothing")
figure, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
for k in range(3):
    ax.plot(temperatures, [row[k] for row in rows], "o-", label=f"class {k} (score {scores[k].item()})")
ax.set_xscale("log")
ax.set_xlabel("temperature tau")
ax.set_ylabel("probability")
ax.legend()
lesson.save(figure, "06_temperature.png")

# %% [markdown]
# ## Step 2: why the output layer has no nonlinearity
# If the scores were squashed by tanh into [-1, 1], two scores could differ by
# at most 2, and the most confident two-class softmax would be
# 1 / (1 + e^-2) = 0.88: the network could never say "99% sure".

# %%
lesson.step("No tanh on the scores", "max softmax([1, -1]) = 1 / (1 + e^-2) = 0.881")
squashed = minigrad.tensor([50.0, -50.0], dtype=minigrad.float64).tanh()
p = squashed.softmax(dim=0)
lesson.show("softmax(tanh([50, -50]))", p.numpy().round(3))
lesson.check(abs(p[0].item() - 1 / (1 + math.exp(-2))) < 1e-9, "tanh-squashed scores cannot get past [0.12, 0.88]")
lesson.check(minigrad.tensor([5.0, -5.0]).softmax(dim=0)[0].item() > 0.99, "raw scores can express 99.99% confidence")

# %% [markdown]
# ## Step 3: the sigmoid is a two-class softmax
# softmax([s, 0])_0 = e^s / (e^s + 1) = 1 / (1 + e^-s) = sigmoid(s).

# %%
lesson.step("Sigmoid = two-class softmax", "softmax([s, 0])_0 = e^s / (e^s + e^0) = sigmoid(s)")
s = minigrad.linspace(-6, 6, 13, dtype=minigrad.float64)
two_class = minigrad.stack([s, minigrad.zeros_like(s)], dim=1).softmax(dim=1)[:, 0]
lesson.check(minigrad.allclose(two_class, s.sigmoid(), atol=1e-12), "sigmoid(s) = softmax([s, 0])_0 for every s")

# %% [markdown]
# ## Step 4: cross-entropy is the negative log-likelihood
# With probability p given to the true class, the loss is -log p: small
# when the model is confident and right, large when it is confident and wrong.

# %%
lesson.step("Cross-entropy = -log p(true class)", "CE(s, y) = -log softmax(s)_y")
for p_true, expected in [(0.9, 0.105), (0.5, 0.693), (0.1, 2.303)]:
    value = -math.log(p_true)
    lesson.show(f"-log {p_true}", round(value, 3))
    lesson.check(round(value, 3) == expected, f"-log {p_true} = {expected}")
logits = minigrad.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], dtype=minigrad.float64)
targets = minigrad.tensor([0, 2])
by_hand = 0.0
for row, y in zip(logits.tolist(), targets.tolist()):
    exps = [math.exp(v) for v in row]
    by_hand += -math.log(exps[y] / sum(exps))
by_hand /= 2
library = F.cross_entropy(logits, targets)
lesson.show("by hand, averaged over 2 examples", round(by_hand, 6))
lesson.show("F.cross_entropy", round(library.item(), 6))
lesson.check(abs(by_hand - library.item()) < 1e-12, "the manual computation matches minigrad's cross_entropy")
lesson.check(abs(F.nll_loss(F.log_softmax(logits, dim=1), targets).item() - by_hand) < 1e-12, "cross_entropy = nll_loss(log_softmax(s))")
logits.requires_grad_()
F.cross_entropy(logits, targets, reduction="sum").backward()
one_hot = F.one_hot(targets, 3).double()
lesson.check(minigrad.allclose(logits.grad, logits.detach().softmax(dim=1) - one_hot, atol=1e-12), "its gradient is p - y (softmax minus one-hot)")

# %% [markdown]
# ## Step 5: KL divergence
# KL(P || Q) = sum P log(P / Q) = H(P, Q) - H(P): the extra cost of coding
# data from P with a code built for Q.  It is 0 only when Q = P.

# %%
lesson.step("KL divergence", "KL(P || Q) = sum_k P_k log(P_k / Q_k) = H(P, Q) - H(P)")
P = minigrad.tensor([0.7, 0.2, 0.1], dtype=minigrad.float64)
Q = minigrad.tensor([0.5, 0.3, 0.2], dtype=minigrad.float64)
kl = (P * (P / Q).log()).sum()
cross = -(P * Q.log()).sum()
entropy = -(P * P.log()).sum()
lesson.show("KL(P||Q)", round(kl.item(), 5))
lesson.show("H(P, Q) - H(P)", round((cross - entropy).item(), 5))
lesson.check(abs(kl.item() - (cross - entropy).item()) < 1e-12, "KL(P||Q) = H(P, Q) - H(P)")
minigrad.manual_seed(6)
random_Q = (minigrad.randn(500, 3, dtype=minigrad.float64) * 2).softmax(dim=1)  # 500 random distributions
kls = (P * (P.log() - random_Q.log())).sum(dim=1)
lesson.show("smallest KL(P||Q) over 500 random Q", round(kls.min().item(), 5))
lesson.check(kls.min().item() > 0, "KL(P||Q) > 0 for every one of 500 random distributions Q != P (Gibbs' inequality)")

# %% [markdown]
# ## Step 6: why we minimise cross-entropy and not KL
# H(P, Q) = H(P) + KL(P || Q), and the entropy H(P) of the data does not
# depend on the model Q.  So the two have the same gradient with respect to
# the model and the same minimum, Q = P.
#
# But we never see P, only samples y_1, ..., y_n drawn from it.  Cross-entropy
# is an expectation over P of something we can compute,
#
#     H(P, Q) = E_{y ~ P} [-log Q_y]  ~  (1/n) sum_i -log Q_{y_i},
#
# which is exactly the average loss over a training set.  KL also needs
# H(P) = E[-log P_y], and P_y is the very thing we do not know.  That is why
# training minimises cross-entropy: the same optimum, and estimable from data.

# %%
lesson.step("Cross-entropy and KL: one optimum, one estimable", "H(P, Q) = H(P) + KL(P || Q);   H(P, Q) = E_P[-log Q_y] ~ mean_i -log Q_(y_i)")
logits_q = minigrad.zeros(3, dtype=minigrad.float64, requires_grad=True)
log_q = logits_q.log_softmax(dim=0)
(-(P * log_q).sum()).backward()
grad_ce = logits_q.grad.clone()
logits_q.grad = None
(P * (P.log() - logits_q.log_softmax(dim=0))).sum().backward()
lesson.check(minigrad.allclose(grad_ce, logits_q.grad, atol=1e-15), "cross-entropy and KL have the same gradient with respect to the model's logits")
s = minigrad.zeros(3, dtype=minigrad.float64)
for _ in range(500):
    s = s - 1.0 * (s.softmax(dim=0) - P)  # gradient descent; the gradient of H(P, softmax(s)) is softmax(s) - P
lesson.show("Q after gradient descent on H(P, Q)", s.softmax(dim=0).numpy().round(4))
lesson.check(minigrad.allclose(s.softmax(dim=0), P, atol=1e-6), "minimising cross-entropy drives Q to P, where KL is 0")
n_samples = 2000 if lesson.quick else 20000
thresholds = minigrad.tensor([P[0].item(), P[0].item() + P[1].item()], dtype=minigrad.float64)
samples = (minigrad.rand(n_samples, 1, dtype=minigrad.float64) > thresholds).sum(dim=1)  # y ~ P: 0, 1 or 2
per_sample = -Q.log()[samples]
estimate, spread = per_sample.mean().item(), per_sample.std().item() / math.sqrt(n_samples)
lesson.show(f"mean -log Q(y) over {n_samples} samples, and H(P, Q)", (round(estimate, 4), round(cross.item(), 4)))
lesson.check(abs(estimate - cross.item()) < 4 * spread, "the average loss over samples estimates H(P, Q) (within 4 standard errors)")
frequencies = minigrad.stack([(samples == k).double().mean() for k in range(3)])
lesson.show("the Q that minimises the sample loss: the frequencies", frequencies.numpy().round(3))
lesson.check(-frequencies.log()[samples].mean().item() <= -P.log()[samples].mean().item(),
             "on the samples, the frequencies score a lower loss than even the true P")
lesson.check((frequencies - P).abs().max().item() < 0.05, "and that minimiser approaches P as the samples grow")

# %% [markdown]
# ## Practise
# Softmax with a temperature, forward and backward, stable, with its limits
# T -> 0 and T -> infinity and the sigmoid as a two-class softmax; then
# log-softmax and cross-entropy, forward and backward:
#
#     python -m minigrad.exercises start my_exercises softmax_temperature cross_entropy

# %%
lesson.done()
