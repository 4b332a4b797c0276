# %% [markdown]
# # Lesson 21: a CRF you can derive
#
# A tagger that picks each word's best tag on its own can answer "DET VERB"
# even when a DET is almost never followed by a VERB.  A linear-chain
# conditional random field (CRF) scores the whole tag sequence: each word's
# *emission* scores E[t, y] plus a *transition* score A[y', y] for every
# pair of neighbouring tags,
#
#     s(x, y) = start[y_1] + sum_t E[t, y_t] + sum_{t>=2} A[y_{t-1}, y_t] + end[y_L]
#     P(y | x) = exp s(x, y) / Z(x),     Z(x) = sum over all K^L sequences of exp s(x, y')
#
# This lesson derives the forward algorithm that computes log Z in L K^2
# steps instead of K^L, checks it against enumerating every sequence, shows
# that its gradient is the expected transition counts, traces Viterbi, and
# trains a CRF on top of a tagger that sees one word at a time.
#
# ``minigrad.nn.CRF`` has the interface of the ``pytorch-crf`` package:
# ``crf(emissions, tags, mask)`` is the log-likelihood, ``crf.decode`` the
# best sequences.  Data for step 5: EWT (``ud_ewt/`` in ../shared/data) when
# present and not --quick, otherwise the built-in ``synthetic_tagged`` corpus.

# %%
import itertools
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _lesson import Lesson

import minigrad
from minigrad import nn, optim
from minigrad.data import DataLoader
from minigrad.datasets import UPOS_TAGS, read_conllu
from minigrad.models import CNNTagger
from minigrad.tagging import IGNORE_INDEX, TagCollate, TaggingDataset, build_vocab, synthetic_tagged, token_cross_entropy

lesson = Lesson("Lesson 21: a CRF you can derive", seed=21)
F64 = minigrad.float64

# %% [markdown]
# ## Step 1: the score of a tag sequence, and all K^L of them
# A tiny CRF: K = 3 tags, a sentence of L = 4 words, random scores.  With
# only 81 sequences we can list them all, and P(y | x) sums to 1.

# %%
lesson.step("Scores and probabilities of whole sequences", "P(y | x) = exp s(x, y) / sum_y' exp s(x, y')")
K, L = 3, 4
crf = nn.CRF(K, dtype=F64)
rng = np.random.default_rng(21)
for p in crf.parameters():
    p.data = minigrad.tensor(rng.normal(size=p.shape))
start, end, A = (p.detach().numpy() for p in (crf.start_transitions, crf.end_transitions, crf.transitions))
E = rng.normal(size=(L, K))  # emissions of one sentence, E[t, y]
emissions = minigrad.tensor(E[:, None, :], requires_grad=True)  # (L, N=1, K): pytorch-crf's time-first layout


def score(path):
    return start[path[0]] + sum(E[t, y] for t, y in enumerate(path)) + sum(
        A[a, b] for a, b in zip(path, path[1:])) + end[path[-1]]


paths = list(itertools.product(range(K), repeat=L))
scores = np.array([score(p) for p in paths])
log_z_brute = np.log(np.exp(scores - scores.max()).sum()) + scores.max()
lesson.show("number of sequences K^L", len(paths))
lesson.show("log Z by enumeration", round(float(log_z_brute), 10))
probabilities = np.exp(scores - log_z_brute)
lesson.check(abs(probabilities.sum() - 1) < 1e-12, "the probabilities of all sequences sum to 1")

# %% [markdown]
# ## Step 2: the forward algorithm
# Group the sequences by their last tag.  alpha_t(j), the log of the summed
# exp-scores of every sequence of length t ending in tag j, needs only
# alpha_{t-1}:
#
#     alpha_1(j) = start[j] + E[1, j]
#     alpha_t(j) = logsumexp_i ( alpha_{t-1}(i) + A[i, j] ) + E[t, j]
#     log Z      = logsumexp_j ( alpha_L(j) + end[j] )
#
# because every sequence ending in j at step t is a sequence ending in some
# i at t - 1, then the step i -> j.  L steps of K x K work: 4 x 9 here
# instead of 81 sums of 4 terms, and 50 x 289 instead of 17^50 for a
# 50-word sentence with 17 tags.  ``nn.CRF`` runs exactly this loop, built
# from the engine's logsumexp.

# %%
lesson.step("alpha_t(j) = logsumexp_i(alpha_{t-1}(i) + A[i, j]) + E[t, j]")
alpha = start + E[0]
lesson.show("alpha_1", np.round(alpha, 4))
for t in range(1, L):
    alpha = np.logaddexp.reduce(alpha[:, None] + A, axis=0) + E[t]
    lesson.show(f"alpha_{t + 1}", np.round(alpha, 4))
log_z_forward = np.logaddexp.reduce(alpha + end)
lesson.show("log Z by the forward algorithm", round(float(log_z_forward), 10))
lesson.check(abs(log_z_forward - log_z_brute) < 1e-10, "the forward algorithm equals enumeration (to 1e-10)")
tags = [2, 0, 1, 1]
llh = crf(emissions, minigrad.tensor([[y] for y in tags]))
lesson.check(abs(llh.item() - (score(tags) - log_z_brute)) < 1e-10,
             "nn.CRF's log-likelihood is s(x, y) - log Z of the enumeration")
lesson.show("sequences K^L against forward steps L K^2, for L = 50, K = 17", f"{17.0 ** 50:.1e} against {50 * 17 ** 2:,}")

# %% [markdown]
# ## Step 3: the gradient is expected counts
# d log Z / d A[i, j] = sum over sequences of P(y | x) times the number of
# i -> j steps in y: the *expected* count of that transition.  So the
# gradient of the log-likelihood is (counts in the true tags) - (expected
# counts under the model): training stops moving A when the model expects
# each transition as often as the data shows it.  We never wrote that
# backward: it comes from backpropagating through the forward loop (and it
# is what the "backward" half of the forward-backward algorithm computes).

# %%
lesson.step("d log P(y|x) / d A[i, j] = count_ij(y) - E_P[count_ij]")
llh.backward()
observed = np.zeros((K, K))
for a, b in zip(tags, tags[1:]):
    observed[a, b] += 1
expected = np.zeros((K, K))
for p, prob in zip(paths, probabilities):
    for a, b in zip(p, p[1:]):
        expected[a, b] += prob
lesson.show("observed counts", observed)
lesson.show("expected counts (enumeration)", np.round(expected, 4))
lesson.show("autograd: d log P(y|x) / dA", np.round(crf.transitions.grad.numpy(), 4))
lesson.check(np.allclose(crf.transitions.grad.numpy(), observed - expected, atol=1e-10),
             "backward through the forward algorithm gives observed - expected transition counts")
marginals = np.array([[probabilities[[p[t] == y for p in paths]].sum() for y in range(K)] for t in range(L)])
lesson.check(np.allclose(emissions.grad.numpy()[:, 0], np.eye(K)[tags] - marginals, atol=1e-10),
             "and d log P(y|x) / dE[t, y] = [y_t = y] - P(y_t = y | x), the tag's marginal probability")

# %% [markdown]
# ## Step 4: Viterbi, traced on one sentence
# The best sequence: the same loop with max instead of logsumexp, keeping
# for each step and tag which previous tag won (the back-pointer); then
# follow the pointers back from the best last tag.  Here with scores set by
# hand: "run" and "plan" could be a NOUN or a VERB, and only the
# transitions (PRON -> VERB, DET -> NOUN) decide.

# %%
lesson.step("Viterbi", "delta_t(j) = max_i(delta_{t-1}(i) + A[i, j]) + E[t, j];   bp_t(j) = argmax_i(...)")
names = ["PRON", "VERB", "DET", "NOUN"]
words = ["they", "run", "the", "plan"]
viterbi = nn.CRF(4, dtype=F64)
viterbi.start_transitions.data = minigrad.tensor([0.5, 0.0, 0.5, 0.0])
viterbi.end_transitions.data = minigrad.tensor([0.0, 0.0, -1.0, 0.5])
viterbi.transitions.data = minigrad.tensor([[-1.0, 1.5, -0.5, -1.0],    # from PRON
                                            [0.0, -1.0, 1.0, -0.5],     # from VERB
                                            [-1.0, -1.0, -1.0, 1.5],    # from DET
                                            [-0.5, 1.0, -0.5, -1.0]])   # from NOUN
#                                 PRON  VERB  DET  NOUN
hand = np.array([[3.0, -1.0, -1.0, 0.0],   # they
                 [-1.0, 1.0, -1.0, 1.2],   # run: a slightly better NOUN on its own
                 [-1.0, -1.0, 3.0, -1.0],  # the
                 [-1.0, 1.1, -1.0, 1.0]])  # plan: a slightly better VERB on its own
S0, E1, T1 = (p.detach().numpy() for p in (viterbi.start_transitions, viterbi.end_transitions, viterbi.transitions))
delta, pointers = S0 + hand[0], []
print("  step  word   " + "  ".join(f"{n:>12}" for n in names))
print(f"  1     {words[0]:<6} " + "  ".join(f"{d:>12.2f}" for d in delta))
for t in range(1, len(words)):
    candidates = delta[:, None] + T1 + hand[t]
    pointers.append(candidates.argmax(axis=0))
    delta = candidates.max(axis=0)
    print(f"  {t + 1}     {words[t]:<6} " + "  ".join(
        f"{d:>6.2f} <- {names[b]:<4}" for d, b in zip(delta, pointers[-1])))
best = [int((delta + E1).argmax())]
for bp in reversed(pointers):
    best.append(int(bp[best[-1]]))
best.reverse()
lesson.show("best path, read back from the last tag", " ".join(f"{w}/{names[y]}" for w, y in zip(words, best)))
lesson.show("each word's own best tag", " ".join(f"{w}/{names[y]}" for w, y in zip(words, hand.argmax(axis=1))))
decoded = viterbi.decode(minigrad.tensor(hand[:, None, :]))[0]
brute = max(itertools.product(range(4), repeat=4), key=lambda p: S0[p[0]] + E1[p[-1]] + sum(
    hand[t, y] for t, y in enumerate(p)) + sum(T1[a, b] for a, b in zip(p, p[1:])))
lesson.check(decoded == best == list(brute), "nn.CRF.decode, the trace and enumeration agree on the best path")
lesson.check([names[y] for y in best] == ["PRON", "VERB", "DET", "NOUN"],
             "the transitions overrule the words' own best tags (run/NOUN, plan/VERB)")

# %% [markdown]
# ## Step 5: when it helps
# A tagger that sees one word at a time (``CNNTagger`` with a window of 1)
# cannot tell "the run" from "they run".  Put a CRF on its emissions and
# train both together on -log P(tags | sentence): the transitions supply the
# context the emissions lack.  (A tagger that already reads its neighbours
# gains much less: the CRF helps where the emissions are blind.)

# %%
lesson.step("Emissions of single words, with and without a CRF", "loss = -log P(y | x) = log Z(x) - s(x, y)")
folder = Path(lesson.data) if lesson.data else None  # --data, or ../shared/data / $MINIGRAD_DATA unless --quick
ewt = folder / "ud_ewt" if folder else None
if ewt is not None and (ewt / "en_ewt-ud-train.conllu").exists() and not lesson.quick:
    train = list(read_conllu(ewt / "en_ewt-ud-train.conllu"))[:3000]
    test = list(read_conllu(ewt / "en_ewt-ud-test.conllu"))[:1000]
    source, tag_names, epochs = f"EWT ({ewt}): 3,000 training and 1,000 test sentences", UPOS_TAGS, 3
else:
    corpus = list(synthetic_tagged(n=400 if lesson.quick else 1200, seed=21))
    train, test = corpus[: len(corpus) * 3 // 4], corpus[len(corpus) * 3 // 4:]
    source, tag_names, epochs = "the synthetic corpus (synthetic_tagged)", sorted(
        {t for _, ts in corpus for t in ts}), 8 if lesson.quick else 6
lesson.show("data", source)
vocab = build_vocab(train)
train_loader = DataLoader(TaggingDataset(train, vocab, tag_names), batch_size=32, shuffle=True, collate_fn=TagCollate())
test_loader = DataLoader(TaggingDataset(test, vocab, tag_names), batch_size=128, collate_fn=TagCollate())


def word_accuracy(tagger, crf=None):
    tagger.eval()
    right = total = 0
    with minigrad.no_grad():
        for ids, gold in test_loader:
            mask = gold != IGNORE_INDEX
            emissions = tagger(ids)
            if crf is None:
                guesses = emissions.argmax(2).tolist()
            else:
                guesses = crf.decode(emissions, mask)
            for guess, truth in zip(guesses, gold.tolist()):
                pairs = [(g, t) for g, t in zip(guess, truth) if t != IGNORE_INDEX]
                right += sum(g == t for g, t in pairs)
                total += len(pairs)
    return right / total


results = {}
for use_crf in (False, True):
    minigrad.manual_seed(21)
    tagger = CNNTagger(len(vocab), len(tag_names), embed_dim=32, channels=32, window=1, num_layers=1, dropout=0.0)
    crf = nn.CRF(len(tag_names), batch_first=True) if use_crf else None
    parameters = list(tagger.parameters()) + (list(crf.parameters()) if use_crf else [])
    optimizer = optim.Adam(parameters, lr=1e-2)
    for epoch in range(epochs):
        tagger.train()
        for ids, gold in train_loader:
            emissions = tagger(ids)  # (N, L, C)
            if use_crf:
                loss = -crf(emissions, gold, gold != IGNORE_INDEX, reduction="token_mean")
            else:
                loss = token_cross_entropy(emissions, gold)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    results[use_crf] = word_accuracy(tagger, crf)
    lesson.show("window of 1 word" + (" + CRF" if use_crf else ", argmax per word"), f"{results[use_crf]:.1%}")
lesson.check(results[True] > results[False], "the CRF's transitions add the context the single-word emissions lack")

learned = crf.transitions.detach().numpy()
fig, ax = plt.subplots(figsize=(2.5 + 0.45 * len(tag_names), 2 + 0.45 * len(tag_names)))
image = ax.imshow(learned, cmap="RdBu_r", vmin=-abs(learned).max(), vmax=abs(learned).max())
fig.colorbar(image, ax=ax, fraction=0.046)
ax.set_xticks(range(len(tag_names)), tag_names, rotation=60, ha="right")
ax.set_yticks(range(len(tag_names)), tag_names)
ax.set_xlabel("next tag j")
ax.set_ylabel("tag i")
ax.set_title("learned transitions A[i, j]")
lesson.save(fig, "21_transitions.png")
i, j = np.unravel_index(learned.argmax(), learned.shape)
lesson.show("the most rewarded transition", f"{tag_names[i]} -> {tag_names[j]} ({learned[i, j]:+.2f})")

# %% [markdown]
# ## Practise
# Write the forward algorithm's log Z (stable, with your own logsumexp) and the Viterbi decoder with
# back-pointers, graded against enumerating every tag sequence:
#
#     python -m minigrad.exercises start my_exercises crf_forward crf_viterbi

# %%
lesson.done()
