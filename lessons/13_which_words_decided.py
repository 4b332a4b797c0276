# %% [markdown]
# # Lesson 13: which words decided
#
# A trained TextCNN says "negative".  Which words made it say so?  The same
# backward pass that trains the model answers, if we ask for the gradient of
# one class's logit f with respect to the word vectors e_1..e_T:
#
#     gradient x input:      a_t = e_t . df/de_t
#     integrated gradients:  a_t = (e_t - b) . mean over alpha in [0, 1] of df/de_t at b + alpha (e - b)
#
# with b the <pad> vector (the empty sentence).  Integrated gradients is
# *complete*: the scores add up to f(sentence) - f(all <pad>), so each word
# gets a share of how far the sentence moved the logit.  Gradient x input is
# only a first-order estimate of removing each word.
#
# Data: ``--data DIR`` with DIR/mr/ trains on the MR movie-review sentences;
# without --data the lesson uses $MINIGRAD_DATA or ../shared/data beside the
# repository when it exists (except with --quick), and otherwise the synthetic corpus.

# %%
from pathlib import Path

import numpy as np
from _lesson import Lesson

import minigrad
from minigrad import optim, plot
from minigrad.data import DataLoader
from minigrad.datasets import read_mr, synthetic_sentiment
from minigrad.explain import format_attribution, gradient_x_input, integrated_gradients
from minigrad.models import TextCNN
from minigrad.text import PadCollate, Vocab
from minigrad.train import evaluate, fit

lesson = Lesson("Lesson 13: which words decided", seed=13)

# %% [markdown]
# ## Step 1: a classifier to explain
# The TextCNN of lesson 12, trained for a few epochs.

# %%
lesson.step("Train a TextCNN", "ids -> Embedding -> Conv1d (2, 3, 4) -> ReLU -> max over time -> Linear")
folder = Path(lesson.data) if lesson.data else None  # --data, or ../shared/data / $MINIGRAD_DATA unless --quick
mr_folder = next((c for c in ((folder / "mr", folder) if folder else ()) if (c / "rt-polarity.pos").exists()), None)
rng = np.random.default_rng(13)
if mr_folder is not None:
    corpus = read_mr(mr_folder)
    order = rng.permutation(len(corpus))
    test_idx, train_idx = order[:1000], order[1000:]
    source = f"MR ({mr_folder})"
    examples = {"negation": "not good at all", "contrast": "dull at first but wonderful"}
else:
    corpus = synthetic_sentiment(n=800 if lesson.quick else 2000, seed=13)
    order = rng.permutation(len(corpus))
    test_idx, train_idx = order[: len(order) // 5], order[len(order) // 5:]
    source = "the synthetic corpus"
    examples = {"negation": "the cast is not good and the plot is bad",
                "contrast": "the music is dull at first but wonderful in the end"}
lesson.show("data", source)
texts, labels = corpus.texts, corpus.labels
names = ["negative", "positive"]
vocab = Vocab.build([texts[i] for i in train_idx], min_freq=2 if mr_folder is not None else 1, max_size=10_000)
widths = (2, 3, 4)
collate = PadCollate(min_len=max(widths))
encoded = [vocab.encode(t) for t in texts]
train_loader = DataLoader([(encoded[i], labels[i]) for i in train_idx], batch_size=50, shuffle=True,
                          collate_fn=collate)
test_loader = DataLoader([(encoded[i], labels[i]) for i in test_idx], batch_size=200, collate_fn=collate)
E, Fn = (64, 50) if mr_folder is not None else (32, 32)
model = TextCNN(len(vocab), 2, embed_dim=E, num_filters=Fn, kernel_sizes=widths, dropout=0.5)
epochs = 3 if lesson.quick else 4
fit(model, optim.Adam(model.parameters(), lr=2e-3), train_loader, epochs=epochs, verbose=False)
_, accuracy = evaluate(model, test_loader)
lesson.show("test accuracy", f"{accuracy:.1%}")
lesson.check(accuracy > 0.6, "the model learned something worth explaining (test accuracy above 60%)")
model.double()  # attributions in float64, so that completeness can be checked tightly


def padded(text):
    """The ids of ``text``, padded to the widest filter."""
    ids = vocab.encode(text)
    return ids + [vocab.pad_index] * max(0, max(widths) - len(ids))


def explain(text, steps=200):
    return vocab.tokenizer(text), padded(text), integrated_gradients(model, padded(text), steps=steps)


# %% [markdown]
# ## Step 2: integrated gradients is complete
# The scores add up to the logit's rise from the empty sentence.  The
# integral is a sum over ``steps`` points: ReLU and max over time make the
# integrand jump, so the sum approaches the integral as the steps get finer.

# %%
lesson.step("Completeness", "sum_t a_t = f(e) - f(b)")
tokens, ids, result = explain(examples["contrast"])
lesson.show("sum of the scores", round(float(result.scores.sum()), 6))
lesson.show("f(sentence) - f(<pad> ...)", round(result.logit - result.baseline_logit, 6))
gaps = {steps: explain(examples["contrast"], steps)[2].completeness_error for steps in (4, 50, 1000)}
lesson.show("relative gap for 4, 50, 1000 steps", {k: f"{v:.1e}" for k, v in gaps.items()})
lesson.check(gaps[1000] < 1e-3, "with 1000 steps the scores sum to the logit difference within 0.1%")
lesson.check(gaps[1000] <= gaps[4], "finer steps close the gap")

# %% [markdown]
# ## Step 3: gradient x input is a first-order estimate
# Removing word t (setting its vector to the <pad> vector, zero) changes the
# logit by about a_t; exactly so only if the model were linear.

# %%
lesson.step("Gradient x input", "f(e) - f(e without e_t) ~ e_t . df/de_t")
gxi = gradient_x_input(model, ids, target=result.target)
with minigrad.no_grad():
    full = model(minigrad.tensor([ids]))[0, result.target].item()
    removed = [full - model(minigrad.tensor([ids[:t] + [vocab.pad_index] + ids[t + 1:]]))[0, result.target].item()
               for t in range(len(tokens))]
print("  gradient x input, and the logit's fall when the word is removed:")
print(format_attribution([f"{t} ({r:+.3f})" for t, r in zip(tokens, removed)], gxi.scores[:len(tokens)]))
top = int(np.argmax(np.abs(result.scores[:len(tokens)])))
least = int(np.argmin(np.abs(result.scores[:len(tokens)])))
lesson.check(abs(removed[top]) > abs(removed[least]),
             f"removing the word integrated gradients ranks first ('{tokens[top]}') moves the logit more than "
             f"removing the one it ranks last ('{tokens[least]}')")

# %% [markdown]
# ## Step 4: negation, contrast and a mistake
# Blue words pushed towards the predicted class, red ones against it.  The
# predictions need not be right: a small TextCNN trained for a few epochs
# on MR often misses a negation, and the scores show which words it leaned
# on instead (a strong "good" outweighing "not").

# %%
lesson.step("Three sentences", "each word coloured by its integrated-gradients score")
test_texts = [texts[i] for i in test_idx]
model.eval()
with minigrad.no_grad():
    wrong = next(t for t, i in zip(test_texts, test_idx)
                 if int(model(minigrad.tensor([padded(t)])).argmax(1).item()) != labels[i])
examples["misclassified"] = wrong
for kind, text in examples.items():
    tokens, ids, result = explain(text)
    print(f"  {kind}: predicted {names[result.target]}  ({text})")
    print(format_attribution(tokens, result.scores[:len(tokens)]))
    figure = plot.plot_attribution(tokens, result, title=f"{kind}: predicted {names[result.target]}")
    lesson.save(figure, f"13_{kind}.png")
    lesson.check(result.completeness_error < 1e-2, f"{kind}: the scores sum to the logit difference within 1%")
true = labels[test_idx[test_texts.index(wrong)]]
lesson.check(explain(wrong)[2].target != true, f"the misclassified review really is: it is {names[true]}")
lesson.done()
