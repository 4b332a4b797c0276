# %% [markdown]
# # Lesson 15: optimisation and regularisation
#
# After the loss (lesson 14), two more decisions shape every training run:
#
# - the **optimizer** and its learning-rate **schedule**: SGD with momentum,
#   Adam, AdamW; warm-up, decay, reduce-on-plateau;
# - **regularisation**, what keeps a network from memorising its training
#   set: dropout, weight decay, gradient clipping (a guard rather than a
#   regulariser) and early stopping.
#
# Every update rule below is checked against minigrad's implementation, and
# every effect is measured.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.nn.utils import clip_grad_norm_
from minigrad.optim.lr_scheduler import LinearWarmupDecay, ReduceLROnPlateau
from minigrad.train import evaluate, fit

lesson = Lesson("Lesson 15: optimisation and regularisation", seed=12)

# %% [markdown]
# ## Step 1: the update rules, checked by hand
# Each optimizer is a few lines of arithmetic per weight.  We run three steps
# of each by hand in NumPy on a quadratic, L = 1/2 sum_i a_i theta_i^2 (so
# g = a * theta), and compare with minigrad's optimizers:
#
#     momentum:  b_t = mu b_(t-1) + g_t,            theta_t = theta_(t-1) - lr b_t
#     Adam:      m_t = beta1 m_(t-1) + (1 - beta1) g_t
#                v_t = beta2 v_(t-1) + (1 - beta2) g_t^2
#                m_hat = m_t / (1 - beta1^t),  v_hat = v_t / (1 - beta2^t)
#                theta_t = theta_(t-1) - lr m_hat / (sqrt(v_hat) + eps)
#     AdamW:     theta <- theta - lr lambda theta, then the Adam step

# %%
lesson.step("Update rules by hand", "b = mu b + g;   m, v running moments, bias-corrected;   AdamW: theta -= lr lambda theta first")
a = np.array([1.0, 10.0, 0.1])
start = np.array([1.0, -2.0, 3.0])


def run_optimizer(make, steps=3):
    theta = nn.Parameter(minigrad.tensor(start))
    opt = make([theta])
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (minigrad.tensor(a) * theta * theta).sum()).backward()
        opt.step()
    return theta.detach().numpy()


lr, mu, beta1, beta2, eps, lam = 0.1, 0.9, 0.9, 0.999, 1e-8, 0.5
theta, b = start.copy(), np.zeros(3)
for _ in range(3):
    b = mu * b + a * theta
    theta = theta - lr * b
lesson.check(np.allclose(run_optimizer(lambda p: optim.SGD(p, lr=lr, momentum=mu)), theta, atol=1e-12), "SGD(momentum=0.9) follows b = mu b + g, theta -= lr b")
for decoupled in (False, True):
    theta, m, v = start.copy(), np.zeros(3), np.zeros(3)
    for t in range(1, 4):
        g = a * theta
        if decoupled:
            theta = theta - lr * lam * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        theta = theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    if decoupled:
        got = run_optimizer(lambda p: optim.AdamW(p, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=lam))
        lesson.check(np.allclose(got, theta, atol=1e-12), "AdamW = decay theta by lr lambda theta, then the Adam step")
    else:
        got = run_optimizer(lambda p: optim.Adam(p, lr=lr, betas=(beta1, beta2), eps=eps))
        lesson.check(np.allclose(got, theta, atol=1e-12), "Adam follows the bias-corrected moment formulas")
lesson.show("Adam's first step on each weight (gradients 1, -20, 0.3)", (start - run_optimizer(lambda p: optim.Adam(p, lr=lr), steps=1)).round(6))
lesson.check(np.allclose(np.abs(start - run_optimizer(lambda p: optim.Adam(p, lr=lr), steps=1)), lr, rtol=1e-6),
             "Adam's first step is lr for every weight, whatever its gradient's size: m_hat / sqrt(v_hat) = g / |g|")

# %% [markdown]
# ## Step 2: SGD, momentum, Adam and AdamW on one small problem
# A small MLP on two interleaved half-moons, full batch, the same start for
# every optimizer.  Momentum keeps a running direction
# (b = mu b + g;  theta -= lr b); Adam scales each weight's step by a running
# estimate of its gradient's size; AdamW adds decay of the weights themselves.

# %%
lesson.step("Optimizers compared", "SGD: theta -= lr g;  momentum: b = mu b + g, theta -= lr b;  Adam: theta -= lr m_hat / (sqrt(v_hat) + eps)")
rng = np.random.default_rng(12)
n = 200
angle = rng.uniform(0, math.pi, n)
label = rng.integers(0, 2, n)
moons = np.stack([np.cos(angle) + label * 1.0, np.sin(angle) * (1 - 2 * label) + label * 0.5], axis=1)
moons += rng.normal(scale=0.1, size=moons.shape)
Xm, ym = minigrad.tensor(moons.astype(np.float32)), minigrad.tensor(label)


def small_mlp(seed):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 2))


optimizers = {
    "SGD lr=0.1": lambda p: optim.SGD(p, lr=0.1),
    "SGD+momentum 0.9": lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    "Adam lr=0.01": lambda p: optim.Adam(p, lr=0.01),
    "AdamW lr=0.01 wd=0.1": lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.1),
}
steps = 150 if lesson.quick else 400
curves = {}
for name, make in optimizers.items():
    model = small_mlp(seed=0)  # the same initial weights for all
    opt = make(model.parameters())
    curve = []
    for _ in range(steps):
        loss = F.cross_entropy(model(Xm), ym)
        opt.zero_grad()
        loss.backward()
        opt.step()
        curve.append(loss.item())
    curves[name] = curve
    lesson.show(f"{name:<22} loss after {steps} steps", round(curve[-1], 4))
final = {name: c[-1] for name, c in curves.items()}
lesson.check(final["SGD+momentum 0.9"] < final["SGD lr=0.1"], "momentum reaches a lower loss than plain SGD at the same lr")
lesson.check(final["Adam lr=0.01"] < final["SGD lr=0.1"], "Adam reaches a lower loss than plain SGD")
lesson.check(final["AdamW lr=0.01 wd=0.1"] < 0.5 * curves["AdamW lr=0.01 wd=0.1"][0], "AdamW trains too (loss more than halved)")
figure, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
for name, curve in curves.items():
    ax.plot(curve, label=name)
ax.set_xlabel("step (full batch)")
ax.set_ylabel("training loss")
ax.set_yscale("log")
ax.legend()
ax.set_title("the same MLP, the same start, four optimizers")
lesson.save(figure, "15_optimizers.png")

# %% [markdown]
# ## Step 3: learning-rate schedules
# ``LinearWarmupDecay`` (stepped per batch) rises from 0 to the base rate,
# then falls linearly.  ``ReduceLROnPlateau`` (stepped per epoch with the
# validation loss) divides the rate when the loss has not improved for
# ``patience`` epochs.

# %%
lesson.step("Schedules", "warm-up: lr_t = lr t / T_w;  decay: lr_t = lr (T - t) / (T - T_w);  plateau: lr *= factor after patience bad epochs")
opt = optim.SGD([nn.Parameter(minigrad.zeros(1))], lr=0.1)
warm = LinearWarmupDecay(opt, warmup_steps=10, total_steps=100)
warm_lrs = []
for _ in range(100):
    warm_lrs.append(opt.param_groups[0]["lr"])
    opt.step()
    warm.step()
lesson.check(warm_lrs[0] == 0.0, "warm-up starts at lr 0")
lesson.check(abs(max(warm_lrs) - 0.1) < 1e-12 and int(np.argmax(warm_lrs)) == 10, "it reaches the base lr 0.1 at step 10")
lesson.check(abs(warm_lrs[55] - 0.1 * (100 - 55) / 90) < 1e-12, "halfway down the decay it follows lr (T - t) / (T - T_w)")

opt = optim.SGD([nn.Parameter(minigrad.zeros(1))], lr=0.1)
plateau = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
val_losses = [1.0, 0.8, 0.7, 0.65, 0.66, 0.67, 0.66, 0.64, 0.65, 0.66, 0.65, 0.66, 0.66, 0.67, 0.60, 0.61]
plateau_lrs = []
for v in val_losses:
    plateau_lrs.append(opt.param_groups[0]["lr"])
    plateau.step(v)
lesson.show("validation losses", val_losses)
lesson.show("lr used in each epoch", plateau_lrs)
lesson.check(plateau_lrs[6] == 0.1 and plateau_lrs[7] == 0.05, "3 epochs without improvement (patience 2) halve the lr")
lesson.check(plateau_lrs[-1] < plateau_lrs[7], "a second plateau halves it again")
figure, axes = plt.subplots(1, 2, figsize=(10, 3.2), layout="constrained")
axes[0].plot(warm_lrs)
axes[0].set_title("LinearWarmupDecay (10 warm-up of 100 steps)")
axes[0].set_xlabel("batch")
axes[0].set_ylabel("lr")
axes[1].step(range(len(plateau_lrs)), plateau_lrs, where="post", label="lr")
axes[1].set_xlabel("epoch")
axes[1].set_title("ReduceLROnPlateau (patience 2, factor 0.5)")
twin = axes[1].twinx()
twin.plot(val_losses, "o--", color="tab:orange", markersize=3, label="val loss")
twin.set_ylabel("validation loss")
axes[1].legend(loc="upper right")
lesson.save(figure, "15_lr_schedules.png")

# %% [markdown]
# ## Step 4: a problem that overfits
# 80 training examples with 30 features, of which 2 matter, and 15% of the
# labels flipped; a 2-hidden-layer MLP of 128 units memorises them easily.
# We measure every regulariser on this one problem.

# %%
lesson.step("An overfitting problem", "80 examples, 30 features, 15% label noise, ~20,000 weights")
rng = np.random.default_rng(2)
n_train, n_val, d = 80, 400, 30
X = rng.normal(size=(n_train + n_val, d)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
flip = rng.random(len(Y)) < 0.15
Y[flip] = 1 - Y[flip]
train_set = TensorDataset(minigrad.tensor(X[:n_train]), minigrad.tensor(Y[:n_train]))
val_set = TensorDataset(minigrad.tensor(X[n_train:]), minigrad.tensor(Y[n_train:]))
val_loader = DataLoader(val_set, batch_size=n_val)
epochs = 30  # enough to memorise 80 examples, with --quick or without


def overfitter(p=0.0, seed=0):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, 128), nn.ReLU(), nn.Dropout(p), nn.Linear(128, 128), nn.ReLU(), nn.Dropout(p),
                         nn.Linear(128, 2))


def train(model, optimizer, **kwargs):
    minigrad.manual_seed(1)  # the same shuffling for every run
    loader = DataLoader(train_set, batch_size=20, shuffle=True)
    history = fit(model, optimizer, loader, val_loader, verbose=False, **kwargs)
    return history, loader


baseline = overfitter()
history_plain, train_loader = train(baseline, optim.Adam(baseline.parameters(), lr=1e-3), epochs=epochs, restore_best=False)
train_loss, train_acc = evaluate(baseline, train_loader)
val_loss, val_acc = evaluate(baseline, val_loader)
lesson.show("no regularisation: train loss / acc", (round(train_loss, 4), f"{train_acc:.0%}"))
lesson.show("no regularisation: val loss / acc", (round(val_loss, 4), f"{val_acc:.0%}"))
rule_acc = float(((X[n_train:, 0] + X[n_train:, 1] > 0).astype(np.int64) == Y[n_train:]).mean())  # the labels' own rule
lesson.show("validation accuracy of the rule that made the labels (x0 + x1 > 0): the best possible", f"{rule_acc:.1%}")
lesson.check(train_acc == 1.0, "it memorises the training set, the flipped labels included")
lesson.check(val_acc < rule_acc - 0.05, "and on new data it does clearly worse (by more than 5 points) than the best possible rule")
lesson.check(history_plain.val_loss[-1] > min(history_plain.val_loss) + 0.2, "its validation loss rose well above its minimum")

# %% [markdown]
# ## Step 5: dropout
# In training mode dropout zeroes each unit with probability p and scales the
# rest by 1/(1 - p); in evaluation mode it does nothing.  The network cannot
# lean on any single unit, which usually narrows the train/validation gap.

# %%
lesson.step("Dropout", "train: y = x m / (1 - p), m ~ Bernoulli(1 - p);  eval: y = x")
layer = nn.Dropout(0.5)
ones = minigrad.ones(200_000)
dropped = layer(ones)
lesson.show("fraction zeroed, mean of the output", (round((dropped == 0).float().mean().item(), 4), round(dropped.mean().item(), 4)))
lesson.check(abs((dropped == 0).float().mean().item() - 0.5) < 0.01, "about half the units are zeroed in training mode")
lesson.check(abs(dropped.mean().item() - 1.0) < 0.01, "the 1/(1 - p) scaling keeps the mean")
layer.eval()
lesson.check(minigrad.equal(layer(ones), ones), "in eval mode dropout is the identity")
dropout_model = overfitter(p=0.5)
history_dropout, _ = train(dropout_model, optim.Adam(dropout_model.parameters(), lr=1e-3), epochs=epochs, restore_best=False)
sample = minigrad.tensor(X[:5])
dropout_model.train()
lesson.check(not minigrad.allclose(dropout_model(sample), dropout_model(sample)), "in train mode two passes over the same input differ")
dropout_model.eval()
lesson.check(minigrad.equal(dropout_model(sample), dropout_model(sample)), "in eval mode they are identical")
d_train_loss, _ = evaluate(dropout_model, train_loader)
d_val_loss, d_val_acc = evaluate(dropout_model, val_loader)
gap_plain, gap_dropout = val_loss - train_loss, d_val_loss - d_train_loss
lesson.show("val loss - train loss, without / with dropout", (round(gap_plain, 3), round(gap_dropout, 3)))
lesson.check(gap_dropout < gap_plain, "dropout narrows the gap between validation and training loss")
lesson.check(d_val_loss < val_loss, "and lowers the validation loss after the same training")

# %% [markdown]
# ## Step 6: weight decay
# AdamW shrinks every weight a little at each step, theta -= lr lambda theta,
# besides the gradient step.  Large weights make sharp, over-confident
# decision boundaries; decay keeps them small.
#
# We use weight_decay = 3.0, which is 30 to 300 times the usual 0.01-0.1:
# with lr = 1e-3 and only 120 steps (30 epochs of 4 batches) the usual values
# would shrink the weights by well under 1%, too little to see.  The product
# lr * lambda * steps is what matters: here it is 0.36.

# %%
lesson.step("Weight decay", "theta <- theta - lr * lambda * theta  (then the Adam step)")


def weight_norm(model):
    return math.sqrt(sum((p.detach().numpy().astype(np.float64) ** 2).sum() for p in model.parameters()))


norms, decay_val = {}, {}
for wd in (0.0, 3.0):
    model = overfitter()
    train(model, optim.AdamW(model.parameters(), lr=1e-3, weight_decay=wd), epochs=epochs, restore_best=False)
    norms[wd], decay_val[wd] = weight_norm(model), evaluate(model, val_loader)[0]
lesson.show("weight norm ||theta|| after training, weight_decay 0 / 3", (round(norms[0.0], 3), round(norms[3.0], 3)))
lesson.show("validation loss, weight_decay 0 / 3", (round(decay_val[0.0], 3), round(decay_val[3.0], 3)))
lesson.check(norms[3.0] < 0.9 * norms[0.0], "weight decay shrinks the weight norm (by more than 10%)")
lesson.check(decay_val[3.0] < decay_val[0.0], "and here it also lowers the validation loss")

# %% [markdown]
# ## Step 7: Adam with an L2 penalty is not AdamW
# With SGD, adding (lambda/2) |theta|^2 to the loss and decaying the weights
# are the same thing: the penalty's gradient lambda theta is subtracted, times
# lr.  Adam breaks that equivalence.  Its step divides each weight's gradient
# by the running size of that gradient, sqrt(v_hat), and the penalty's
# gradient is divided too:
#
#     Adam + L2:  step ~ lr (g + lambda theta) / sqrt(v_hat(g + lambda theta))
#     AdamW:      theta <- theta (1 - lr lambda), then the Adam step on g alone
#
# So under Adam + L2 a weight whose data gradients are large barely decays
# (lambda theta is lost beside g), and a weight with no data gradient at all
# decays at full speed lr per step, whatever lambda is.  AdamW (Loshchilov and
# Hutter, "Decoupled weight decay regularization") decays every weight by the
# same factor (1 - lr lambda) per step, as the regulariser intends.  We watch
# one quiet weight (no data gradient) and 200 noisy ones (random data
# gradients of size 10, mean 0), all starting at 1.

# %%
lesson.step("Adam + L2 vs AdamW", "Adam + L2: g <- g + lambda theta, then Adam;   AdamW: theta <- theta (1 - lr lambda), then Adam on g")
lr, lam, n_steps = 0.01, 0.1, 200
noise = minigrad.randn(n_steps, 201, dtype=minigrad.float64) * 10
noise[:, 0] = 0.0  # weight 0 is the quiet one


def decay_run(decoupled):
    theta = nn.Parameter(minigrad.ones(201, dtype=minigrad.float64))
    if decoupled:
        opt = optim.AdamW([theta], lr=lr, weight_decay=lam)
    else:
        opt = optim.Adam([theta], lr=lr)
    for step_index in range(n_steps):
        loss = (noise[step_index] * theta).sum()  # data gradient: the noise
        if not decoupled:
            loss = loss + lam / 2 * (theta * theta).sum()  # the L2 penalty, in the loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    values = theta.detach().numpy()
    return values[0], values[1:].mean()


quiet_l2, noisy_l2 = decay_run(decoupled=False)
quiet_w, noisy_w = decay_run(decoupled=True)
intended = (1 - lr * lam) ** n_steps
print(f"  after {n_steps} steps, lr {lr}, lambda {lam}: (the quiet weight, the noisy ones' mean)")
lesson.show("  Adam + L2", (round(float(quiet_l2), 4), round(float(noisy_l2), 4)))
lesson.show("  AdamW    ", (round(float(quiet_w), 4), round(float(noisy_w), 4)))
lesson.show("  (1 - lr lambda)^steps, the decay intended", round(intended, 4))
lesson.check(abs(quiet_w - intended) < 1e-9, "AdamW decays the quiet weight by exactly (1 - lr lambda) per step")
lesson.check(abs(noisy_w - intended) < 0.05, "and the noisy weights by the same factor, on average: decay independent of the gradients")
lesson.check(abs(quiet_l2) < 0.1, "Adam + L2 wipes the quiet weight out (steps of about lr each, whatever lambda)")
lesson.check(noisy_l2 > intended + 0.1, "while the noisy weights barely decay: their large gradients drown lambda theta")
figure, ax = plt.subplots(figsize=(5.5, 3.2), layout="constrained")
ax.bar([0, 1, 3, 4], [quiet_l2, noisy_l2, quiet_w, noisy_w], color=["tab:red", "tab:blue", "tab:red", "tab:blue"])
ax.axhline(intended, color="gray", linestyle=":", label=f"(1 - lr lambda)^{n_steps} = {intended:.3f}")
ax.set_xticks([0, 1, 3, 4], ["quiet\nAdam+L2", "noisy\nAdam+L2", "quiet\nAdamW", "noisy\nAdamW"])
ax.set_ylabel("weight after training (started at 1)")
ax.set_title("L2 through Adam decays unevenly; AdamW evenly")
ax.legend(fontsize=8)
lesson.save(figure, "15_adam_l2_vs_adamw.png")

# %% [markdown]
# ## Step 8: gradient clipping
# One bad batch can produce a gradient large enough to throw the weights far
# away.  ``clip_grad_norm_`` rescales all gradients together so that their
# joint norm is at most ``max_norm``: the direction is kept, the length capped.

# %%
lesson.step("Gradient clipping", "g <- g * min(1, max_norm / ||g||),   ||g|| over all parameters joined")
model = overfitter()
outlier = minigrad.tensor(X[:20] * 100)  # inputs 100 times too large: a huge gradient
loss = F.cross_entropy(model(outlier), minigrad.tensor(Y[:20]))
loss.backward()
grads_before = np.concatenate([p.grad.numpy().ravel() for p in model.parameters()]).astype(np.float64)
total = clip_grad_norm_(model.parameters(), max_norm=1.0).item()
grads_after = np.concatenate([p.grad.numpy().ravel() for p in model.parameters()]).astype(np.float64)
lesson.show("norm before, after clipping to 1", (round(total, 2), round(float(np.linalg.norm(grads_after)), 6)))
lesson.check(abs(total - np.linalg.norm(grads_before)) < 1e-3 * total, "clip_grad_norm_ returns the norm before clipping")
lesson.check(total > 10 and np.linalg.norm(grads_after) <= 1.0 + 1e-5, "after clipping the gradient norm is at most max_norm")
cosine = grads_before @ grads_after / (np.linalg.norm(grads_before) * np.linalg.norm(grads_after))
lesson.check(cosine > 1 - 1e-6, "the direction is unchanged (cosine 1)")
small = clip_grad_norm_(model.parameters(), max_norm=10.0).item()
lesson.check(np.allclose(np.concatenate([p.grad.numpy().ravel() for p in model.parameters()]), grads_after), f"a norm already below max_norm ({small:.2f} < 10) is left alone")

# %% [markdown]
# ## Step 9: early stopping
# Watch the validation loss; stop when it has not improved for ``patience``
# epochs, and put back the weights of the best epoch.  ``fit`` does both.

# %%
lesson.step("Early stopping", "stop when val_loss has not improved for `patience` epochs; restore the best weights")
max_epochs, patience = 100, 5
model = overfitter()
history, _ = train(model, optim.Adam(model.parameters(), lr=1e-3), epochs=max_epochs, early_stopping_patience=patience,
                   monitor="val_loss", mode="min", restore_best=True)
ran, best = len(history.train_loss), history.best_epoch
lesson.show("epochs run, best epoch", (ran, best))
lesson.check(ran < max_epochs, f"training stopped before the {max_epochs} epochs allowed")
lesson.check(ran == best + patience, "it stopped exactly `patience` epochs after the best one")
restored_loss, _ = evaluate(model, val_loader)
lesson.show("val loss: best epoch, last epoch, restored model", (round(history.val_loss[best - 1], 4), round(history.val_loss[-1], 4), round(restored_loss, 4)))
lesson.check(abs(restored_loss - history.val_loss[best - 1]) < 1e-5, "the restored model has the best epoch's validation loss")
lesson.check(restored_loss < history.val_loss[-1], "which is lower than the last epoch's")
figure, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
for hist, name in ((history_plain, "no dropout"), (history_dropout, "dropout 0.5")):
    line, = axes[0].plot(range(1, len(hist.val_loss) + 1), hist.val_loss, label=f"val, {name}")
    axes[0].plot(range(1, len(hist.train_loss) + 1), hist.train_loss, "--", color=line.get_color(), label=f"train, {name}")
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("loss")
axes[0].set_title("dropout narrows the train/validation gap")
axes[0].legend(fontsize=8)
axes[1].plot(range(1, ran + 1), history.val_loss, "o-", markersize=3, label="val loss")
axes[1].plot(range(1, ran + 1), history.train_loss, "--", label="train loss")
axes[1].axvline(best, color="gray", linestyle=":", label=f"best epoch {best} (restored)")
axes[1].axvline(ran, color="red", linestyle=":", label=f"stopped at {ran}")
axes[1].set_xlabel("epoch")
axes[1].set_title(f"early stopping, patience {patience}")
axes[1].legend(fontsize=8)
lesson.save(figure, "15_regularisation.png")

# %% [markdown]
# ## Practise
# The update rules and the regulariser of this lesson:
#
#     python -m minigrad.exercises start my_exercises sgd_momentum adam dropout

# %%
lesson.done()
