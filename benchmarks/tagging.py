"""Part-of-speech tagging (UPOS, 17 tags) on the English Web Treebank: taggers against the most-frequent-tag baseline.

- data: ``ud_ewt/en_ewt-ud-{train,dev,test}.conllu`` (12,544 / 2,001 / 2,077
  sentences), read by ``read_conllu``; words lower-cased;
- baseline: each word's most frequent training tag, NOUN for unseen words
  (86.2% of the test words, per ``../shared/data/README.md``);
- ``CNNTagger``: random embeddings of 100, two convolutions of 128 filters
  over a window of 3 words (``padding="same"``: a word's tag sees 2 words on
  each side), dropout 0.25, a linear layer per word; Adam 3e-3, batch 32;
  the epoch is picked on the dev words, the test words scored at that epoch;
- ``--model lstm``: ``RNNTagger`` with the data README's recipe: random
  embeddings of 100, one BiLSTM layer of 128 per direction (packed by the
  real lengths), dropout 0.5 on the embeddings and on the outputs, Adam 1e-3,
  batch 32, word dropout (a word seen once in training becomes ``<unk>``
  half the time); and, when PyTorch is importable, the same recipe in
  PyTorch in the same process, epoch by epoch, for the epoch-time ratio
  (both on one thread: torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1);
- printed: word accuracy, the test words never seen in training, per-tag F1
  and the pairs of tags confused most.

    python benchmarks/tagging.py                  # 8 epochs
    python benchmarks/tagging.py --epochs 2 --max-train 2000
    OPENBLAS_NUM_THREADS=1 python benchmarks/tagging.py --model lstm --epochs 20
    python benchmarks/tagging.py --model lstm --chars --no-torch   # + a character CNN per word (CharRNNTagger)

``--chars`` adds each word's spelling (``minigrad.tagging_chars``: character
embeddings of 30, 50 filters over 3 characters, max over the word) to the
same recipe, and prints the accuracy on the test words unseen in training.
"""
import argparse
import copy
import os
import time
from pathlib import Path

import minigrad
from minigrad.data import DataLoader
from minigrad.datasets import UPOS_TAGS, read_conllu
from minigrad.metrics import classification_report, confusion_matrix, most_confused
from minigrad.models import CNNTagger, RNNTagger
from minigrad.tagging import (MostFrequentTag, TagCollate, TaggingDataset, build_vocab, evaluate, predict, rare_ids,
                              train_epoch)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MINIGRAD_DATA", ROOT.parent / "shared" / "data")) / "ud_ewt"


def main():
    parser = argparse.ArgumentParser(description="UPOS tagging on EWT: CNNTagger against the most-frequent-tag baseline")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0, help="for the initial weights and the shuffling")
    parser.add_argument("--max-train", type=int, default=None, help="use only the first N training sentences")
    parser.add_argument("--window", type=int, default=3)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--model", choices=("cnn", "lstm"), default="cnn",
                        help="cnn: CNNTagger; lstm: RNNTagger with the data README's BiLSTM recipe, beside PyTorch's")
    parser.add_argument("--no-torch", action="store_true", help="lstm: skip the PyTorch twin")
    parser.add_argument("--chars", action="store_true", help="lstm: add a character CNN per word (no PyTorch twin)")
    args = parser.parse_args()
    if args.model == "lstm":
        return bilstm(args)

    minigrad.manual_seed(args.seed)
    train, dev, test = (read_conllu(DATA / f"en_ewt-ud-{split}.conllu") for split in ("train", "dev", "test"))
    train = list(train)[: args.max_train]
    baseline = MostFrequentTag().fit(train)
    vocab = build_vocab(train)
    test_words = [w.lower() for words, _ in test for w in words]
    unseen = sum(w not in vocab for w in test_words) / len(test_words)
    print(f"baseline (most frequent tag): test {100 * baseline.accuracy(test):.1f}%; "
          f"{100 * unseen:.1f}% of the test words are unseen in training", flush=True)

    loaders = [DataLoader(TaggingDataset(data, vocab, UPOS_TAGS), batch_size=32, shuffle=shuffle,
                          collate_fn=TagCollate())
               for data, shuffle in ((train, True), (dev, False), (test, False))]
    model = CNNTagger(len(vocab), len(UPOS_TAGS), embed_dim=100, channels=128, window=args.window,
                      num_layers=args.layers, dropout=0.25)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=3e-3)
    best, best_state, times = -1.0, None, []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        loss, train_acc = train_epoch(model, loaders[0], optimizer)
        times.append(time.perf_counter() - start)
        _, dev_acc = evaluate(model, loaders[1])
        print(f"epoch {epoch}: train loss {loss:.4f} acc {100 * train_acc:.1f}%  dev {100 * dev_acc:.1f}%  "
              f"{times[-1]:.1f} s", flush=True)
        if dev_acc > best:
            best, best_epoch, best_state = dev_acc, epoch, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    y_true, y_pred = predict(model, loaders[2])
    test_acc = float((y_true == y_pred).long().sum().item()) / len(y_true)
    print(f"\nCNNTagger (window {args.window}, {args.layers} layers): dev {100 * best:.1f}% at epoch {best_epoch}, "
          f"test {100 * test_acc:.1f}%; {min(times):.1f} s per epoch at best")
    print(classification_report(y_true, y_pred, UPOS_TAGS, digits=3))
    matrix = confusion_matrix(y_true, y_pred, len(UPOS_TAGS))
    print("most confused (true -> predicted, words):",
          ", ".join(f"{a} -> {b} {n}" for a, b, n in most_confused(matrix, UPOS_TAGS, k=6)))
    print("\n| tagger | test accuracy | dev accuracy | epochs (best) | s / epoch |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| most frequent tag | {100 * baseline.accuracy(test):.1f}% | {100 * baseline.accuracy(dev):.1f}% | - | - |")
    print(f"| CNNTagger, window {args.window} x {args.layers} layers | {100 * test_acc:.1f}% | {100 * best:.1f}% | "
          f"{args.epochs} ({best_epoch}) | {min(times):.1f} |")


# ------------------------------------------------- the BiLSTM recipe, and PyTorch's twin
def bilstm(args):
    minigrad.manual_seed(args.seed)
    train, dev, test = (read_conllu(DATA / f"en_ewt-ud-{split}.conllu") for split in ("train", "dev", "test"))
    train = list(train)[: args.max_train]
    vocab = build_vocab(train)
    print(f"baseline (most frequent tag): test {100 * MostFrequentTag().fit(train).accuracy(test):.1f}%", flush=True)
    dropout = TagCollate(word_dropout=0.5, rare_ids=rare_ids(vocab), unk_index=vocab.unk_index)
    if args.chars:
        from minigrad.tagging_chars import CharRNNTagger, CharTagCollate, CharTaggingDataset, CharVocab

        chars = CharVocab.build(train)
        loaders = [DataLoader(CharTaggingDataset(data, vocab, chars, UPOS_TAGS), batch_size=32, shuffle=shuffle,
                              collate_fn=CharTagCollate(collate))
                   for data, shuffle, collate in ((train, True, dropout), (dev, False, None), (test, False, None))]
        model = CharRNNTagger(len(vocab), len(UPOS_TAGS), len(chars), "lstm", embed_dim=100, hidden_size=128,
                              dropout=0.5)
        args.no_torch = True
    else:
        loaders = [DataLoader(TaggingDataset(data, vocab, UPOS_TAGS), batch_size=32, shuffle=shuffle,
                              collate_fn=collate)
                   for data, shuffle, collate in ((train, True, dropout), (dev, False, TagCollate()),
                                                  (test, False, TagCollate()))]
        model = RNNTagger(len(vocab), len(UPOS_TAGS), "lstm", embed_dim=100, hidden_size=128, dropout=0.5)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    twin = None if args.no_torch else TorchTwin.make(len(vocab), args.seed)
    times = {"minigrad": [], "PyTorch": []}
    columns = ["epoch", "minigrad dev", "minigrad test", "minigrad s"]
    columns += ["PyTorch dev", "PyTorch test", "PyTorch s", "ratio"] if twin is not None else []
    print("| " + " | ".join(columns) + " |\n" + "| --- " * len(columns) + "|", flush=True)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        train_epoch(model, loaders[0], optimizer)
        times["minigrad"].append(time.perf_counter() - start)
        row = [f"{100 * evaluate(model, loaders[i])[1]:.1f}%" for i in (1, 2)] + [f"{times['minigrad'][-1]:.1f}"]
        if twin is not None:
            start = time.perf_counter()
            twin.train_epoch(loaders[0])
            times["PyTorch"].append(time.perf_counter() - start)
            row += [f"{100 * twin.accuracy(loaders[i]):.1f}%" for i in (1, 2)] + [f"{times['PyTorch'][-1]:.1f}"]
            row.append(f"{times['minigrad'][-1] / times['PyTorch'][-1]:.2f}")
        print(f"| {epoch} | " + " | ".join(row) + " |", flush=True)
    unseen = [w.lower() not in vocab for words, _ in test for w in words]  # predict's order: sentence by sentence
    y_true, y_pred = predict(model, loaders[2])
    right = (y_true == y_pred).numpy()
    print(f"{'with' if args.chars else 'without'} characters: test {100 * right.mean():.1f}%; on the "
          f"{sum(unseen):,} test words unseen in training {100 * right[unseen].mean():.1f}% (last epoch)")
    if twin is not None:
        print(f"epoch time, best of {args.epochs}: minigrad {min(times['minigrad']):.1f} s, PyTorch "
              f"{min(times['PyTorch']):.1f} s, ratio {min(times['minigrad']) / min(times['PyTorch']):.2f}")


class TorchTwin:
    """The same BiLSTM recipe in PyTorch, fed the same kind of batches (converted from minigrad's)."""

    @classmethod
    def make(cls, vocab_size, seed):
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed: no twin, no ratio", flush=True)
            return None
        return cls(torch, vocab_size, seed)

    def __init__(self, torch, vocab_size, seed):
        nn = torch.nn
        torch.manual_seed(seed)
        torch.set_num_threads(1)  # minigrad runs on one OpenBLAS thread here: compare like with like
        self.torch = torch

        class Tagger(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(vocab_size, 100, padding_idx=0)
                nn.init.uniform_(self.embedding.weight, -0.25, 0.25)
                with torch.no_grad():
                    self.embedding.weight[0] = 0
                self.rnn = nn.LSTM(100, 128, batch_first=True, bidirectional=True)
                self.dropout = nn.Dropout(0.5)
                self.out = nn.Linear(256, len(UPOS_TAGS))

            def forward(self, ids):
                lengths = (ids != 0).sum(1).clamp(min=1)
                packed = nn.utils.rnn.pack_padded_sequence(self.dropout(self.embedding(ids)), lengths.cpu(),
                                                           batch_first=True, enforce_sorted=False)
                output, _ = self.rnn(packed)
                output, _ = nn.utils.rnn.pad_packed_sequence(output, batch_first=True, total_length=ids.shape[1])
                return self.out(self.dropout(output))

        self.model = Tagger()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)

    def _batch(self, ids, tags):
        return self.torch.from_numpy(ids.numpy()), self.torch.from_numpy(tags.numpy())

    def train_epoch(self, loader):
        F = self.torch.nn.functional
        self.model.train()
        for batch in loader:
            ids, tags = self._batch(*batch)
            logits = self.model(ids)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tags.reshape(-1), ignore_index=-100)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()

    def accuracy(self, loader):
        self.model.eval()
        right = total = 0
        with self.torch.no_grad():
            for batch in loader:
                ids, tags = self._batch(*batch)
                real = tags != -100
                right += int(((self.model(ids).argmax(2) == tags) & real).sum())
                total += int(real.sum())
        return right / total


if __name__ == "__main__":
    main()
