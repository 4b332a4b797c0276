# %% [markdown]
# # Lesson 12: Kim's TextCNN
#
# Kim (2014), "Convolutional Neural Networks for Sentence Classification":
#
#     ids (N, L) -> Embedding -> (N, L, E) -> transpose -> (N, E, L)
#       -> for each width k in (3, 4, 5): Conv1d(E, F, k) -> ReLU -> max over time -> (N, F)
#       -> concatenate (N, 3F) -> Dropout -> Linear -> logits (N, C)
#
# Each filter detects a phrase of k words; max over time asks "does that
# phrase occur anywhere in the sentence?"; the classifier weighs the answers.
# One model, a few hundred lines of engine, and it reads word order.
#
# Data: the MR movie-review sentences (Pang and Lee 2005, the "MR" of Kim's
# table) from ``--data DIR`` (DIR/mr/), else from $MINIGRAD_DATA or
# ../shared/data beside the repository when they exist (except with
# --quick); otherwise the built-in synthetic corpus.  Step 3 says which.

# %%
from pathlib import Path

import numpy as np
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F
from minigrad import optim, plot
from minigrad.data import DataLoader
from minigrad.datasets import read_mr, synthetic_sentiment
from minigrad.models import TextCNN
from minigrad.text import PadCollate, Vocab
from minigrad.train import evaluate, fit

lesson = Lesson("Lesson 12: Kim's TextCNN", seed=11)

# %% [markdown]
# ## Step 1: the architecture, shape by shape
# We run a batch through the model's own layers one at a time and compare
# with the model's forward pass.

# %%
lesson.step("Shapes through the network", "(N, L) -> (N, L, E) -> (N, E, L) -> (N, F, L-k+1) -> (N, F) -> (N, 3F) -> (N, C)")
V, C, E, Fn, widths = 1000, 2, 16, 10, (3, 4, 5)
model = TextCNN(V, C, embed_dim=E, num_filters=Fn, kernel_sizes=widths, dropout=0.5)
print("  " + str(model).replace("\n", "\n  "))
N, L = 4, 12
ids = minigrad.randint(1, V, (N, L))
model.eval()  # dropout off, so the step-by-step pass and forward() agree
with minigrad.no_grad():
    embedded = model.embedding(ids)
    lesson.show("embedding", tuple(embedded.shape))
    channels_first = embedded.transpose(1, 2)
    lesson.show("transposed for Conv1d", tuple(channels_first.shape))
    pooled = []
    for k, conv in zip(widths, model.convs):
        feature_map = F.relu(conv(channels_first))
        lesson.show(f"width {k}: conv + relu", tuple(feature_map.shape))
        lesson.check(tuple(feature_map.shape) == (N, Fn, L - k + 1), f"width {k} fits at L - k + 1 = {L - k + 1} positions")
        pooled.append(feature_map.amax(dim=2))
    features = minigrad.cat(pooled, dim=1)
    lesson.show("max over time, concatenated", tuple(features.shape))
    lesson.check(tuple(features.shape) == (N, Fn * len(widths)), "3 widths x F filters = 3F features, whatever the length")
    logits = model.fc(model.dropout(features))
    lesson.check(minigrad.allclose(logits, model(ids), atol=1e-6), "the step-by-step pass equals model(ids)")
    longer = model(minigrad.randint(1, V, (N, 40)))
    lesson.check(tuple(longer.shape) == (N, C), "sentences of 40 words give logits of the same shape (N, C)")
try:
    model(minigrad.randint(1, V, (N, 4)))
    lesson.check(False, "sentences shorter than the widest filter are refused")
except ValueError as err:
    print(f"  ValueError: {err}")
    lesson.check("min_len" in str(err), "sentences shorter than the widest filter are refused (pad them: PadCollate(min_len=5))")

# %% [markdown]
# ## Step 2: the number of parameters
# Embedding V x E, one Conv1d per width (k x E x F weights + F biases), and
# the classifier (K F x C + C), with K the number of widths.  The embedding
# dominates; the convolutions are small because each filter sees only k words.

# %%
lesson.step("Parameter count", "V E  +  sum_k (k E F + F)  +  K F C + C")
for V_, E_, F_, C_ in [(V, E, Fn, C), (20_000, 128, 100, 2), (18_000, 300, 100, 2)]:
    sized = TextCNN(V_, C_, embed_dim=E_, num_filters=F_, kernel_sizes=widths)
    counted = sum(p.numel() for p in sized.parameters())
    formula = V_ * E_ + sum(k * E_ * F_ + F_ for k in widths) + len(widths) * F_ * C_ + C_
    lesson.show(f"V={V_:,}, E={E_}, F={F_}", f"model {counted:,}  formula {formula:,}  (embedding {V_ * E_ / counted:.0%})")
    lesson.check(counted == formula, f"V={V_:,}, E={E_}, F={F_}: the formula matches the model's {counted:,} parameters")
lesson.check(counted - 18_000 * 300 < 400_000, "with Kim's 300-d vectors (the last row) all but the embedding is under 0.4M")

# %% [markdown]
# ## Step 3: the data
# Sentences become lists of ids; ``PadCollate(min_len=5)`` pads each batch
# to its longest sentence, and to at least the widest filter.

# %%
lesson.step("Data", "sentence -> tokens -> ids;  batch -> padded (N, L_max) with <pad> = 0")
folder = Path(lesson.data) if lesson.data else None  # --data, or ../shared/data / $MINIGRAD_DATA unless --quick
mr_folder = None
if folder is not None:
    for candidate in (folder / "mr", folder):
        if (candidate / "rt-polarity.pos").exists():
            mr_folder = candidate
            break
    if mr_folder is None:
        print(f"  no mr/ in {folder}: using the synthetic corpus")
rng = np.random.default_rng(11)
if mr_folder is not None:
    corpus = read_mr(mr_folder)
    order = rng.permutation(len(corpus))
    if lesson.quick:
        order = order[:3000]
    n_test = len(order) // 10 if not lesson.quick else 600
    test_idx, train_idx = order[:n_test], order[n_test:]
    source = f"MR ({mr_folder})"
else:
    corpus = synthetic_sentiment(n=800 if lesson.quick else 2000, seed=11)
    order = rng.permutation(len(corpus))
    test_idx, train_idx = order[: len(order) // 5], order[len(order) // 5:]
    source = "the synthetic corpus"
texts, labels = corpus.texts, corpus.labels
vocab = Vocab.build([texts[i] for i in train_idx], min_freq=2 if mr_folder is not None else 1, max_size=10_000)
encoded = [vocab.encode(t) for t in texts]
train_set = [(encoded[i], labels[i]) for i in train_idx]
test_set = [(encoded[i], labels[i]) for i in test_idx]
collate = PadCollate(min_len=max(widths))
train_loader = DataLoader(train_set, batch_size=50, shuffle=True, collate_fn=collate)
test_loader = DataLoader(test_set, batch_size=200, collate_fn=collate)
lesson.show("data", source)
lesson.show("train / test sentences, vocabulary", (len(train_set), len(test_set), len(vocab)))
lesson.show("first sentence", texts[train_idx[0]])
lesson.show("its ids", encoded[train_idx[0]])
batch_ids, batch_labels = next(iter(DataLoader(train_set[:3], batch_size=3, collate_fn=collate)))
lesson.show("a padded batch of 3", batch_ids)
lesson.check(batch_ids.shape[1] == max(max(len(s) for s, _ in train_set[:3]), max(widths)), "padded to the longest sentence (and at least 5)")
majority = max(np.mean([y for _, y in test_set]), 1 - np.mean([y for _, y in test_set]))
lesson.show("test accuracy of always answering the majority class", f"{majority:.1%}")

# %% [markdown]
# ## Step 4: training
# Cross-entropy, dropout 0.5 and batches of 50, as Kim.  Kim trained with
# Adadelta and a max-norm constraint (after each step, each weight vector of
# the classifier is rescaled to norm at most 3); we use Adam without the
# constraint, a common simplification (lesson 15 compares optimizers).  The
# model is smaller than Kim's (he used E = 300 and F = 100) so that it trains
# in a minute on a laptop CPU.

# %%
lesson.step("Training", "Adam(lr = 2e-3), dropout 0.5, batches of 50")
minigrad.manual_seed(11)
E, Fn = (64, 50) if mr_folder is not None else (32, 32)
epochs = 2 if lesson.quick else (5 if mr_folder is not None else 6)
model = TextCNN(len(vocab), 2, embed_dim=E, num_filters=Fn, kernel_sizes=widths, dropout=0.5)
lesson.show("parameters", f"{sum(p.numel() for p in model.parameters()):,}")
optimizer = optim.Adam(model.parameters(), lr=2e-3)
# The test split is only watched here, never used to choose weights (restore_best=False): lesson 16 adds a
# separate validation split for early stopping.
history = fit(model, optimizer, train_loader, test_loader, epochs=epochs, restore_best=False)
lesson.save(plot.plot_history(history), "12_history.png")
test_loss, test_acc = evaluate(model, test_loader)
lesson.show("test accuracy", f"{test_acc:.1%}")
lesson.check(history.train_loss[-1] < history.train_loss[0], "the training loss went down")
margin = 0.08 if mr_folder is None or not lesson.quick else 0.05
lesson.check(test_acc > majority + margin, f"test accuracy beats the majority class ({majority:.0%}) by more than {margin:.0%}")
if mr_folder is not None and not lesson.quick:
    lesson.show("Kim (2014), CNN-rand on MR, 10-fold cross-validation", "76.1%")
    lesson.check(test_acc > 0.68, "on the full MR training split it gets past 68% in a few epochs")

# %% [markdown]
# ## Step 5: what the filters detect
# Each filter's feature is its strongest response anywhere in the sentence.
# For the filters the classifier relies on most, we find the test phrases
# that excite them most.  A filter of width k sees only its k words, so that
# phrase alone, as a sentence of k words, gives the same response.

# %%
lesson.step("Top phrases per filter", "feature_f = max_t relu(conv_f(x)[t]);  its argmax t marks the phrase")
model.eval()
k = widths[0]
conv = model.convs[0]
weight_gap = (model.fc.weight[1, :Fn] - model.fc.weight[0, :Fn]).detach().numpy()  # width-3 features -> "positive"
chosen = list(np.argsort(weight_gap)[-2:][::-1]) + list(np.argsort(weight_gap)[:2])
best = {f: (-1.0, None) for f in chosen}
with minigrad.no_grad():
    for ids, _ in test_loader:
        maps = F.relu(conv(model.embedding(ids).transpose(1, 2))).numpy()  # (N, F, L - k + 1)
        for f in chosen:
            n, t = np.unravel_index(maps[:, f].argmax(), maps[:, f].shape)
            if maps[n, f, t] > best[f][0]:
                best[f] = (float(maps[n, f, t]), ids[n, t:t + k].tolist())
    for f in chosen:
        value, phrase = best[f]
        direction = "positive" if weight_gap[f] > 0 else "negative"
        lesson.show(f"filter {f:>2} (pushes {direction}, weight {weight_gap[f]:+.2f})", f"'{vocab.decode(phrase)}'  response {value:.2f}")
    f = chosen[0]
    alone = F.relu(conv(model.embedding(minigrad.tensor([best[f][1]])).transpose(1, 2)))[0, f, 0].item()
lesson.check(abs(alone - best[f][0]) < 1e-4, "the phrase alone gives the filter the same response: it sees only its k words")

# %% [markdown]
# ## Practise
# The TextCNN's parts, forward and backward:
#
#     python -m minigrad.exercises start my_exercises embedding conv1d maxpool_time dropout

# %%
lesson.done()
