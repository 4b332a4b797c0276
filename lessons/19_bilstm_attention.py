# %% [markdown]
# # Lesson 19: a bidirectional LSTM with attention pooling, against the TextCNN
#
# A one-way LSTM's state at word t has read words 1..t only.  A
# bidirectional LSTM runs a second LSTM from the last word back to the
# first and joins the two states, so each position sees the whole sentence:
#
#     out_t = [ LSTM_forward(x_1..x_t) ; LSTM_backward(x_T..x_t) ]       (N, T, 2H)
#
# A classifier needs one vector per sentence.  Max-pooling over t keeps each
# feature's strongest value (as the TextCNN does); attention pooling (Yang
# et al. 2016) learns a query u_w and averages the steps by how well they match:
#
#     u_t = tanh(out_t W^T + b),   alpha = softmax_t(u_t . u_w),   s = sum_t alpha_t out_t
#
# and alpha shows which words the classifier read.  ``models.RNNClassifier``
# puts it together: embedding -> packed BiLSTM -> pooling -> dropout -> linear.
#
# Data: ``--data DIR`` with DIR/mr/ for step 4 (MR movie reviews); without it
# ../shared/data when it exists (except with --quick), else the synthetic corpus.

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
from minigrad import nn, optim
from minigrad.data import DataLoader
from minigrad.datasets import read_mr, synthetic_sentiment
from minigrad.models import RNNClassifier, TextCNN
from minigrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from minigrad.text import PadCollate, Vocab
from minigrad.train import evaluate, fit

lesson = Lesson("Lesson 19: a bidirectional LSTM with attention pooling", seed=19)
F64 = minigrad.float64

# %% [markdown]
# ## Step 1: the two directions
# The reverse half of ``nn.LSTM(bidirectional=True)`` is an ordinary LSTM
# (its own weights, ``*_reverse``) run on the sentence read backwards.

# %%
lesson.step("Bidirectional = forward LSTM ; backward LSTM", "out_t = [h_t(forward) ; h_t(backward)]")
T, N, E, H = 6, 2, 3, 4
bilstm = nn.LSTM(E, H, bidirectional=True, dtype=F64)
x = minigrad.randn(T, N, E, dtype=F64)
out, (h_n, _) = bilstm(x)
backward_only = nn.LSTM(E, H, dtype=F64)
backward_only.load_state_dict({k: getattr(bilstm, f"{k}_reverse").detach() for k in backward_only.state_dict()})
flipped = minigrad.tensor(x.numpy()[::-1].copy())
back, _ = backward_only(flipped)
lesson.show("output shape (T, N, 2H)", tuple(out.shape))
lesson.check(np.allclose(out.detach().numpy()[:, :, H:], back.detach().numpy()[::-1], atol=1e-14),
             "the second half of out_t is a one-way LSTM run on the reversed sentence, reversed back")
lesson.check(np.allclose(h_n.detach().numpy()[1], out.detach().numpy()[0, :, H:]),
             "h_n of the backward direction is its state after the FIRST word")

# %% [markdown]
# ## Step 2: sentences of different lengths
# In a padded batch the short sentences end in <pad> steps, which must not
# change the state.  ``pack_padded_sequence`` passes the lengths along;
# padded steps carry the state over unchanged, so h_n is each sentence's
# state after its own last word, and ``pad_packed_sequence`` writes
# ``padding_value`` at the padded outputs.

# %%
lesson.step("Packing", "padded steps: s_t = s_{t-1};  h_n = state at the last real step")
lengths = [6, 2]
packed_out, (packed_h, _) = bilstm(pack_padded_sequence(x, lengths))
padded, _ = pad_packed_sequence(packed_out, padding_value=0.0)
alone, (alone_h, _) = bilstm(x[:2, 1:2])
lesson.check(np.allclose(padded.detach().numpy()[:2, 1], alone.detach().numpy()[:, 0], atol=1e-14),
             "a 2-word sentence gives the same outputs padded to 6 steps as alone")
lesson.check(np.allclose(packed_h.detach().numpy()[:, 1], alone_h.detach().numpy()[:, 0], atol=1e-14), "and the same h_n")
lesson.check((padded.detach().numpy()[2:, 1] == 0).all(), "its padded outputs are padding_value")


# %% [markdown]
# ## Step 3: word order, on the synthetic negation corpus
# Pairs of sentences with the same words and opposite labels ("the plot is
# good and the cast is not bad" / "the plot is not good and the cast is
# bad"): counting words caps accuracy at the "bag-of-words ceiling".  A
# BiLSTM with attention pooling reads the order.

# %%
def loaders(texts, labels, train_idx, test_idx, vocab, min_len=1):
    encoded = [vocab.encode(t) for t in texts]
    collate = PadCollate(min_len=min_len)
    train = DataLoader([(encoded[i], labels[i]) for i in train_idx], batch_size=50, shuffle=True, collate_fn=collate)
    test = DataLoader([(encoded[i], labels[i]) for i in test_idx], batch_size=200, collate_fn=collate)
    return train, test


lesson.step("The negation corpus", "accuracy > the bag-of-words ceiling means the model used word order")
corpus = synthetic_sentiment(n=600 if lesson.quick else 1500, seed=19)
# Split by pair (both halves of a pair on the same side), so that the ceiling below is exact.
in_test = [(p % 5 == 0) if p >= 0 else (i % 5 == 0) for i, p in enumerate(corpus.pair_ids)]
test_idx = [i for i, t in enumerate(in_test) if t]
train_idx = [i for i, t in enumerate(in_test) if not t]
paired = sum(corpus.pair_ids[i] >= 0 for i in test_idx)
ceiling = 1 - paired / 2 / len(test_idx)  # one of each test pair right, every plain sentence right
vocab = Vocab.build([corpus.texts[i] for i in train_idx])
train_loader, test_loader = loaders(corpus.texts, corpus.labels, train_idx, test_idx, vocab)
minigrad.manual_seed(19)
model = RNNClassifier(len(vocab), 2, cell="lstm", embed_dim=16, hidden_size=16, pooling="attention", dropout=0.0)
fit(model, optim.Adam(model.parameters(), lr=0.01), train_loader, test_loader, epochs=6, restore_best=False,
    verbose=False)
_, accuracy = evaluate(model, test_loader)
lesson.show("BiLSTM + attention, test accuracy on the negation corpus", f"{accuracy:.1%}")
lesson.show("the best a bag of words can do on this test set", f"{ceiling:.1%}")
lesson.check(accuracy > max(0.9, ceiling + 0.2), "above 90%, and 20 points past what counting words allows")

model.eval()
examples = ["the plot is good and the cast is not bad", "the plot is not good and the cast is bad",
            "the music starts dull but ends superb"]
ids = [vocab.encode(s) for s in examples]
batch = PadCollate()(ids)
with minigrad.no_grad():
    _, alpha = model.features(batch)
    predicted = model(batch).argmax(dim=1).tolist()
alpha = alpha.numpy()
for sentence, label in zip(examples, predicted):
    lesson.show(corpus.label_names[label], sentence)
lesson.check(np.allclose(alpha.sum(axis=1), 1.0) and alpha[1, len(ids[1]):].sum() == 0,
             "each sentence's attention weights sum to 1, and are 0 at its padding")
fig, ax = plt.subplots(figsize=(8, 2.2))
ax.imshow(alpha, cmap="Oranges", aspect="auto")
for row, sentence in enumerate(examples):
    for col, word in enumerate(sentence.split()):
        ax.text(col, row, word, ha="center", va="center", fontsize=8)
ax.set_yticks(range(len(examples)), [corpus.label_names[p] for p in predicted])
ax.set_xticks([])
ax.set_title("Attention weights over each sentence (darker = read more)")
lesson.save(fig, "19_attention_weights.png")

# %% [markdown]
# ## Step 4: MR, against the TextCNN
# The same split, the same optimiser (Adam 1e-3, batches of 50), a few
# epochs each: the TextCNN of lesson 12 and a BiLSTM with max-pooling.
# ``benchmarks/accuracy.py`` runs the full-size comparison (embeddings and
# hidden size 128); here both are smaller so that the lesson runs in minutes.

# %%
lesson.step("BiLSTM vs TextCNN", "same data, same optimiser, same number of epochs")
folder = Path(lesson.data) if lesson.data else None  # --data, or ../shared/data / $MINIGRAD_DATA unless --quick
mr_folder = next((c for c in ((folder / "mr", folder) if folder else ()) if (c / "rt-polarity.pos").exists()), None)
rng = np.random.default_rng(19)
if mr_folder is not None:
    data = read_mr(mr_folder)
    order = rng.permutation(len(data))
    test_idx, train_idx = order[: len(order) // 10], order[len(order) // 10:]
    source, epochs, E, H = f"MR ({mr_folder})", 3, 64, 64
else:
    data = synthetic_sentiment(n=600 if lesson.quick else 2000, seed=20)
    order = rng.permutation(len(data))
    test_idx, train_idx = order[: len(order) // 5], order[len(order) // 5:]
    source, epochs, E, H = "the synthetic corpus", 3 if lesson.quick else 5, 16, 16
lesson.show("data", source)
vocab = Vocab.build([data.texts[i] for i in train_idx], min_freq=2 if mr_folder is not None else 1, max_size=10_000)
majority = max(np.mean([data.labels[i] for i in test_idx]), 1 - np.mean([data.labels[i] for i in test_idx]))
results = {}
for name in ("TextCNN", "BiLSTM"):
    minigrad.manual_seed(19)
    if name == "TextCNN":
        model = TextCNN(len(vocab), 2, embed_dim=E, num_filters=H, kernel_sizes=(3, 4, 5), dropout=0.5)
    else:
        model = RNNClassifier(len(vocab), 2, cell="lstm", embed_dim=E, hidden_size=H, pooling="max", dropout=0.5)
    train_loader, test_loader = loaders(data.texts, data.labels, train_idx, test_idx, vocab, min_len=5)
    lr = 1e-3 if mr_folder is not None else 1e-2
    fit(model, optim.Adam(model.parameters(), lr=lr), train_loader, test_loader, epochs=epochs, restore_best=False,
        verbose=False)
    results[name] = evaluate(model, test_loader)[1]
    lesson.show(f"{name} test accuracy after {epochs} epochs", f"{results[name]:.1%}")
lesson.show("majority class", f"{majority:.1%}")
lesson.check(min(results.values()) > majority + 0.05, "both beat always answering the majority class by 5 points")
if mr_folder is not None:
    lesson.check(results["BiLSTM"] > 0.70, "on MR the BiLSTM gets past 70% in 3 epochs")

# %% [markdown]
# ## Practise
# Derive and write the backward of scaled dot-product attention with a mask, graded against finite differences:
#
#     python -m minigrad.exercises start my_exercises attention

# %%
lesson.done()
