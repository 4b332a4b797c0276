"""One training epoch of Kim's TextCNN on MR: minigrad against PyTorch on the CPU.

Model: random embeddings of 128, 100 filters each of widths 3, 4 and 5, ReLU,
max over time, dropout 0.5, a linear layer; Adam at 1e-3, batch 50.  Both
frameworks get the same batches in the same process; PyTorch is timed only
when it is installed.

    python benchmarks/textcnn.py               # one epoch over all 10,662 sentences
    python benchmarks/textcnn.py --batches 40  # a shorter run
    python benchmarks/textcnn.py --memory      # peak resident memory of a pass over 3,000 sentences

Prints sentences per second, the ratio minigrad / PyTorch of the epoch time
(lower is better for minigrad; 1.0 is parity), and peak memory of minigrad's
arrays (tracemalloc sees NumPy's allocations).
"""
import resource
import subprocess
import sys

from _mr import compare, index_batches, read_mr, torch_textcnn, train_minigrad, train_torch, vocabulary

import minigrad
from minigrad.models import TextCNN

try:
    import torch
except ImportError:
    torch = None

EMBED, FILTERS, WIDTHS, DROPOUT, BATCH = 128, 100, (3, 4, 5), 0.5, 50


def minigrad_model(vocab_size):
    minigrad.manual_seed(0)
    return TextCNN(vocab_size, 2, embed_dim=EMBED, num_filters=FILTERS, kernel_sizes=WIDTHS, dropout=DROPOUT)


def minigrad_epoch(batches, vocab_size, trace_memory=False):
    return train_minigrad(minigrad_model(vocab_size), batches, trace_memory)


def torch_model(vocab_size):
    torch.manual_seed(0)
    return torch_textcnn(torch, vocab_size, 2, EMBED, FILTERS, WIDTHS, DROPOUT)


def torch_epoch(batches, vocab_size):
    return train_torch(torch_model(vocab_size), batches, torch)


# ------------------------------------------------------------------ memory
MEMORY_SENTENCES = 3000


def _status_mib(field):
    """A memory figure of this process from /proc/self/status (Linux): VmRSS now, VmHWM the peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 2**10  # kB


def memory_child(framework):
    """In a fresh process: the peak resident memory of one training pass above the built model, in MiB.

    Reading the data peaks higher than training does, so the peak is reset
    (``echo 5 > /proc/self/clear_refs``) once the model is built; the peak of
    the training pass is then what the kernel reports as VmHWM (and what
    ``resource.getrusage`` would report as ru_maxrss in a process that peaked there).
    """
    sentences, labels = read_mr()
    vocab = vocabulary(sentences)
    batches = index_batches(sentences, labels, vocab, BATCH)[: MEMORY_SENTENCES // BATCH]
    model = minigrad_model(len(vocab) + 2) if framework == "minigrad" else torch_model(len(vocab) + 2)
    del sentences, labels, vocab
    built = _status_mib("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    (train_minigrad if framework == "minigrad" else lambda m, b: train_torch(m, b, torch))(model, batches)
    peak = _status_mib("VmHWM")
    print(f"{peak - built:.0f} {built:.0f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f}")


def memory():
    """Each framework in its own process, so that neither's allocations count against the other."""
    print(f"Peak resident memory of a TextCNN training pass over {MEMORY_SENTENCES:,} MR sentences (batch {BATCH}), "
          "above the process with its built model:")
    for framework in ("minigrad", "PyTorch") if torch else ("minigrad",):
        out = subprocess.run([sys.executable, __file__, "--memory-child", framework.lower()], check=True,
                             capture_output=True, text=True).stdout.split()
        above, built, lifetime = map(float, out)
        print(f"  {framework:8}: {above:4.0f} MiB above the built model ({built:.0f} MiB resident before training; "
              f"the process's lifetime peak, ru_maxrss, {lifetime:.0f} MiB)")


def main():
    if "--memory-child" in sys.argv:
        return memory_child(sys.argv[sys.argv.index("--memory-child") + 1])
    if "--memory" in sys.argv:
        return memory()
    compare("TextCNN epoch on MR: minigrad vs PyTorch", lambda s, l, v: index_batches(s, l, v, BATCH), minigrad_epoch, torch_epoch, torch)


if __name__ == "__main__":
    main()
