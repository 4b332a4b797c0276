"""Where does the SST-1 gap to the PyTorch reference come from?  One run of one protocol choice, either engine.

The PyTorch reference of ``../shared/data/README.md`` (a TextCNN trained on
the 157,401 phrases of ``sst_trees/train.txt``) scored 46.4% on the dev
sentences after one epoch; ``sst_phrases.py`` scored 2-4 points less.  This
script trains one epoch-or-more on fixed batches prepared here with NumPy
(a permutation from ``numpy.random.default_rng(seed)`` per epoch, batch 50),
so that the two engines, or two choices, can be compared on the same data:

- ``--engine``: ``minigrad`` (``models.TextCNN``) or ``torch`` (the twin of
  ``_sst.py``): on the same batches they should score alike;
- ``--tokens``: ``minigrad`` (``Vocab``'s tokenizer) or ``split`` (the
  lower-cased text split on spaces, as a PyTorch user would from the data
  README);
- ``--padding``: ``post`` (``PadCollate(min_len=5)``) or ``both`` (Kim's);
- ``--order``: ``random`` (a permutation per epoch), ``bucket`` (phrases of
  like length batched together, batches shuffled) or ``ascending`` (shortest
  phrases first, whole sentences last): see ``_sst.epoch_order``;
- ``--device cuda``: either engine on the GPU, where many seeds take minutes
  (minigrad about 12 s per epoch on an H200, against 150-330 s on the
  2-core CPU).

    python benchmarks/sst_bisect.py --engine torch --padding both
    python benchmarks/sst_bisect.py --engine minigrad --padding post
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np

import minigrad
from minigrad.datasets import read_sst_trees
from minigrad.models import TextCNN
from minigrad.text import Vocab

from _mr import check_device
from _sst import batches_of, epoch_order, load_torch, run_twin

DATA = Path(os.environ.get("MINIGRAD_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")) / "sst_trees"


def train_minigrad(epochs, dev_batches, test_batches, vocab_size, num_classes, seed, device="cpu"):
    """minigrad's TextCNN on the same batches as ``_sst.run_twin``, printing dev and test after each epoch."""
    import minigrad.nn.functional as F

    minigrad.manual_seed(seed)
    model = TextCNN(vocab_size, num_classes, embed_dim=128, num_filters=100, kernel_sizes=(3, 4, 5), dropout=0.5)
    model.to(device)  # before the optimizer, so that its state is made on the device
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)

    def accuracy(batches):
        model.eval()
        correct = seen = 0
        with minigrad.no_grad():
            for ids, labels in batches:
                correct += int((model(minigrad.tensor(ids, device=device)).argmax(1).numpy() == labels).sum())
                seen += len(labels)
        return correct / seen

    for epoch, batches in enumerate(epochs, start=1):
        model.train()
        start = time.perf_counter()
        for ids, labels in batches:
            loss = F.cross_entropy(model(minigrad.tensor(ids, device=device)), minigrad.tensor(labels, device=device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        print(f"  minigrad, epoch {epoch}: dev {100 * accuracy(dev_batches):.1f}%  "
              f"test {100 * accuracy(test_batches):.1f}%  ({seconds:.0f} s)", flush=True)


def main():
    parser = argparse.ArgumentParser(description="SST-1 phrases: one protocol choice, one engine, fixed batches")
    parser.add_argument("--engine", choices=["torch", "minigrad"], default="torch")
    parser.add_argument("--tokens", choices=["minigrad", "split"], default="minigrad")
    parser.add_argument("--padding", choices=["post", "both"], default="post")
    parser.add_argument("--order", choices=["random", "bucket", "ascending"], default="random",
                        help="the order of the training phrases in an epoch (_sst.epoch_order)")
    parser.add_argument("--task", choices=["sst1", "sst2"], default="sst1")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="cuda: either engine on the GPU")
    parser.add_argument("--max-train", type=int, default=None, help="use only the first N training phrases")
    args = parser.parse_args()
    torch = load_torch() if args.engine == "torch" else None
    if args.engine == "torch" and torch is None:
        raise SystemExit("sst_bisect.py --engine torch: PyTorch is not installed (pip install torch to compare)")
    check_device("sst_bisect.py", args.device, torch)  # before minutes of reading and batching
    fine = args.task == "sst1"
    train, dev, test = (read_sst_trees(DATA / name, phrases=name == "train.txt", fine_grained=fine, lowercase=True)
                        for name in ("train.txt", "dev.txt", "test.txt"))
    vocab = Vocab.build(train.texts) if args.tokens == "minigrad" else Vocab.build(train.texts, tokenizer=str.split)
    train_ids, dev_ids, test_ids = ([vocab.encode(t) for t in d.texts] for d in (train, dev, test))
    train_ids, train_labels = train_ids[:args.max_train], train.labels[:args.max_train]
    rng = np.random.default_rng(args.seed)
    lengths = [len(ids) for ids in train_ids]
    epochs = [batches_of(train_ids, train_labels, 50, epoch_order(lengths, 50, rng, args.order), padding=args.padding)
              for _ in range(args.epochs)]
    dev_batches = batches_of(dev_ids, dev.labels, 50, padding=args.padding)
    test_batches = batches_of(test_ids, test.labels, 50, padding=args.padding)
    print(f"{args.task}: {len(train_ids):,} phrases, vocabulary {len(vocab):,}, {vars(args)}", flush=True)
    if args.engine == "minigrad":
        train_minigrad(epochs, dev_batches, test_batches, len(vocab), len(train.label_names), args.seed, args.device)
        return
    torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS", "1")))
    run_twin(torch, epochs, dev_batches, test_batches, len(vocab), len(train.label_names), seed=args.seed,
             device=args.device)


if __name__ == "__main__":
    main()
