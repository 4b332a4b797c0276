# %% [markdown]
# # Lesson 9: a bag-of-words MLP for text
#
# The simplest way to feed a sentence to a network: count its words.  A
# vocabulary of V words turns every sentence into a vector of V counts, and
# an MLP reads that vector:
#
#     counts (N, V) -> [Linear -> BatchNorm1d -> ReLU -> Dropout] x 2 -> Linear -> logits (N, C)
#
# It is a strong baseline, and it has two weaknesses we measure here: its
# first layer is huge, and it cannot see word order.

# %%
import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
from minigrad import nn, optim, plot
from minigrad.data import DataLoader, TensorDataset
from minigrad.datasets import synthetic_sentiment
from minigrad.models import BowMLP
from minigrad.text import BagOfWords, Vocab
from minigrad.train import fit

lesson = Lesson("Lesson 9: a bag-of-words MLP for text", seed=8)

# %% [markdown]
# ## Step 1: sentences as vectors of counts
# Build a vocabulary, then give each sentence one column per vocabulary
# word.  ``mode="count"`` counts, ``"binary"`` marks presence, ``"tfidf"``
# down-weights words that occur everywhere ("the", "is").

# %%
lesson.step("Vectorising", "x[w] = number of times word w occurs in the sentence")
corpus = ["the film is good , not bad", "the film is bad , not good", "good good good", "the plot is dull"]
vocab = Vocab.build(corpus)
lesson.show("vocabulary (column order)", vocab.itos)
counts = BagOfWords(vocab, mode="count").transform(corpus)
lesson.show("count vectors (N=4, V)", counts.numpy().astype(int))
lesson.check(tuple(counts.shape) == (4, len(vocab)), "one row per sentence, one column per vocabulary entry")
lesson.check(counts[2, vocab["good"]].item() == 3, "'good good good' counts 3 in the column of 'good'")
binary = BagOfWords(vocab, mode="binary").transform(corpus)
lesson.check(binary[2, vocab["good"]].item() == 1, "binary mode only marks that it occurs")
tfidf = BagOfWords(vocab, mode="tfidf").fit_transform(corpus)
lesson.check(tfidf[3, vocab["dull"]].item() > tfidf[3, vocab["the"]].item(), "tf-idf weighs the rare 'dull' above the common 'the'")
lesson.check(minigrad.equal(counts[0], counts[1]), "'good, not bad' and 'bad, not good' get the SAME vector: order is lost")

# %% [markdown]
# ## Step 2: the network
# Each hidden block is Linear -> BatchNorm1d -> ReLU -> Dropout.  The Linear
# layers have no bias because BatchNorm subtracts the batch mean right after
# (which would cancel any bias) and adds its own learned shift beta.

# %%
lesson.step("The model", "h = Dropout(ReLU(BatchNorm(x W^T)));  BatchNorm: gamma (h - mean) / sqrt(var + eps) + beta")
model = BowMLP(vocab_size=10_000, num_classes=3, hidden=(512, 256), dropout=0.5)
print("  " + str(model).replace("\n", "\n  "))
batch = minigrad.rand(64, 10_000)
model.train()
hidden = model.hidden[1](model.hidden[0](batch))  # Linear then BatchNorm, in training mode
mean, std = hidden.mean(dim=0), hidden.std(dim=0)
lesson.check(mean.abs().max().item() < 1e-4, "in training mode BatchNorm gives each unit mean 0 over the batch")
lesson.check((std - 1).abs().max().item() < 0.02, "and standard deviation 1 (gamma = 1, beta = 0 at the start)")
model.eval()
lesson.check(minigrad.equal(model(batch[:4]), model(batch[:4])), "in eval mode (running statistics, no dropout) the output is deterministic")

# %% [markdown]
# ## Step 3: counting the parameters
# A Linear layer from d_in to d_out has d_in x d_out weights.  With a
# vocabulary of 10,000 words the first layer dwarfs everything else.

# %%
lesson.step("Parameters per layer", "Linear(d_in, d_out): d_in * d_out weights (+ d_out bias);  BatchNorm(d): 2d")
for name, p in model.named_parameters():
    lesson.show(f"{name:<18} {str(tuple(p.shape)):<14}", f"{p.numel():>9,}")
params = dict(model.named_parameters())
first, second, last = params["hidden.0.weight"], params["hidden.4.weight"], params["out.weight"]
lesson.check(first.numel() == 10_000 * 512 == 5_120_000, "first layer: 10,000 x 512 = 5.12M weights")
lesson.check(second.numel() == 512 * 256 == 131_072, "second layer: 512 x 256 = 131K weights")
lesson.check(last.numel() == 256 * 3 == 768, "output layer: 256 x 3 = 768 weights")
total = sum(p.numel() for p in model.parameters())
formula = (10_000 * 512 + 2 * 512) + (512 * 256 + 2 * 256) + (256 * 3 + 3)
lesson.show("total parameters", f"{total:,}")
lesson.check(total == formula, "total = weights + BatchNorm's gamma and beta + the output bias")
lesson.check(first.numel() / total > 0.97, "over 97% of the parameters sit in the first layer")

# %% [markdown]
# ## Step 4: the first layer is an embedding table
# Multiplying a count vector by W1^T adds up one column of W1 per word:
# x W1^T = sum over the words w of the sentence of W1[:, w].  So the first
# layer is a table of 512-dimensional word vectors, summed.  An embedding
# layer makes that explicit and lets us choose a smaller size: 128
# dimensions cost a quarter of the weights.

# %%
lesson.step("Why embeddings shrink the first layer", "x W1^T = sum_{w in sentence} W1[:, w]   (a sum of 512-d word vectors)")
sentence = "the film is good , not bad"
ids = vocab.encode(sentence)
small = nn.Linear(len(vocab), 6, bias=False)
x = BagOfWords(vocab).transform([sentence])
summed = sum(small.weight[:, i] for i in ids)
lesson.check(minigrad.allclose((small(x))[0], summed, atol=1e-6), "bag-of-words @ W1^T equals the sum of the words' columns of W1")
embedding = nn.Embedding(10_000, 128, padding_idx=0)
lesson.show("Embedding(10000, 128) weights", f"{embedding.weight.numel():,}")
lesson.check(embedding.weight.numel() == 1_280_000, "an embedding of dimension 128 has 10,000 x 128 = 1.28M weights")
lesson.check(first.numel() / embedding.weight.numel() == 4, "four times fewer than the 512-wide first layer")
figure, ax = plt.subplots(figsize=(6, 3), layout="constrained")
names = ["BoW first layer\n10,000 x 512", "second layer\n512 x 256", "output\n256 x 3", "Embedding\n10,000 x 128"]
values = [first.numel(), second.numel(), last.numel(), embedding.weight.numel()]
bars = ax.bar(names, values, color=["tab:red", "tab:blue", "tab:blue", "tab:green"])
ax.bar_label(bars, [f"{v:,}" for v in values], fontsize=8)
ax.set_yscale("log")
ax.set_ylabel("weights (log scale)")
ax.set_title("where the parameters are")
lesson.save(figure, "09_parameters.png")

# %% [markdown]
# ## Step 5: training on the synthetic corpus
# ``synthetic_sentiment`` mixes plain sentences ("the plot is dull") with
# pairs that use exactly the same words in two orders with opposite labels
# ("the music is dull at first but wonderful in the end" / "... wonderful at
# first but dull in the end").  We keep whole pairs together when splitting.

# %%
lesson.step("Training", "Adam, cross-entropy, a few epochs")
data = synthetic_sentiment(n=800 if lesson.quick else 2000, seed=8)
is_test = [(p % 5 == 0) if p >= 0 else (i % 5 == 0) for i, p in enumerate(data.pair_ids)]
train_idx = [i for i, t in enumerate(is_test) if not t]
test_idx = [i for i, t in enumerate(is_test) if t]
vocab = Vocab.build([data.texts[i] for i in train_idx])
bow = BagOfWords(vocab, mode="binary")
X = bow.transform(data.texts)
y = minigrad.tensor(data.labels)
train_loader = DataLoader(TensorDataset(X[train_idx], y[train_idx]), batch_size=32, shuffle=True)
test_loader = DataLoader(TensorDataset(X[test_idx], y[test_idx]), batch_size=256)
lesson.show("vocabulary size, train / test sentences", (len(vocab), len(train_idx), len(test_idx)))
model = BowMLP(len(vocab), 2, hidden=(64, 32), dropout=0.3)
history = fit(model, optim.Adam(model.parameters(), lr=1e-2), train_loader, test_loader, epochs=5 if lesson.quick else 10,
              restore_best=False)
lesson.save(plot.plot_history(history), "09_history.png")
lesson.check(history.train_loss[-1] < history.train_loss[0], "the training loss went down")

# %% [markdown]
# ## Step 6: what a bag of words can and cannot learn
# On plain sentences the words decide, and the MLP gets them right.  The two
# members of a pair have the same vector, so the model gives them the same
# answer and exactly one of the two is right: 50%, whatever the training.

# %%
lesson.step("The bag-of-words ceiling", "same words => same x => same prediction => one of each pair wrong")
model.eval()
with minigrad.no_grad():
    predictions = model(X).argmax(1).numpy()
labels = np.array(data.labels)
kinds = np.array(data.kinds)
test = np.array(is_test)
plain = test & (kinds == "plain")
paired = test & (kinds != "plain")
plain_acc = (predictions[plain] == labels[plain]).mean()
paired_acc = (predictions[paired] == labels[paired]).mean()
lesson.show("test accuracy on plain sentences", f"{plain_acc:.1%}")
lesson.show("test accuracy on the paired sentences", f"{paired_acc:.1%}")
lesson.check(plain_acc > 0.9, "plain sentences: the words decide, and the MLP learned them (> 90%)")
lesson.check(abs(paired_acc - 0.5) < 1e-12, "paired sentences: exactly 50%, the bag-of-words ceiling")
# The ceiling of ANY bag-of-words model, found from the data alone: group the test sentences by their
# vector; the best a model can do is give each group its majority label.
groups = {}
for vector, label in zip(X.numpy()[test], labels[test]):
    groups.setdefault(vector.tobytes(), []).append(label)
ceiling = sum(max(g.count(0), g.count(1)) for g in map(list, groups.values())) / test.sum()
overall = (predictions[test] == labels[test]).mean()
lesson.show("overall test accuracy, and the best any function of the bag-of-words vector can score", (f"{overall:.1%}", f"{ceiling:.1%}"))
lesson.check(ceiling < 0.75, "no bag-of-words model can score 75% here: too many test sentences share a vector with an opposite label")
lesson.check(overall <= ceiling + 1e-12, f"and the MLP stays under that ceiling ({ceiling:.0%})")

# %% [markdown]
# ## Practise
# The layers of this lesson's network, forward and backward:
#
#     python -m minigrad.exercises start my_exercises linear batchnorm1d dropout

# %%
lesson.done()
