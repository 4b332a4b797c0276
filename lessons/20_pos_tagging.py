# %% [markdown]
# # Lesson 20: tagging every word (part of speech)
#
# Until now a model read a sentence and gave *one* label.  A tagger gives a
# label to *every word*: its part of speech (NOUN, VERB, DET, ...), or
# whether it starts a name.  The model's output grows a time axis,
#
#     ids (N, L) -> ... -> logits (N, L, C)        one score vector per word
#
# and everything downstream follows: padding must be masked out of the loss
# and the scores, and the scores become per word and per tag.
#
# Data: the Universal Dependencies English Web Treebank (``ud_ewt/`` in
# ../shared/data, read with ``read_conllu``; 17 UPOS tags) when it is there
# and --quick is not given; otherwise the built-in ``synthetic_tagged``
# corpus, a tiny grammar in which "run" is a NOUN after "the" and a VERB
# after "they".

# %%
from pathlib import Path

import numpy as np
from _lesson import Lesson

import minigrad
from minigrad import optim, plot
from minigrad.data import DataLoader
from minigrad.datasets import UPOS_TAGS, read_conllu
from minigrad.metrics import classification_report, confusion_matrix, most_confused, precision_recall_f1
from minigrad.models import CNNTagger, RNNTagger
from minigrad.nn import functional as F
from minigrad.tagging import (
    IGNORE_INDEX,
    MostFrequentTag,
    TagCollate,
    TaggingDataset,
    build_vocab,
    evaluate,
    predict,
    synthetic_tagged,
    token_cross_entropy,
    train_epoch,
)

lesson = Lesson("Lesson 20: tagging every word", seed=20)

folder = Path(lesson.data) if lesson.data else None  # --data, or ../shared/data / $MINIGRAD_DATA unless --quick
ewt = folder / "ud_ewt" if folder else None
if ewt is not None and (ewt / "en_ewt-ud-train.conllu").exists() and not lesson.quick:
    train = list(read_conllu(ewt / "en_ewt-ud-train.conllu"))[:4000]  # a third of it: a lesson, not a benchmark
    test = list(read_conllu(ewt / "en_ewt-ud-test.conllu"))
    source, tag_names = f"EWT ({ewt}), the first 4,000 training sentences", UPOS_TAGS
else:
    corpus = list(synthetic_tagged(n=500 if lesson.quick else 1500, seed=20))
    train, test = corpus[: len(corpus) * 4 // 5], corpus[len(corpus) * 4 // 5:]
    source = "the synthetic corpus (synthetic_tagged)"
    tag_names = sorted({t for _, tags in train for t in tags})

# %% [markdown]
# ## Step 1: a label per word, and why the word alone is not enough
# The same word takes different tags in different sentences.  That is the
# whole difficulty of tagging: a word's tag depends on its neighbours.

# %%
lesson.step("A tag per word", "sentence w_1 .. w_L  ->  tags y_1 .. y_L, one of C tags each")
lesson.show("data", source)
lesson.show("train / test sentences", (len(train), len(test)))
words, tags = train[0]
print("  " + "  ".join(f"{w}/{t}" for w, t in zip(words, tags)))
tags_of = {}
for ws, ts in train:
    for w, t in zip(ws, ts):
        tags_of.setdefault(w.lower(), set()).add(t)
ambiguous = sorted((w for w in tags_of if len(tags_of[w]) > 1), key=lambda w: -len(tags_of[w]))
lesson.show("words seen with more than one tag", f"{len(ambiguous):,}, e.g. " +
            ", ".join(f"{w} {sorted(tags_of[w])}" for w in ambiguous[:3]))
lesson.check(len(ambiguous) > 0, "some words take several tags: a lookup table cannot be always right")

# %% [markdown]
# ## Step 2: batches, and masking the padding out of the loss
# Sentences of a batch are padded to the longest: the words with ``<pad>``
# (id 0), the tags with -100 (``IGNORE_INDEX``).  Cross-entropy's
# ``ignore_index=-100`` skips those positions in the sum *and* in the count
# it divides by, so the loss is the mean over real words only, whatever
# the model says on the padding.

# %%
lesson.step("Padding and the masked loss",
            "loss = (1 / #real words) sum over real words (n, t) of -log softmax(z[n, t])[y[n, t]]")
vocab = build_vocab(train)
train_set, test_set = TaggingDataset(train, vocab, tag_names), TaggingDataset(test, vocab, tag_names)
ids, batch_tags = TagCollate()([train_set[0], train_set[1], train_set[2]])
lesson.show("word ids (3, L)", ids)
lesson.show("tags with -100 on the padding", batch_tags)
real = batch_tags != IGNORE_INDEX
lesson.check(bool(((ids == 0) == ~real).all()), "the padded words are exactly the tags marked -100")
logits = minigrad.randn(*batch_tags.shape, len(tag_names), dtype=minigrad.float64)
loss = token_cross_entropy(logits, batch_tags)
log_p = F.log_softmax(logits, dim=2).numpy()
y, mask = batch_tags.numpy(), real.numpy()
by_hand = -np.mean([log_p[n, t, y[n, t]] for n, t in zip(*np.nonzero(mask))])
lesson.show("token_cross_entropy / by hand", (round(loss.item(), 6), round(float(by_hand), 6)))
lesson.check(abs(loss.item() - by_hand) < 1e-12, "the loss is the mean over the real words")
scrambled = minigrad.where(real.unsqueeze(2), logits, minigrad.randn(*logits.shape, dtype=minigrad.float64) * 100)
lesson.check(abs(token_cross_entropy(scrambled, batch_tags).item() - loss.item()) < 1e-12,
             "whatever the model says on the padding, the loss does not change")
as_zero = minigrad.where(real, batch_tags, 0)  # the mistake: padding tagged as class 0
lesson.show("the same loss with padding tagged 0 instead of -100", round(token_cross_entropy(logits, as_zero).item(), 6))
lesson.check(abs(token_cross_entropy(logits, as_zero).item() - loss.item()) > 1e-6,
             "tagging the padding with a real class would train the model on words that are not there")

# %% [markdown]
# ## Step 3: the baseline to beat
# Tag each word with the tag it had most often in training (unseen words:
# the commonest tag).  On EWT that already gets 86.2% of the test words.

# %%
lesson.step("The most-frequent-tag baseline", "tag(w) = argmax_y count(w, y) in training")
baseline = MostFrequentTag().fit(train)
baseline_acc = baseline.accuracy(test)
lesson.show("baseline test accuracy (words)", f"{baseline_acc:.1%}")
lesson.check(0.5 < baseline_acc < 1.0, "the baseline is strong, but not perfect")

# %% [markdown]
# ## Step 4: a tagger that reads a window of words
# ``CNNTagger``: embeddings, then convolutions with ``padding="same"`` so
# that each word keeps its own output, then a linear layer per word.  With
# two layers of width 3, each tag sees 2 words on each side: enough for
# "the run" against "they run".  A recurrent tagger (lessons 17-19) would
# see the whole sentence.

# %%
lesson.step("A window CNN tagger",
            "h = relu(conv_k(relu(conv_k(embed(w)))));  z[t] = W h[t] + b;  reach: layers * (k - 1) / 2 words per side")
minigrad.manual_seed(20)
model = CNNTagger(len(vocab), len(tag_names), embed_dim=48 if lesson.quick else 100,
                  channels=48 if lesson.quick else 128, window=3, num_layers=2, dropout=0.25)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True, collate_fn=TagCollate())
test_loader = DataLoader(test_set, batch_size=128, collate_fn=TagCollate())
epochs = 6 if lesson.quick else 3


def train_tagger(model, lr):
    """Adam for ``epochs`` epochs over the training sentences; returns the accuracy on the test words."""
    optimizer = optim.Adam(model.parameters(), lr=lr)
    for epoch in range(1, epochs + 1):
        loss, acc = train_epoch(model, train_loader, optimizer)
        print(f"  epoch {epoch}: loss per word {loss:.3f}, word accuracy {acc:.1%}")
    return evaluate(model, test_loader)[1]


test_acc = train_tagger(model, lr=3e-3)
lesson.show("CNN tagger / baseline, test words", f"{test_acc:.1%} / {baseline_acc:.1%}")
lesson.check(test_acc > baseline_acc, "reading the neighbours beats the most frequent tag")

# %% [markdown]
# ## Step 5: per-tag F1, and the tags it confuses
# Accuracy over words hides the rare tags.  Per-tag precision, recall and
# F1 (``classification_report``) show them, and the confusion matrix shows
# which tags are mistaken for which (on EWT: PROPN for NOUN, ADJ for NOUN
# or VERB...).

# %%
lesson.step("Per-tag scores", "F1_c = 2 P_c R_c / (P_c + R_c)")
y_true, y_pred = predict(model, test_loader)
print("  " + classification_report(y_true, y_pred, tag_names, digits=3).replace("\n", "\n  "))
scores = precision_recall_f1(y_true, y_pred, num_classes=len(tag_names))
worst = int(np.argmin(np.where(scores["support"] > 0, scores["f1"], 2)))
lesson.show("the hardest tag (lowest F1)", f"{tag_names[worst]}: F1 {scores['f1'][worst]:.2f}")
matrix = confusion_matrix(y_true, y_pred, len(tag_names))
confused = most_confused(matrix, tag_names, k=4)
lesson.show("most confused (true -> predicted, words)", ", ".join(f"{a} -> {b} ({n})" for a, b, n in confused))
lesson.check(matrix.sum() == len(y_true) == sum(len(t) for _, t in test), "every real test word is counted once")
lesson.save(plot.plot_confusion_matrix(matrix, tag_names, title="tags: true (rows) vs predicted"), "20_tag_confusion.png")

# %% [markdown]
# ## Step 6: a tagger that reads the whole sentence
# ``RNNTagger``: the same embeddings, then a bidirectional LSTM (lesson 17)
# whose output at word t joins a forward state (w_1 .. w_t) and a backward
# state (w_t .. w_L), so every tag can depend on any word of the sentence,
# not only on a window.  The batch is packed by the real lengths: the
# backward direction starts at each sentence's last word, not at the padding.

# %%
lesson.step("A BiLSTM tagger", "h[t] = [LSTM->(w_1..w_t) ; LSTM<-(w_t..w_L)];  z[t] = W dropout(h[t]) + b")
minigrad.manual_seed(20)
rnn = RNNTagger(len(vocab), len(tag_names), "lstm", embed_dim=32 if lesson.quick else 100,
                hidden_size=32 if lesson.quick else 128, dropout=0.0 if lesson.quick else 0.5)
rnn_acc = train_tagger(rnn, lr=1e-2 if lesson.quick else 3e-3)
lesson.show("BiLSTM / CNN / baseline, test words", f"{rnn_acc:.1%} / {test_acc:.1%} / {baseline_acc:.1%}")
lesson.check(rnn_acc > baseline_acc, "the BiLSTM tagger beats the most frequent tag too")
lesson.done()
