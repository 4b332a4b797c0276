"""Part-of-speech tagging (UPOS, 17 tags) on the English Web Treebank: taggers against the most-frequent-tag baseline.

- data: ``ud_ewt/en_ewt-ud-{train,dev,test}.conllu`` (12,544 / 2,001 / 2,077
  sentences), read by ``read_conllu``; words lower-cased;
- baseline: each word's most frequent training tag, NOUN for unseen words
  (86.2% of the test words, per ``../shared/data/README.md``);
- ``CNNTagger``: random embeddings of 100, two convolutions of 128 filters
  over a window of 3 words (``padding="same"``: a word's tag sees 2 words on
  each side), dropout 0.25, a linear layer per word; Adam 3e-3, batch 32;
  the epoch is picked on the dev words, the test words scored at that epoch;
- printed: word accuracy, the test words never seen in training, per-tag F1
  and the pairs of tags confused most.

    python benchmarks/tagging.py                  # 8 epochs
    python benchmarks/tagging.py --epochs 2 --max-train 2000
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
from minigrad.models import CNNTagger
from minigrad.tagging import MostFrequentTag, TagCollate, TaggingDataset, build_vocab, evaluate, predict, train_epoch

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MINIGRAD_DATA", ROOT.parent / "shared" / "data")) / "ud_ewt"


def main():
    parser = argparse.ArgumentParser(description="UPOS tagging on EWT: CNNTagger against the most-frequent-tag baseline")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0, help="for the initial weights and the shuffling")
    parser.add_argument("--max-train", type=int, default=None, help="use only the first N training sentences")
    parser.add_argument("--window", type=int, default=3)
    parser.add_argument("--layers", type=int, default=2)
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
