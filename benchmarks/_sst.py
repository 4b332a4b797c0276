"""The PyTorch twin of benchmarks/sst_phrases.py: the same TextCNN, trained on the very batches minigrad saw.

``Recorder`` wraps the benchmark's ``collate_fn`` and keeps a NumPy copy of
every batch it makes, epoch by epoch, so the twin replays minigrad's run
batch for batch: same vocabulary, same ids, same padding, same order.  Only
the initial weights and the dropout masks are the twin's own (PyTorch's
generator, seeded with the same number).

PyTorch is optional: ``load_torch()`` returns None without it.
"""
import time

import numpy as np
from _mr import torch_textcnn as textcnn  # the PyTorch twin of models.TextCNN


def load_torch():
    """The torch module, or None when it is not installed (it is never a dependency)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


class Recorder:
    """A ``collate_fn`` that passes batches through and keeps (ids, labels) as NumPy arrays.

    ``epochs`` is a list of epochs, each a list of batches; a new epoch
    starts after every ``batches_per_epoch`` batches.
    """

    def __init__(self, collate, batches_per_epoch):
        self.collate, self.batches_per_epoch = collate, batches_per_epoch
        self.epochs = []

    def __call__(self, batch):
        ids, labels = self.collate(batch)
        if not self.epochs or len(self.epochs[-1]) == self.batches_per_epoch:
            self.epochs.append([])
        self.epochs[-1].append((ids.numpy().copy(), labels.numpy().copy()))
        return ids, labels


def train_epoch(torch, model, optimizer, batches, device="cpu"):
    """One pass of Adam over ``batches`` of NumPy (ids, labels); returns the seconds it took."""
    model.train()
    start = time.perf_counter()
    for ids, labels in batches:
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(ids).to(device)),
                                                 torch.from_numpy(labels).to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def accuracy(torch, model, batches, device="cpu"):
    """The fraction of examples in ``batches`` whose arg-max logit is the label, in eval mode (dropout off)."""
    model.eval()
    correct = seen = 0
    with torch.no_grad():
        for ids, labels in batches:
            predicted = model(torch.from_numpy(ids).to(device)).argmax(1).cpu().numpy()
            correct += int((predicted == labels).sum())
            seen += len(labels)
    return correct / seen


def run_twin(torch, train_epochs, dev_batches, test_batches, vocab_size, num_classes, seed=0, device="cpu",
             **model_args):
    """Train the twin on ``train_epochs`` (a list of batch lists), scoring dev and test after each epoch.

    Returns a dict like the benchmark's: dev and test accuracy at the epoch
    of best dev accuracy, that epoch (from 1), and seconds per epoch.
    """
    torch.manual_seed(seed)
    model = textcnn(torch, vocab_size, num_classes, **model_args).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    rows, seconds = [], 0.0
    for epoch, batches in enumerate(train_epochs, start=1):
        seconds += train_epoch(torch, model, optimizer, batches, device)
        dev, test = accuracy(torch, model, dev_batches, device), accuracy(torch, model, test_batches, device)
        print(f"  PyTorch twin, epoch {epoch}: dev {100 * dev:.1f}%  test {100 * test:.1f}%", flush=True)
        rows.append((dev, -epoch, test))
    dev, neg_epoch, test = max(rows)  # the first epoch of best dev accuracy, as fit(restore_best=True) keeps
    return dict(dev=dev, accuracy=test, best=-neg_epoch, epochs=len(rows), per_epoch=seconds / len(rows))


def batches_of(ids, labels, batch_size, order=None, min_len=5, padding="post"):
    """Lists of token ids as (ids (B, L), labels (B,)) batches, each padded to its longest member.

    ``padding``: "post" puts the ``<pad>`` ids after the words (PadCollate's
    way); "both" puts ``max(widths) - 1`` = ``min_len - 1`` of them before the
    words as well, as Kim's code did, so the first word also meets every
    column of every filter.
    """
    order = np.arange(len(ids)) if order is None else order
    lead = min_len - 1 if padding == "both" else 0
    out = []
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        longest = max(len(ids[i]) for i in rows)
        length = max(min_len, lead + longest + lead)
        block = np.zeros((len(rows), length), dtype=np.int64)
        for r, i in enumerate(rows):
            block[r, lead:lead + len(ids[i])] = ids[i]
        out.append((block, np.asarray([labels[i] for i in rows], dtype=np.int64)))
    return out


def epoch_order(lengths, batch_size, rng, order="random"):
    """One epoch's visiting order of the training phrases, as positions into them.

    - "random": a permutation (what ``DataLoader(shuffle=True)`` does);
    - "bucket": phrases of like length batched together, as a bucketing
      iterator does: a permutation is cut into pools of 100 batches, each
      pool sorted by length and cut into batches, and the batches of a pool
      shuffled (so little padding, and batches still come in random order);
    - "ascending": every phrase sorted by length (ties in random order) and
      the batches visited from the shortest to the longest, so the epoch
      ends on whole sentences, which is what the dev and test sets hold.
    """
    lengths = np.asarray(lengths)
    perm = rng.permutation(len(lengths))
    if order == "random":
        return perm
    if order == "ascending":
        return perm[np.argsort(lengths[perm], kind="stable")]
    out = []
    pool = 100 * batch_size
    for start in range(0, len(perm), pool):
        part = perm[start:start + pool]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches = [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
        out += [batches[i] for i in rng.permutation(len(batches))]
    return np.concatenate(out)


class KimPadCollate:
    """A ``collate_fn`` that pads on both sides, as Kim's code did: ``lead`` <pad> ids before the words and after.

    ``lead`` = widest filter - 1, so every word, the first and last included,
    meets every column of every filter (with padding after the words only,
    the first word is only ever seen by a filter's first column, and a
    one-word phrase by that column alone).  The batch is then padded at the
    end to its longest member, as ``PadCollate`` does.
    """

    def __init__(self, lead):
        from minigrad.text import PadCollate

        self.lead = lead
        self.pad = PadCollate(min_len=2 * lead + 1)

    def __call__(self, batch):
        zeros = [0] * self.lead
        return self.pad([(zeros + list(ids) + zeros, *rest) for ids, *rest in batch])

    def __repr__(self):
        return f"KimPadCollate(lead={self.lead})"
