"""MR sentences as fixed batches of word indices, shared by the benchmarks.

The benchmarks time the *model*, so both frameworks get exactly the same
batches, prepared here once with plain NumPy.
"""
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def data_folder():
    """The shared data folder: $MINIGRAD_DATA, or ../shared/data beside the repository."""
    return Path(os.environ.get("MINIGRAD_DATA", ROOT.parent / "shared" / "data"))


def check_device(script, device, torch=None):
    """Stop with one line where ``--device cuda`` asks for a GPU that minigrad (or, given ``torch``, PyTorch) can't use."""
    if device != "cuda":
        return
    if torch is not None:
        if not torch.cuda.is_available():
            raise SystemExit(f"{script} --device cuda: PyTorch sees no GPU here (torch.cuda.is_available() is "
                             "False); leave --device out to use the CPU")
        return
    import minigrad

    if not minigrad.cuda.is_available():
        raise SystemExit(f"{script} --device cuda: no GPU is usable here: {minigrad.cuda.unavailable_reason()} "
                         "Leave --device out to use the CPU")


def read_mr():
    """(sentences as token lists, labels) of MR; split on "\\n" only, since "\\x85" is a line break to splitlines."""
    folder = data_folder() / "mr"
    if not folder.is_dir():
        raise SystemExit(f"MR not found in {folder}; set MINIGRAD_DATA to the folder that holds mr/")
    sentences, labels = [], []
    for name, label in (("rt-polarity.neg", 0), ("rt-polarity.pos", 1)):
        text = (folder / name).read_bytes().decode("cp1252")
        for line in text.split("\n"):
            if line.strip():
                sentences.append(line.split())
                labels.append(label)
    return sentences, np.array(labels, dtype=np.int64)


def vocabulary(sentences, max_size=None):
    """word -> index, with 0 for padding and 1 for unknown words."""
    counts = Counter(word for sentence in sentences for word in sentence)
    words = [w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))][:max_size]
    return {w: i + 2 for i, w in enumerate(words)}


def index_batches(sentences, labels, vocab, batch_size, seed=0, min_len=5):
    """Shuffled batches of (indices (B, L), labels (B,)), each padded to its longest sentence."""
    order = np.random.default_rng(seed).permutation(len(sentences))
    batches = []
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        length = max(min_len, max(len(sentences[i]) for i in rows))
        ids = np.zeros((len(rows), length), dtype=np.int64)
        for r, i in enumerate(rows):
            encoded = [vocab.get(w, 1) for w in sentences[i]]
            ids[r, : len(encoded)] = encoded
        batches.append((ids, labels[rows]))
    return batches


def bag_batches(sentences, labels, vocab, batch_size, seed=0):
    """Shuffled batches of (binary bag-of-words (B, V) float32, labels (B,))."""
    batches = []
    order = np.random.default_rng(seed).permutation(len(sentences))
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        bags = np.zeros((len(rows), len(vocab) + 2), dtype=np.float32)
        for r, i in enumerate(rows):
            bags[r, [vocab.get(w, 1) for w in sentences[i]]] = 1.0
        batches.append((bags, labels[rows]))
    return batches


def train_minigrad(model, batches, trace_memory=False):
    """One epoch of Adam on ``batches``: (seconds, CPU seconds, peak bytes of arrays or None, last loss).

    Tracing memory slows NumPy down, so a timed run and a traced run are separate calls.
    """
    import tracemalloc

    import minigrad
    import minigrad.nn.functional as F

    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    if trace_memory:
        tracemalloc.start()
    start, cpu_start = time.perf_counter(), time.process_time()
    for inputs, labels in batches:
        loss = F.cross_entropy(model(minigrad.tensor(inputs)), minigrad.tensor(labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    peak = None
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, cpu_seconds, peak, loss.item()


def train_torch(model, batches, torch):
    """The same epoch in PyTorch: (seconds, CPU seconds, last loss)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    start, cpu_start = time.perf_counter(), time.process_time()
    for inputs, labels in batches:
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(inputs)), torch.from_numpy(labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start, time.process_time() - cpu_start, loss.item()


def compare(description, make_batches, minigrad_epoch, torch_epoch, torch_module):
    """The command line shared by the epoch benchmarks: minigrad and PyTorch on the same batches, interleaved.

    Each repetition times minigrad, then PyTorch, in this process; the best
    time of each side is kept, so a burst of load from elsewhere on the
    machine inflates neither side's figure (unless it lasts the whole run).
    """
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--batches", type=int, default=None, help="time only the first N batches")
    parser.add_argument("--repeats", type=int, default=3, help="time each side N times, interleaved; keep the best")
    parser.add_argument("--threads", type=int, default=None,
                        help="PyTorch's threads (torch.set_num_threads); give NumPy the same with OPENBLAS_NUM_THREADS")
    args = parser.parse_args()
    if args.threads is not None and torch_module is not None:
        torch_module.set_num_threads(args.threads)
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    batches = make_batches(sentences, labels, vocab)[: args.batches]
    count = sum(len(b[1]) for b in batches)
    torch = torch_module
    print(f"MR: {count} sentences in {len(batches)} batches of {len(batches[0][1])}, vocabulary {len(vocab) + 2}")
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"NumPy {np.__version__} (OPENBLAS_NUM_THREADS={blas})" + (f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "")
          + f"; best of {args.repeats} interleaved runs; load average {os.getloadavg()[0]:.1f} at the start")
    times, t_times = [], []
    for _ in range(args.repeats):
        seconds, cpu_seconds, _, loss = minigrad_epoch(batches, len(vocab) + 2)
        times.append((seconds, cpu_seconds))
        if torch is not None:
            t_seconds, t_cpu_seconds, t_loss = torch_epoch(batches, len(vocab) + 2)
            t_times.append((t_seconds, t_cpu_seconds))
    _, _, peak, _ = minigrad_epoch(batches[:20], len(vocab) + 2, trace_memory=True)
    seconds, cpu_seconds = min(times)
    print(f"minigrad: {seconds:6.2f} s  {count / seconds:7.0f} sentences/s  "
          f"peak arrays {peak / 2**20:.0f} MiB (first 20 batches)  last loss {loss:.3f}  "
          f"(all runs: {', '.join(f'{t:.2f}' for t, _ in times)} s; CPU time {cpu_seconds:.2f} s)")
    if torch is None:
        print("PyTorch is not installed: no ratio (pip install torch==2.13.0 to compare)")
        return
    t_seconds, t_cpu_seconds = min(t_times)
    print(f"PyTorch:  {t_seconds:6.2f} s  {count / t_seconds:7.0f} sentences/s  last loss {t_loss:.3f}  "
          f"(all runs: {', '.join(f'{t:.2f}' for t, _ in t_times)} s; CPU time {t_cpu_seconds:.2f} s)")
    print(f"ratio minigrad / PyTorch (epoch time, best against best): {seconds / t_seconds:.2f}x")
    # On a busy machine the wall clock counts the time other processes held the cores; with one
    # thread on each side, the CPU time each side used is the steadier comparison.
    print(f"ratio minigrad / PyTorch (CPU time of those runs): {cpu_seconds / t_cpu_seconds:.2f}x")


def torch_rnn_classifier(torch, vocab_size, cell="lstm", embed_dim=128, hidden_size=128, dropout=0.5,
                         reading="masked"):
    """PyTorch's twin of ``models.RNNClassifier(..., bidirectional=True, pooling="max")``.

    The same layers under the same names (so minigrad's state dict loads into
    it): word vectors from U[-0.25, 0.25] with the ``<pad>`` row (0) zero, a
    one-layer bidirectional LSTM or GRU over the packed sentences, max over
    the real words only (padding is -inf, so it never wins), dropout, linear.

    ``reading`` picks another reading of the same recipe, for
    ``mr_readings.py`` (only "masked" is minigrad's):

    - "zero": padded outputs are 0 and take part in the max, so a sentence
      shorter than its batch's longest has every pooled feature >= 0;
    - "unpacked": no packing: the RNN runs over the padded batch, and the max
      takes every step, the padding's included (what a short script does);
    - "embdrop": minigrad's, plus dropout on the word vectors too.
    """
    if reading not in ("masked", "zero", "unpacked", "embdrop"):
        raise ValueError(f"torch_rnn_classifier: unknown reading {reading!r}; use masked, zero, unpacked or embdrop")
    rnn_utils = torch.nn.utils.rnn

    class TorchRNNClassifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            with torch.no_grad():
                self.embedding.weight.uniform_(-0.25, 0.25)
                self.embedding.weight[0] = 0.0
            layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
            self.rnn = layer(embed_dim, hidden_size, batch_first=True, bidirectional=True)
            self.dropout = torch.nn.Dropout(dropout)
            self.fc = torch.nn.Linear(2 * hidden_size, 2)

        def forward(self, ids):
            words = self.embedding(ids)
            if reading == "embdrop":
                words = self.dropout(words)
            if reading == "unpacked":
                output, _ = self.rnn(words)
                return self.fc(self.dropout(output.amax(dim=1)))
            lengths = (ids != 0).sum(dim=1).clamp(min=1).cpu()  # pack_padded_sequence wants them on the CPU
            packed = rnn_utils.pack_padded_sequence(words, lengths, batch_first=True, enforce_sorted=False)
            output, _ = self.rnn(packed)
            pad = 0.0 if reading == "zero" else float("-inf")
            padded, _ = rnn_utils.pad_packed_sequence(output, batch_first=True, padding_value=pad)
            return self.fc(self.dropout(padded.amax(dim=1)))

    return TorchRNNClassifier()


def torch_textcnn(torch, vocab_size, num_classes, embed_dim=128, num_filters=100, kernel_sizes=(3, 4, 5), dropout=0.5):
    """minigrad.models.TextCNN written in PyTorch as a PyTorch user would: the same layers and initialisation.

    Embeddings from U[-0.25, 0.25] with the ``<pad>`` row (id 0) zero and
    never updated (``padding_idx=0``); the convolutions and the classifier
    keep PyTorch's default initialisation, as minigrad's do.
    """
    nn = torch.nn

    class TextCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            nn.init.uniform_(self.embedding.weight, -0.25, 0.25)
            with torch.no_grad():
                self.embedding.weight[0] = 0.0
            self.convs = nn.ModuleList([nn.Conv1d(embed_dim, num_filters, k) for k in kernel_sizes])
            self.dropout = nn.Dropout(dropout)
            self.fc = nn.Linear(num_filters * len(kernel_sizes), num_classes)

        def forward(self, ids):
            x = self.embedding(ids).transpose(1, 2)
            pooled = [torch.relu(conv(x)).amax(dim=2) for conv in self.convs]
            return self.fc(self.dropout(torch.cat(pooled, dim=1)))

    return TextCNN()
