"""k-fold cross-validation on MR for ``benchmarks/accuracy.py --folds K``: minigrad, and optionally PyTorch, on the same folds.

MR has no standard split; Kim (2014) scored it by 10-fold cross-validation,
and one split's 1,066 test sentences leave a standard error of about 1.3
points, as large as the differences one wants to see.  Here:

- the folds come from one permutation of the 10,662 sentences
  (``numpy.random.default_rng(seed)``, the permutation of the single 90/10
  split, whose test tenth is fold 0): fold i tests on the i-th tenth and
  trains on the other nine, for exactly ``epochs`` epochs, with no epoch
  picking;
- each fold builds its vocabulary from its training part only (every word
  seen ``min_freq`` times; words never seen in training read ``<unk>``);
- each epoch's batches of 50 are a fresh shuffle of the training part
  (seeded by seed, fold and epoch), padded on the right to their longest
  sentence, and are handed unchanged to both frameworks;
- PyTorch's twin (``_mr.torch_rnn_classifier``) starts from minigrad's
  initial weights, so the two differ only by their dropout masks and float32
  rounding.  Each fold's minigrad model is seeded with
  ``minigrad.manual_seed(seed + fold)``.
"""
import math
import time

import numpy as np
from _mr import index_batches, torch_rnn_classifier

import minigrad
import minigrad.nn.functional as F
from minigrad.text import Vocab, tokenize


def fold_indices(n, folds, seed=0):
    """(train rows, test rows) per fold, from one seeded permutation; fold i tests on rows [i*n//k, (i+1)*n//k)."""
    if not 2 <= folds <= n:
        raise SystemExit(f"accuracy.py --folds: need between 2 and {n} folds, got {folds}")
    order = np.random.default_rng(seed).permutation(n)
    bounds = [i * n // folds for i in range(folds + 1)]
    return [(np.concatenate([order[:a], order[b:]]), order[a:b]) for a, b in zip(bounds, bounds[1:])]


def mean_and_error(values):
    """(mean, standard error of the mean) of the per-fold figures."""
    values = np.asarray(values, dtype=np.float64)
    return values.mean(), values.std(ddof=1) / math.sqrt(len(values)) if len(values) > 1 else math.nan


def _minigrad_fit(model, epoch_batches, test_batches, device="cpu"):
    """Adam 1e-3 over the epochs' batches, then test accuracy (eval mode: dropout off)."""
    model.to(device)  # before the optimizer, so that its state is made there
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    for batches in epoch_batches:
        model.train()
        for ids, labels in batches:
            loss = F.cross_entropy(model(minigrad.tensor(ids, device=device)), minigrad.tensor(labels, device=device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    right = 0
    with minigrad.no_grad():
        for ids, labels in test_batches:
            right += int((model(minigrad.tensor(ids, device=device)).numpy().argmax(axis=1) == labels).sum())
    return right / sum(len(labels) for _, labels in test_batches)


def _torch_fit(model, torch, epoch_batches, test_batches, device="cpu"):
    """The same training and scoring in PyTorch."""
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for batches in epoch_batches:
        model.train()
        for ids, labels in batches:
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(ids).to(device)),
                                                     torch.from_numpy(labels).to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    right = 0
    with torch.no_grad():
        for ids, labels in test_batches:
            right += int((model(torch.from_numpy(ids).to(device)).argmax(dim=1).cpu().numpy() == labels).sum())
    return right / sum(len(labels) for _, labels in test_batches)


def cross_validate(texts, labels, make_model, folds, epochs, seed=0, min_freq=1, torch=None, cell=None,
                   min_len=1, batch_size=50, only=None, device="cpu"):
    """Train and score each fold; yields one dict per fold as it finishes.

    ``make_model(vocab_size)`` builds the minigrad model; with ``torch`` (the
    module) and ``cell`` ('lstm' or 'gru'), PyTorch's twin trains on the same
    batches from the same initial weights.  ``only`` limits the run to the
    first N folds (of ``folds``), for a quick look.  ``device`` ('cuda') trains
    both frameworks on the GPU.
    """
    sentences = [tokenize(t) for t in texts]
    labels = np.asarray(labels, dtype=np.int64)
    for fold, (train_rows, test_rows) in enumerate(fold_indices(len(sentences), folds, seed)[:only]):
        train = [sentences[i] for i in train_rows]
        vocab = Vocab.build(train, min_freq=min_freq)
        test = [sentences[i] for i in test_rows]
        # Each epoch a fresh shuffle, drawn from (seed, fold, epoch), so that both frameworks see the same batches.
        epoch_batches = [index_batches(train, labels[train_rows], vocab.stoi, batch_size,
                                       seed=[seed, fold, epoch], min_len=min_len) for epoch in range(epochs)]
        test_batches = index_batches(test, labels[test_rows], vocab.stoi, batch_size, seed=0, min_len=min_len)
        minigrad.manual_seed(seed + fold)
        model = make_model(len(vocab))
        start_weights = {name: value.numpy().copy() for name, value in model.state_dict().items()}
        start = time.perf_counter()
        row = dict(fold=fold, train=len(train_rows), test=len(test_rows), vocab=len(vocab),
                   accuracy=_minigrad_fit(model, epoch_batches, test_batches, device))
        row["seconds"] = time.perf_counter() - start
        if torch is not None and cell is not None:
            torch.manual_seed(seed + fold)
            twin = torch_rnn_classifier(torch, len(vocab), cell, embed_dim=model.embedding.weight.shape[1],
                                        hidden_size=model.rnn.hidden_size, dropout=model.dropout.p)
            twin.load_state_dict({name: torch.from_numpy(value) for name, value in start_weights.items()})
            start = time.perf_counter()
            row["torch_accuracy"] = _torch_fit(twin, torch, epoch_batches, test_batches, device)
            row["torch_seconds"] = time.perf_counter() - start
        yield row
