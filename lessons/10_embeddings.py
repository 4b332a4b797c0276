# %% [markdown]
# # Lesson 10: embedding layers and pretrained word vectors
#
# A bag of words gives every word its own column of a huge, mostly-zero
# vector.  An embedding gives every word a short, dense, *learned* vector
# instead: row i of a table E of shape (V, D) is the vector of word i.
#
#     ids (N, L) int64  ->  E[ids]  (N, L, D)
#
# Looking a word up is the same as multiplying its one-hot vector by E, so an
# embedding is a Linear layer without bias whose input is one-hot - computed
# by indexing instead of by a V-wide matrix product.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.datasets import synthetic_sentiment
from minigrad.datasets.synthetic import NEGATIVE, POSITIVE  # the corpus's adjectives
from minigrad.text import Vocab, load_vectors, pad_sequences

lesson = Lesson("Lesson 10: embedding layers and pretrained word vectors", seed=9)

# %% [markdown]
# ## Step 1: a lookup table
# Row i of the weight is the vector of word i.  Picking rows with the ids
# gives exactly what the one-hot matrix product gives.

# %%
lesson.step("Lookup = one-hot @ weight", "E[ids] = onehot(ids) @ E,   onehot(ids) (N, L, V),  E (V, D)")
vocab = Vocab.build(["the film is good", "the plot is not good", "the film is dull and the plot is dull"])
lesson.show("vocabulary", vocab.itos)
V, D = len(vocab), 4
embedding = nn.Embedding(V, D, padding_idx=vocab.pad_index)
ids = pad_sequences([vocab.encode("the film is good"), vocab.encode("the plot is not good")])
lesson.show("ids (N=2, L=5), padded with 0", ids)
looked_up = embedding(ids)
one_hot = F.one_hot(ids, V).float()  # (N, L, V): a 1 at column ids[n, l]
product = one_hot @ embedding.weight
lesson.show("shape of embedding(ids)", tuple(looked_up.shape))
lesson.check(tuple(looked_up.shape) == (2, 5, D), "ids (2, 5) give vectors (2, 5, 4)")
lesson.check(minigrad.allclose(looked_up, product, atol=1e-6), "embedding(ids) equals one_hot(ids) @ weight")
lesson.show("multiply-adds with one-hot (N*L*V*D) vs copies with a lookup (N*L*D)", (2 * 5 * V * D, 2 * 5 * D))

# %% [markdown]
# ## Step 2: the same word, the same vector
# The vector depends on the word only, not on where it stands.  In the
# backward pass a word that occurs twice receives the *sum* of the gradients
# of both occurrences.

# %%
lesson.step("Same word, same vector", "dL/dE[w] = sum over positions p with ids[p] = w of dL/dy[p]")
sentence = minigrad.tensor([vocab.encode("the film is dull and the plot is dull")])
vectors = embedding(sentence)[0]  # (L, D)
tokens = vocab.itos
positions = [i for i, t in enumerate(sentence[0].tolist()) if tokens[t] == "dull"]
lesson.show("positions of 'dull'", positions)
lesson.check(minigrad.equal(vectors[positions[0]], vectors[positions[1]]), "both occurrences of 'dull' get the same vector")
lesson.check(minigrad.equal(vectors[positions[0]], embedding.weight[vocab["dull"]]), "and it is row vocab['dull'] of the weight")
upstream = minigrad.randn(*vectors.shape)
embedding.weight.grad = None
(embedding(sentence)[0] * upstream).sum().backward()
lesson.check(minigrad.allclose(embedding.weight.grad[vocab["dull"]], upstream[positions[0]] + upstream[positions[1]]),
             "the gradient of row 'dull' is the sum of the gradients at its two positions")
absent = vocab["good"]
lesson.check(embedding.weight.grad[absent].abs().sum().item() == 0, "a word not in the batch ('good') gets zero gradient")

# %% [markdown]
# ## Step 3: the padding row stays zero
# With ``padding_idx=0`` the ``<pad>`` row starts at zero and receives no
# gradient, so padding never learns and adds nothing to a sum of vectors.

# %%
lesson.step("Padding row", "E[pad] = 0 at the start, and dL/dE[pad] = 0 always")
lesson.check(embedding.weight[vocab.pad_index].abs().sum().item() == 0, "the <pad> row starts at zero")
optimizer = optim.SGD(embedding.parameters(), lr=0.5)
before = embedding.weight.detach().numpy().copy()
out = embedding(ids)  # the batch of step 1 holds three <pad> tokens
loss = (out * minigrad.randn(*out.shape)).sum()
optimizer.zero_grad()
loss.backward()
optimizer.step()
after = embedding.weight.detach().numpy()
lesson.check(embedding.weight.grad[vocab.pad_index].abs().sum().item() == 0, "<pad> got zero gradient although it was in the batch")
lesson.check(np.all(after[vocab.pad_index] == 0), "after an optimizer step the <pad> row is still zero")
lesson.check(not np.allclose(after[vocab["good"]], before[vocab["good"]]), "while the row of 'good' moved")

# %% [markdown]
# ## Step 4: loading pretrained vectors
# GloVe's text format is one word per line followed by its numbers.  We write
# a tiny file, then load it for our vocabulary: words in the file get their
# vectors, words it lacks get small random ones (U[-0.25, 0.25], as Kim did),
# and ``<pad>`` gets zeros.

# %%
lesson.step("Pretrained vectors", "word x_1 x_2 ... x_D   (one line per word)")
glove = {
    "the": [0.1, 0.0, 0.0],
    "film": [0.0, 0.9, 0.1],
    "plot": [0.0, 0.8, 0.2],
    "good": [1.0, 0.1, 0.0],
    "dull": [-1.0, 0.1, 0.0],
    "superb": [1.2, 0.0, 0.1],  # not in our vocabulary: skipped
}
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "tiny_glove.3d.txt"
    path.write_text("".join(f"{w} {' '.join(str(v) for v in vec)}\n" for w, vec in glove.items()), encoding="utf-8")
    print("  file:\n    " + path.read_text(encoding="utf-8").strip().replace("\n", "\n    "))
    weights, coverage = load_vectors(path, vocab)
lesson.show("coverage", coverage)
lesson.check(tuple(weights.shape) == (V, 3), "one row per vocabulary entry, 3 numbers each")
for word in ("film", "good", "dull"):
    lesson.check(np.allclose(weights[vocab[word]].numpy(), glove[word]), f"row '{word}' holds its vector from the file")
missing = [w for w in vocab.itos[2:] if w not in glove]
lesson.show("words without a vector", missing)
lesson.check(all(np.abs(weights[vocab[w]].numpy()).max() <= 0.25 for w in missing), "missing words get small random vectors in [-0.25, 0.25]")
lesson.check(np.all(weights[vocab.pad_index].numpy() == 0), "<pad> gets zeros")
lesson.check(coverage.found == 5 and coverage.total == V - 2, f"coverage counts 5 of the {V - 2} real words ('superb' is not ours)")

# %% [markdown]
# ## Step 5: frozen versus fine-tuned
# ``Embedding.from_pretrained(weights, freeze=True)`` keeps the vectors as
# they are: the weight does not require grad, so no optimizer moves it.
# With ``freeze=False`` they are fine-tuned with the rest of the model -
# and with plain SGD only the rows of the words in the batch move.

# %%
lesson.step("Frozen vs fine-tuned", "freeze=True: weight.requires_grad = False;  freeze=False: E <- E - lr dL/dE")


class MeanOfVectors(nn.Module):
    """Average the word vectors of a sentence (ignoring <pad>), then a linear classifier."""

    def __init__(self, embedding, classes=2):
        super().__init__()
        self.embedding = embedding
        self.fc = nn.Linear(embedding.embedding_dim, classes)

    def forward(self, ids):
        mask = (ids != 0).float().unsqueeze(2)  # (N, L, 1): 1 for a word, 0 for <pad>
        summed = (self.embedding(ids) * mask).sum(dim=1)
        return self.fc(summed / mask.sum(dim=1))


batch = pad_sequences([vocab.encode("the film is good"), vocab.encode("the plot is dull")])
labels = minigrad.tensor([1, 0])
results = {}
for freeze in (True, False):
    model = MeanOfVectors(nn.Embedding.from_pretrained(weights.clone(), freeze=freeze, padding_idx=0))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = optim.SGD(trainable, lr=1.0)
    start = model.embedding.weight.detach().numpy().copy()
    loss = F.cross_entropy(model(batch), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    results[freeze] = (start, model.embedding.weight.detach().numpy().copy(), len(trainable))
frozen_start, frozen_end, frozen_n = results[True]
tuned_start, tuned_end, tuned_n = results[False]
lesson.show("trainable tensors (frozen, fine-tuned)", (frozen_n, tuned_n))
lesson.check(frozen_n == 2 and tuned_n == 3, "frozen: only fc.weight and fc.bias train; fine-tuned: the embedding too")
lesson.check(np.array_equal(frozen_start, frozen_end), "frozen vectors are unchanged after an optimizer step")
lesson.check(not np.allclose(tuned_start, tuned_end), "fine-tuned vectors changed")
moved = sorted(vocab.itos[i] for i in np.flatnonzero(np.abs(tuned_end - tuned_start).sum(axis=1) > 0))
lesson.show("rows that moved", moved)
lesson.check(set(moved) == {"the", "film", "is", "good", "plot", "dull"}, "only the rows of words in the batch moved (<pad> did not)")

# %% [markdown]
# ## Step 6: what an embedding learns
# Train 2-dimensional vectors on short sentences ("the plot is dull") with
# the average-of-vectors classifier.  Nobody tells the model which words are
# positive, yet the positive adjectives end up on one side of the
# classifier's direction and the negative ones on the other.

# %%
lesson.step("Learned vectors", "score(sentence) = w . mean(E[words]) + b")
corpus = synthetic_sentiment(n=400 if lesson.quick else 2000, seed=9, plain_fraction=1.0)
vocab2 = Vocab.build(corpus.texts)
X = pad_sequences([vocab2.encode(t) for t in corpus.texts])
y = minigrad.tensor(corpus.labels)
model = MeanOfVectors(nn.Embedding(len(vocab2), 2, padding_idx=0))
optimizer = optim.Adam(model.parameters(), lr=0.05)
losses = []
for epoch in range(60 if lesson.quick else 100):
    loss = F.cross_entropy(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
with minigrad.no_grad():
    accuracy = (model(X).argmax(1) == y).float().mean().item()
lesson.show("loss first -> last", f"{losses[0]:.3f} -> {losses[-1]:.3f}")
lesson.show("training accuracy", f"{accuracy:.1%}")
lesson.check(losses[-1] < 0.5 * losses[0], "training more than halved the loss")
lesson.check(accuracy > 0.95, "the average of learned vectors classifies plain sentences")
E = model.embedding.weight.detach().numpy()
direction = (model.fc.weight[1] - model.fc.weight[0]).detach().numpy()  # points towards "positive"
pos_scores = [E[vocab2[w]] @ direction for w in POSITIVE if w in vocab2]
neg_scores = [E[vocab2[w]] @ direction for w in NEGATIVE if w in vocab2]
lesson.check(min(pos_scores) > max(neg_scores), "every positive adjective lies further along the 'positive' direction than every negative one")
figure, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
for words, color in ((POSITIVE, "tab:green"), (NEGATIVE, "tab:red")):
    for w in words:
        if w in vocab2:
            ax.scatter(*E[vocab2[w]], color=color)
            ax.annotate(w, E[vocab2[w]], fontsize=7)
others = [w for w in vocab2.itos[2:] if w not in POSITIVE + NEGATIVE]
ax.scatter(E[[vocab2[w] for w in others], 0], E[[vocab2[w] for w in others], 1], color="gray", s=8, label="other words")
scale = np.abs(E).max()
ax.arrow(0, 0, *(direction / np.linalg.norm(direction) * scale * 0.5), width=0.01 * scale, color="black")
ax.set_title("2-D word vectors; arrow: the classifier's positive direction")
ax.legend(loc="lower left", fontsize=7)
lesson.save(figure, "10_embeddings_2d.png")

# %% [markdown]
# ## Step 7: freeze first, then unfreeze
# The tutorial's recipe for pretrained vectors: train with the embedding
# frozen until the classifier on top has learned to use it, then unfreeze and
# fine-tune everything.  The reason: at the start the classifier's weights
# are random, so the gradients it sends into the embedding are noise that
# drags the pretrained vectors away from what made them useful.  Once the
# classifier makes sense, its gradients adjust the vectors instead.
#
# We take the vectors just learned as the "pretrained" ones, put a fresh
# random classifier on top, and train the same number of steps two ways.
# Expect no miracle on the training loss (fine-tuning from the start may even
# end a little lower): what freezing first protects is the pretrained
# vectors, and with them what they know about words the training set barely
# contains.

# %%
lesson.step("Freeze, then unfreeze", "phase 1: embedding.weight.requires_grad_(False);  phase 2: requires_grad_(True), all parameters")
pretrained = model.embedding.weight.detach().clone()
steps, frozen_steps = 40, 20


def drift(embedding):
    """How far the vectors moved from the pretrained ones: ||W - W_pretrained|| / ||W_pretrained||."""
    return ((embedding.weight.detach() - pretrained).norm() / pretrained.norm()).item()


runs = {}
for recipe in ("fine-tune from the start", "freeze, then unfreeze"):
    minigrad.manual_seed(10)  # the same fresh classifier for both
    student = MeanOfVectors(nn.Embedding.from_pretrained(pretrained.clone(), freeze=False, padding_idx=0))
    optimizer = optim.Adam(student.parameters(), lr=0.05)
    losses_run, drift_at_unfreeze = [], None
    for i in range(steps):
        frozen = recipe == "freeze, then unfreeze" and i < frozen_steps
        student.embedding.weight.requires_grad_(not frozen)  # a frozen weight gets no .grad, so Adam skips it
        if i == frozen_steps:
            drift_at_unfreeze = drift(student.embedding)
        loss = F.cross_entropy(student(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses_run.append(loss.item())
    runs[recipe] = (drift(student.embedding), losses_run, drift_at_unfreeze)
    lesson.show(f"{recipe:<26} loss after {steps} steps, vectors moved (relative)", (round(losses_run[-1], 4), round(runs[recipe][0], 4)))
(drift_tuned, losses_tuned, _), (drift_staged, losses_staged, drift_frozen) = runs.values()
lesson.check(drift_frozen == 0.0, "while frozen, the pretrained vectors do not move at all")
lesson.check(drift_staged > 0, "after unfreezing they are fine-tuned")
lesson.check(drift_staged < drift_tuned, "freezing first moves the pretrained vectors less than fine-tuning from the start")
lesson.check(losses_staged[-1] < losses_staged[frozen_steps - 1], "and unfreezing lowers the loss further than the frozen phase reached")

# %% [markdown]
# ## Practise
# An embedding lookup with repeated words and a padding row, forward and backward:
#
#     python -m minigrad.exercises start my_exercises embedding

# %%
lesson.done()
