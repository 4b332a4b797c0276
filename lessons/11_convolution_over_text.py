# %% [markdown]
# # Lesson 11: 1-D convolution over text
#
# Embed a sentence of L words as a matrix (E, L): one column per word, one
# row (channel) per embedding dimension.  A 1-D convolution slides F filters
# of width k along it; each filter looks at k consecutive words at a time:
#
#     y[n, f, t] = b[f] + sum_c sum_j W[f, c, j] x[n, c, t + j]
#     x (N, E, L)  ->  y (N, F, L - k + 1)
#
# A filter is therefore a detector of k-word phrases (n-grams), and the
# same detector runs at every position.  Pooling then reduces the L - k + 1
# positions to a fixed size, so sentences of any length give one vector.

# %%
import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.text import Vocab

lesson = Lesson("Lesson 11: 1-D convolution over text", seed=10)
f64 = minigrad.float64

# %% [markdown]
# ## Step 1: shapes
# Without padding a filter of width k fits at L - k + 1 positions.  With p
# zeros at each end and a stride s (the jump between positions):
#
#     L_out = floor((L + 2p - k) / s) + 1

# %%
lesson.step("Output length", "L_out = floor((L + 2p - k) / s) + 1;   p = 0, s = 1:  L_out = L - k + 1")
N, E, L = 2, 4, 7
x = minigrad.randn(N, E, L, dtype=f64)
for k, p, s in [(3, 0, 1), (2, 0, 1), (5, 0, 1), (3, 1, 1), (3, 2, 1), (3, 0, 2), (2, 1, 3)]:
    conv = nn.Conv1d(E, 6, kernel_size=k, padding=p, stride=s, dtype=f64)
    out = conv(x)
    expected = (L + 2 * p - k) // s + 1
    lesson.show(f"L={L}, k={k}, p={p}, s={s}", f"{tuple(out.shape)}   formula: {expected}")
    lesson.check(tuple(out.shape) == (N, 6, expected), f"k={k}, p={p}, s={s}: L_out = {expected}")
same = nn.Conv1d(E, 6, kernel_size=3, padding="same", dtype=f64)
lesson.check(same(x).shape[2] == L, "padding='same' keeps the length (p = (k - 1) / 2 for odd k)")
lesson.check(nn.Conv1d(E, 6, kernel_size=3).weight.numel() == 6 * E * 3, "a Conv1d holds F x E x k weights (+ F biases), whatever L is")

# %% [markdown]
# ## Step 2: the formula, by hand
# Each output is a dot product between the filter and one window of k
# columns: the whole convolution is a loop over filters and positions.

# %%
lesson.step("Convolution by hand", "y[n, f, t] = b[f] + sum_c sum_j W[f, c, j] x[n, c, t + j]")
conv = nn.Conv1d(E, 3, kernel_size=3, dtype=f64)
W, b, xs = conv.weight.detach().numpy(), conv.bias.detach().numpy(), x.numpy()
by_hand = np.zeros((N, 3, L - 2))
for n in range(N):
    for f in range(3):
        for t in range(L - 2):
            by_hand[n, f, t] = b[f] + (W[f] * xs[n, :, t:t + 3]).sum()
lesson.check(np.allclose(conv(x).detach().numpy(), by_hand, atol=1e-12), "Conv1d equals the triple loop")
lesson.check(minigrad.gradcheck(lambda x, w: F.conv1d(x, w, stride=2, padding=1), (x[:1, :, :5].detach().requires_grad_(), conv.weight)),
             "its gradients pass the finite-difference check (with stride 2 and padding 1)")

# %% [markdown]
# ## Step 3: a filter that detects a bigram
# Use one-hot embeddings (E = V) so that we can set a filter by hand: the
# filter of width 2 with W[:, "not", 0] = 1 and W[:, "good", 1] = 1 and bias
# -1 gives, after ReLU, 1 exactly where "not good" occurs and 0 elsewhere -
# including at "good" alone, and at "good not".  It reads ORDER, which a
# bag of words cannot.

# %%
lesson.step("A bigram detector", "relu(x_t[not] + x_{t+1}[good] - 1) = 1 only at 'not good'")
sentence = "the film is good but the plot is not good and the ending is good not bad"
vocab = Vocab.build([sentence])
V = len(vocab)
tokens = vocab.tokenizer(sentence)
ids = minigrad.tensor([vocab.encode(sentence)])
onehot = nn.Embedding.from_pretrained(minigrad.eye(V, dtype=f64))  # row i = the i-th unit vector
x = onehot(ids).transpose(1, 2)  # (1, V, L)
detector = nn.Conv1d(V, 1, kernel_size=2, dtype=f64)
with minigrad.no_grad():
    detector.weight.fill_(0.0)
    detector.weight[0, vocab["not"], 0] = 1.0
    detector.weight[0, vocab["good"], 1] = 1.0
    detector.bias.fill_(-1.0)
activation = F.relu(detector(x))[0, 0].detach().numpy()
peak = int(activation.argmax())
lesson.show("activation at each position t (words t, t+1)", activation.astype(int))
lesson.show("peak at", f"t = {peak}: '{tokens[peak]} {tokens[peak + 1]}'")
lesson.check((tokens[peak], tokens[peak + 1]) == ("not", "good"), "the filter peaks at 'not good'")
lesson.check(activation.sum() == 1.0, "and is zero everywhere else (also at 'good not')")
figure, ax = plt.subplots(figsize=(9, 2.8), layout="constrained")
ax.bar(range(len(activation)), activation)
ax.set_xticks(range(len(activation)), [f"{tokens[t]} {tokens[t + 1]}" for t in range(len(activation))], rotation=60, ha="right", fontsize=8)
ax.set_ylabel("relu(filter)")
ax.set_title("a width-2 filter set to detect 'not good'")
lesson.save(figure, "11_bigram_filter.png")

# %% [markdown]
# With learned embeddings the same idea is softer: a filter tuned to
# "not good" also responds, less strongly, to "not great" when the vectors
# of "good" and "great" are close.  That is how a CNN generalises over
# phrases it never saw.

# %% [markdown]
# ## Step 4: pooling over time, four ways
# A feature map (N, F, T) must become one vector per sentence.
#
# - **max over time**: max_t h[f, t] (Kim 2014): "did the phrase occur anywhere?"
# - **average**: mean_t h[f, t]: "how much of the sentence is like it?"
# - **k-max**: the k largest values per filter (Kalchbrenner et al. 2014), (N, F, k)
# - **attention**: alpha = softmax_t(score_t), sum_t alpha_t h[:, t], with a
#   score per position - here u . h[:, t] for a vector u (learned in practice)

# %%
lesson.step("Pooling strategies", "max_t h;  mean_t h;  topk_t h;  sum_t softmax_t(u . h_t) h_t")
N, Fn, T = 3, 5, 9
h = F.relu(minigrad.randn(N, Fn, T, dtype=f64))
max_pool = h.amax(dim=2)
avg_pool = h.mean(dim=2)
k = 3
kmax = h.topk(k, dim=2).values
u = minigrad.randn(Fn, dtype=f64)
scores = (h * u.reshape(1, Fn, 1)).sum(dim=1)  # (N, T): one score per position
alpha = scores.softmax(dim=1)
attention_pool = (h * alpha.unsqueeze(1)).sum(dim=2)
for name, pooled in (("max", max_pool), ("average", avg_pool), (f"{k}-max", kmax), ("attention", attention_pool)):
    lesson.show(f"{name:>9} pooling: shape", tuple(pooled.shape))
lesson.check(tuple(max_pool.shape) == tuple(avg_pool.shape) == tuple(attention_pool.shape) == (N, Fn), "max, average and attention give (N, F)")
lesson.check(tuple(kmax.shape) == (N, Fn, k), f"{k}-max gives (N, F, {k}), flattened to F*{k} features")
lesson.check(minigrad.allclose(max_pool, F.adaptive_max_pool1d(h, 1).squeeze(2)) and minigrad.allclose(max_pool, F.max_pool1d(h, T).squeeze(2)),
             "max over time = adaptive_max_pool1d(h, 1) = max_pool1d with a window of the whole length")
lesson.check(minigrad.allclose(avg_pool, F.avg_pool1d(h, T).squeeze(2)), "average = avg_pool1d with a window of the whole length")
lesson.check(minigrad.equal(kmax[:, :, 0], max_pool), "the first of the k-max values is the max")
lesson.check(bool((kmax[:, :, :-1] >= kmax[:, :, 1:]).all()), "topk returns them largest first")
g = minigrad.randn(N, Fn, T, dtype=f64)  # feature maps without ties (ReLU's zeros tie), so "the k largest" is one set
positions = np.sort(g.topk(k, dim=2).indices.numpy(), axis=2)  # the winners' positions, in sentence order
in_order = g.gather(2, minigrad.tensor(positions)).numpy()
hn = g.numpy()
# the reference, without topk: walk each feature map left to right and keep the values among its k largest
reference = np.array([[[v for v in hn[i, f] if v >= np.sort(hn[i, f])[-k]] for f in range(Fn)] for i in range(N)])
lesson.show(f"a feature map, and its {k}-max in sentence order", (hn[0, 0].round(2), in_order[0, 0].round(2)))
lesson.check(np.array_equal(in_order, reference),
             "Kalchbrenner's k-max (gather at the sorted positions) keeps the k largest values in sentence order")
lesson.check(minigrad.allclose(alpha.sum(dim=1), minigrad.ones(N, dtype=f64)), "the attention weights over positions sum to 1")
lesson.check(bool((attention_pool <= max_pool + 1e-12).all() and (attention_pool >= h.amin(dim=2) - 1e-12).all()),
             "attention pooling is a weighted average: between the min and the max over time")
lesson.check(bool((avg_pool <= max_pool).all()), "the average never exceeds the max")

# %% [markdown]
# ## Step 5: average and max as the two limits of attention
# Attention pooling is a weighted average over positions, so each feature
# lies between its min and its max over time.  It does not lie between the
# average and the max: the score u . h_t is one number per position, shared
# by all filters, so the positions it favours can be ones where a given
# filter is low, and that filter's pooled value falls below its average.
#
# Its two limits are the other poolings.  With u = 0 every score is 0 and the
# softmax gives every position the weight 1/T: average pooling.  Multiplying
# the scores by a large number makes the softmax pick one position, the one
# with the highest score: hard selection, and max pooling for a filter when
# the score is that filter's own value.

# %%
lesson.step("Average and max as limits of attention", "u = 0: alpha_t = softmax(0)_t = 1/T (average);  scores * 1000: one-hot alpha (pick one position)")
below = (attention_pool < avg_pool - 1e-12).sum().item()
lesson.show(f"(sentence, filter) pairs where attention pooling is below the average, of {N * Fn}", below)
lesson.check(below > 0, "attention pooling can fall below average pooling: it is not 'between average and max'")
zero_scores = (h * minigrad.zeros(1, Fn, 1, dtype=f64)).sum(dim=1)  # u = 0
uniform = (h * zero_scores.softmax(dim=1).unsqueeze(1)).sum(dim=2)
lesson.check(minigrad.allclose(uniform, avg_pool), "with u = 0 the softmax gives every position 1/T: average pooling")
hard = (scores * 1000).softmax(dim=1)
picked = h.gather(2, scores.argmax(dim=1).reshape(N, 1, 1).expand(N, Fn, 1)).squeeze(2)
lesson.check(minigrad.allclose((h * hard.unsqueeze(1)).sum(dim=2), picked, atol=1e-8), "sharp scores pick the feature vector at the best-scoring position")
focused = (h * (h[:, 0, :] * 1000).softmax(dim=1).unsqueeze(1)).sum(dim=2)  # score = filter 0's own value
lesson.check(minigrad.allclose(focused[:, 0], max_pool[:, 0], atol=1e-8), "scoring positions by filter 0 itself, sharply, gives max pooling for filter 0")

# %% [markdown]
# ## Step 6: where the gradient goes
# Max pooling sends the whole gradient to the winning position; the other
# positions learn nothing from this example.  Average and attention pooling
# spread it over every position.

# %%
lesson.step("Gradients of pooling", "d max_t h_t / d h_t = 1 at the argmax, 0 elsewhere;  d mean / d h_t = 1/T")
hg = h.detach().requires_grad_()
hg.amax(dim=2).sum().backward()
winners = (hg.grad.numpy() != 0).sum(axis=2)
lesson.check(np.all(winners == 1), "max pooling: exactly one position per filter gets gradient")
hg.grad = None
hg.mean(dim=2).sum().backward()
lesson.check(np.allclose(hg.grad.numpy(), 1.0 / T), "average pooling: every position gets 1/T")
hg.grad = None
a = (hg * u.reshape(1, Fn, 1)).sum(dim=1).softmax(dim=1)
(hg * a.unsqueeze(1)).sum(dim=2).sum().backward()
lesson.check(np.all(np.abs(hg.grad.numpy()).sum(axis=1) > 0), "attention pooling: every position gets some gradient")

figure, axes = plt.subplots(1, 2, figsize=(10, 3.2), layout="constrained")
n0, f0 = np.unravel_index((h.numpy() > 0).sum(axis=2).argmax(), (N, Fn))  # the busiest feature map, to show
axes[0].plot(h[n0, f0].numpy(), "o-", color="black", label=f"feature map h[{n0}, {f0}, t]")
axes[0].axhline(max_pool[n0, f0].item(), color="tab:red", label="max")
axes[0].axhline(avg_pool[n0, f0].item(), color="tab:blue", label="average")
for j in range(k):
    axes[0].axhline(kmax[n0, f0, j].item(), color="tab:orange", linestyle=":", label=f"{k}-max" if j == 0 else None)
axes[0].axhline(attention_pool[n0, f0].item(), color="tab:green", linestyle="--", label="attention")
axes[0].set_xlabel("position t")
axes[0].legend(fontsize=7)
axes[0].set_title("one filter, four poolings")
axes[1].bar(range(T), alpha[n0].numpy(), color="tab:green")
axes[1].set_xlabel("position t")
axes[1].set_title("attention weights softmax(u . h_t)")
lesson.save(figure, "11_pooling.png")

# %% [markdown]
# ## Practise
# 1-D convolution and max-pooling over time, forward and backward:
#
#     python -m minigrad.exercises start my_exercises conv1d maxpool_time

# %%
lesson.done()
