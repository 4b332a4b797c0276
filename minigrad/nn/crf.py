"""A linear-chain conditional random field: tags scored as a sequence, not one word at a time.

A tagger's emissions give each word's tags a score on their own; a CRF adds
a score for each pair of neighbouring tags, so "DET followed by NOUN" can be
rewarded and "DET followed by VERB" punished.  For a sentence x of length L
with tags y_1..y_L (the lessons' notation, time starting at 1)::

    s(x, y) = start[y_1] + sum_{t=1..L} E[t, y_t] + sum_{t=2..L} A[y_{t-1}, y_t] + end[y_L]

    P(y | x) = exp s(x, y) / Z(x),      Z(x) = sum over all K^L tag sequences y' of exp s(x, y')

Training maximises log P(y | x) = s(x, y) - log Z(x).  Z sums K^L terms,
but the *forward algorithm* gets it in L steps of K x K work::

    alpha_1(j) = start[j] + E[1, j]
    alpha_t(j) = logsumexp_i ( alpha_{t-1}(i) + A[i, j] ) + E[t, j]
    log Z      = logsumexp_j ( alpha_L(j) + end[j] )

alpha_t(j) is the log of the summed exp-scores of every path of length t
that ends in tag j.  Replace logsumexp by max and remember which i won (the
back-pointers), and the same loop finds the best path: Viterbi.

The gradient of log Z needs no code of its own: the loop is built from the
engine's operations, and backward through it is the *backward* half of the
forward-backward algorithm.  It equals the expected counts under the model,
d log Z / d A[i, j] = sum_t P(y_{t-1} = i, y_t = j | x) (tests/nn/test_crf.py
checks that against forward-backward written out).

The interface is the ``pytorch-crf`` package's (``torchcrf.CRF``), so code
carries over: ``CRF(num_tags, batch_first=False)``, ``forward(emissions,
tags, mask=None, reduction='sum')`` returning the *log-likelihood* (negate it
for a loss), and ``decode(emissions, mask=None)`` returning lists of tags.
"""
from .. import backend, creation, dtypes
from ..autograd import no_grad
from ..ops.elementwise import where
from ..tensor import Tensor
from . import init
from .module import Module, Parameter

REDUCTIONS = ("none", "sum", "mean", "token_mean")


class CRF(Module):
    """A linear-chain CRF over ``num_tags`` tags, with ``pytorch-crf``'s interface.

    Args:
        num_tags: K.
        batch_first: emissions (N, L, K) and tags/mask (N, L) if True;
            (L, N, K) and (L, N) if False (the default, as in pytorch-crf).
        dtype: of the parameters (float32 by default).

    Parameters, all drawn from U(-0.1, 0.1) as in pytorch-crf:
        start_transitions (K,): the score of starting with each tag;
        end_transitions (K,): the score of ending with each tag;
        transitions (K, K): ``transitions[i, j]`` scores tag i followed by tag j.

    A mask (bool or 0/1, shaped like the tags) marks the real words: each
    sequence is its unmasked prefix, and the first step must be unmasked in
    every sequence (as pytorch-crf requires).  Where minigrad differs: the
    tags under the mask (padding) are never read, so they may be anything,
    including ``ignore_index`` -100; pytorch-crf needs valid tag ids there.
    """

    def __init__(self, num_tags, batch_first=False, dtype=None):
        super().__init__()
        if not isinstance(num_tags, int) or num_tags <= 0:
            raise ValueError(f"CRF: num_tags must be a positive int, got {num_tags!r}")
        self.num_tags, self.batch_first = num_tags, batch_first
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        self.start_transitions = Parameter(backend.cpu.empty((num_tags,), dtype=np_dtype))
        self.end_transitions = Parameter(backend.cpu.empty((num_tags,), dtype=np_dtype))
        self.transitions = Parameter(backend.cpu.empty((num_tags, num_tags), dtype=np_dtype))
        self.reset_parameters()

    def reset_parameters(self):
        for p in (self.start_transitions, self.end_transitions, self.transitions):
            init.uniform_(p, -0.1, 0.1)

    def extra_repr(self):
        return f"num_tags={self.num_tags}" + (", batch_first=True" if self.batch_first else "")

    # ------------------------------------------------------------ the model
    def forward(self, emissions, tags, mask=None, reduction="sum"):
        """The log-likelihood log P(tags | emissions) = s(x, tags) - log Z(x), per sequence then reduced.

        ``reduction``: 'none' (N,), 'sum' (the default, as in pytorch-crf),
        'mean' over sequences, or 'token_mean' (the sum over unmasked tags).
        It is a log-likelihood, to maximise: the loss is its negative.
        """
        if reduction not in REDUCTIONS:
            raise ValueError(f"CRF: reduction must be one of {REDUCTIONS}, got {reduction!r}")
        emissions, tags, mask = self._validate(emissions, tags, mask)
        llh = self._score(emissions, tags, mask) - self._log_partition(emissions, mask)
        if reduction == "none":
            return llh
        if reduction == "sum":
            return llh.sum()
        if reduction == "mean":
            return llh.mean()
        return llh.sum() / mask.type(llh.dtype).sum()

    def _score(self, emissions, tags, mask):
        """s(x, y) of the given tags: start, emissions and transitions along the path, then end."""
        length, batch = tags.shape
        rows = range(batch)
        on = mask.type(emissions.dtype)
        safe = where(mask, tags, 0)  # padded tags may be -100: read tag 0 there, then multiply by 0
        score = self.start_transitions[safe[0]] + emissions[0][rows, safe[0]]
        for t in range(1, length):
            score = score + (self.transitions[safe[t - 1], safe[t]] + emissions[t][rows, safe[t]]) * on[t]
        last = mask.long().sum(dim=0) - 1  # the index of each sequence's last word
        return score + self.end_transitions[safe[last, rows]]

    def _log_partition(self, emissions, mask):
        """log Z(x) by the forward algorithm: alpha_t(j) = logsumexp_i(alpha_{t-1}(i) + A[i, j]) + E[t, j]."""
        alpha = self.start_transitions + emissions[0]  # (N, K): alpha_1
        for t in range(1, emissions.shape[0]):
            # scores[n, i, j] = alpha_{t-1}(i) + A[i, j] + E[t, j]; summing out i leaves (N, K)
            scores = alpha.unsqueeze(2) + self.transitions + emissions[t].unsqueeze(1)
            # a sequence that has ended keeps its alpha: its padding adds nothing
            alpha = where(mask[t].unsqueeze(1), scores.logsumexp(dim=1), alpha)
        return (alpha + self.end_transitions).logsumexp(dim=1)

    def decode(self, emissions, mask=None):
        """The most probable tag sequence of each sentence, by Viterbi: a list of N lists of tag ids.

        The same loop as the forward algorithm with max for logsumexp, keeping
        at each step which previous tag won (the back-pointers); the best path
        is then read backwards from the best last tag.  Each list has as many
        tags as its sequence has unmasked words.
        """
        emissions, _, mask = self._validate(emissions, None, mask)
        with no_grad():
            delta = self.start_transitions + emissions[0]  # (N, K): best score of a path ending in each tag
            back_pointers = []
            for t in range(1, emissions.shape[0]):
                scores = delta.unsqueeze(2) + self.transitions + emissions[t].unsqueeze(1)  # (N, K_prev, K)
                best, argbest = scores.max(dim=1)  # argbest[n, j]: the best tag before j
                delta = where(mask[t].unsqueeze(1), best, delta)
                back_pointers.append(argbest)
            last_tags = (delta + self.end_transitions).argmax(dim=1).tolist()
            lengths = mask.long().sum(dim=0).tolist()
            pointers = [p.tolist() for p in back_pointers]  # to the host once, then plain Python
        paths = []
        for n, (tag, length) in enumerate(zip(last_tags, lengths)):
            path = [tag]
            for t in range(length - 2, -1, -1):  # back_pointers[t] leads from step t + 1 to step t
                path.append(pointers[t][n][path[-1]])
            paths.append(path[::-1])
        return paths

    # ------------------------------------------------------------- checking
    def _validate(self, emissions, tags, mask):
        """Check shapes and the mask; return time-first (L, N, K) emissions, (L, N) tags and a bool mask."""
        if not isinstance(emissions, Tensor) or emissions.ndim != 3:
            shape = emissions.shape if isinstance(emissions, Tensor) else type(emissions).__name__
            raise ValueError(f"CRF: emissions must be a 3-D tensor ({'N, L' if self.batch_first else 'L, N'}, "
                             f"num_tags), got {shape}")
        if emissions.shape[2] != self.num_tags:
            raise ValueError(f"CRF: the last dimension of emissions must be num_tags={self.num_tags}, got "
                             f"{emissions.shape[2]}; does the layer before have one output per tag?")
        if emissions.shape[0] == 0 or emissions.shape[1] == 0:
            raise ValueError(f"CRF: emissions of shape {emissions.shape} hold no word")
        if tags is not None and (not isinstance(tags, Tensor) or tags.is_floating_point()):
            raise TypeError(f"CRF: tags must be an integer tensor of tag ids, got "
                            f"{tags.dtype if isinstance(tags, Tensor) else type(tags).__name__}; call .long() on them")
        if mask is not None and not isinstance(mask, Tensor):
            raise TypeError(f"CRF: mask must be a bool (or 0/1) tensor, got {type(mask).__name__}")
        words = tuple(emissions.shape[:2])
        for name, value in (("tags", tags), ("mask", mask)):
            if value is not None and tuple(value.shape) != words:
                raise ValueError(f"CRF: {name} must have the shape of emissions without its last dimension, "
                                 f"{words}, got {tuple(value.shape)}")
        if mask is None:
            mask = creation.ones(*words, dtype=dtypes.bool, device=emissions.device)
        elif mask.dtype != dtypes.bool:
            mask = mask != 0
        if self.batch_first:
            emissions = emissions.transpose(0, 1)
            tags = tags.transpose(0, 1) if tags is not None else None
            mask = mask.transpose(0, 1)
        if not bool(mask[0].all()):
            raise ValueError("CRF: the mask of the first timestep must be on in every sequence (each sequence "
                             "holds at least one word, and padding goes at the end)")
        return emissions, tags, mask
