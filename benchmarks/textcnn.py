"""One training epoch of Kim's TextCNN on MR: minigrad against PyTorch on the CPU.

Model: random embeddings of 128, 100 filters each of widths 3, 4 and 5, ReLU,
max over time, dropout 0.5, a linear layer; Adam at 1e-3, batch 50.  Both
frameworks get the same batches in the same process; PyTorch is timed only
when it is installed.

    python benchmarks/textcnn.py               # one epoch over all 10,662 sentences
    python benchmarks/textcnn.py --batches 40  # a shorter run

Prints sentences per second, the ratio minigrad / PyTorch of the epoch time
(lower is better for minigrad; 1.0 is parity), and peak memory of minigrad's
arrays (tracemalloc sees NumPy's allocations).
"""
from _mr import compare, index_batches, train_minigrad, train_torch

import minigrad
from minigrad.models import TextCNN

try:
    import torch
except ImportError:
    torch = None

EMBED, FILTERS, WIDTHS, DROPOUT, BATCH = 128, 100, (3, 4, 5), 0.5, 50


def minigrad_epoch(batches, vocab_size, trace_memory=False):
    minigrad.manual_seed(0)
    model = TextCNN(vocab_size, 2, embed_dim=EMBED, num_filters=FILTERS, kernel_sizes=WIDTHS, dropout=DROPOUT)
    return train_minigrad(model, batches, trace_memory)


def torch_epoch(batches, vocab_size):
    torch.manual_seed(0)

    class TorchTextCNN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(vocab_size, EMBED, padding_idx=0)
            self.convs = torch.nn.ModuleList(torch.nn.Conv1d(EMBED, FILTERS, k) for k in WIDTHS)
            self.dropout = torch.nn.Dropout(DROPOUT)
            self.fc = torch.nn.Linear(FILTERS * len(WIDTHS), 2)

        def forward(self, ids):
            x = self.embedding(ids).transpose(1, 2)
            pooled = [torch.relu(conv(x)).max(dim=2).values for conv in self.convs]
            return self.fc(self.dropout(torch.cat(pooled, dim=1)))

    return train_torch(TorchTextCNN(), batches, torch)


def main():
    compare("TextCNN epoch on MR: minigrad vs PyTorch", lambda s, l, v: index_batches(s, l, v, BATCH), minigrad_epoch, torch_epoch, torch)


if __name__ == "__main__":
    main()
