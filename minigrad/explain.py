"""Which words decided: per-token attributions for a text classifier, through the engine's own backward.

For a sentence of T tokens with word vectors e_1..e_T (the output of the
model's first ``nn.Embedding``) and the logit f of one class:

- **gradient x input**:  a_t = sum_d e_td * df/de_td.  It is f's first-order
  change when token t's vector is removed (set to zero), so it is exact for
  a model that is linear in the embeddings, and a local estimate otherwise.
- **integrated gradients** (Sundararajan et al., 2017), with the padding
  sentence as the baseline (every vector replaced by ``<pad>``'s, b):

      a_t = sum_d (e_td - b_d) * integral_0^1 df/de_td (b + alpha (e - b)) d alpha

  The integral is taken with the trapezoid rule over ``steps`` intervals,
  all points in one batch.  Completeness: sum_t a_t = f(e) - f(b), the
  difference between the sentence's logit and the padding sentence's, up to
  the quadrature error, which ``Attribution.completeness_error`` reports.

The embedding output is reached with a forward hook, so any model whose
first layer is an ``nn.Embedding`` works (TextCNN, recurrent classifiers).
No ``.grad`` is touched: the gradients come from ``minigrad.autograd.grad``.

    from minigrad.explain import integrated_gradients
    result = integrated_gradients(model, vocab.encode("not good at all"))
    result.scores, result.completeness_error
"""
import os
from dataclasses import dataclass

import numpy

from . import autograd, nn
from .creation import tensor


@dataclass
class Attribution:
    """One sentence's attributions: ``scores[t]`` for token t, towards class ``target``."""

    scores: numpy.ndarray  # (T,)
    target: int
    logit: float           # f(e): the target's logit for the sentence
    method: str            # "gradient_x_input" or "integrated_gradients"
    baseline_logit: float = None  # f(b), integrated gradients only
    steps: int = None

    @property
    def completeness_error(self):
        """|sum of scores - (f(e) - f(b))| relative to |f(e) - f(b)|: how far the quadrature is from exact."""
        if self.baseline_logit is None:
            raise ValueError("completeness_error: only integrated gradients promises completeness; "
                             "gradient x input sums to f(e) - f(b) only for a linear model")
        difference = self.logit - self.baseline_logit
        return abs(float(self.scores.sum()) - difference) / max(abs(difference), 1e-12)


def first_embedding(model):
    """The model's first ``nn.Embedding`` (in the order its modules were defined)."""
    for module in model.modules():
        if isinstance(module, nn.Embedding):
            return module
    raise ValueError(f"explain: {type(model).__name__} has no nn.Embedding, so there are no word vectors to "
                     "attribute to; use a model that embeds token ids (TextCNN, a recurrent classifier), "
                     "not a bag-of-words one")


def _run(model, ids, replace):
    """Logits of ``model`` on ``ids`` (N, T) with the embedding output replaced by ``replace(output)``.

    ``replace`` returns a leaf that requires grad; returns (logits, that leaf, the original vectors).
    """
    seen = {}

    def hook(module, args, output):
        seen["vectors"] = output.detach()
        seen["leaf"] = replace(seen["vectors"]).detach().requires_grad_()
        return seen["leaf"]

    training = model.training
    model.eval()  # no dropout: the attribution is of the model as it predicts
    try:
        with first_embedding(model).register_forward_hook(hook):
            logits = model(ids)
    finally:
        model.train(training)
    if logits.ndim != 2:
        raise ValueError(f"explain: the model returned shape {logits.shape}; expected logits (N, C)")
    return logits, seen["leaf"], seen["vectors"]


def _ids(ids, model):
    array = numpy.asarray(ids.tolist() if hasattr(ids, "tolist") else ids, dtype=numpy.int64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"explain: expected one sentence as a non-empty list of token ids, got shape {array.shape}")
    return tensor(array[None], device=first_embedding(model).weight.device)


def _target(logits, target):
    if target is None:
        return int(logits[-1].detach().numpy().argmax())
    if not 0 <= int(target) < logits.shape[1]:
        raise ValueError(f"explain: target class {target} does not exist; the model has {logits.shape[1]} classes")
    return int(target)


@autograd.enable_grad()  # also inside no_grad(): the attribution *is* a backward pass
def gradient_x_input(model, ids, target=None):
    """a_t = e_t . df/de_t for each token (``target``: the class, default the predicted one)."""
    logits, leaf, vectors = _run(model, _ids(ids, model), lambda e: e)
    target = _target(logits, target)
    (grad,) = autograd.grad(logits[0, target], [leaf])
    scores = (vectors * grad).sum(dim=-1)[0]
    return Attribution(scores.numpy(), target, logits[0, target].item(), "gradient_x_input")


@autograd.enable_grad()
def integrated_gradients(model, ids, target=None, steps=50, baseline_id=None):
    """Integrated gradients from the all-``<pad>`` sentence (``baseline_id``: default the padding index)."""
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"integrated_gradients: steps must be a positive int, got {steps!r}")
    embedding = first_embedding(model)
    if baseline_id is None:
        baseline_id = embedding.padding_idx if embedding.padding_idx is not None else 0
    if not 0 <= int(baseline_id) < embedding.num_embeddings:
        raise ValueError(f"integrated_gradients: baseline_id {baseline_id} is not a row of the embedding "
                         f"(0 to {embedding.num_embeddings - 1}); pass the <pad> id, vocab.pad_index")
    sentence = _ids(ids, model)
    batch = sentence.expand(steps + 1, sentence.shape[1])  # row k: alpha_k = k / steps
    baseline = embedding.weight.detach()[baseline_id]     # b, one vector (D,)
    alpha = tensor(numpy.linspace(0.0, 1.0, steps + 1), dtype=embedding.weight.dtype, device=embedding.weight.device)
    alpha = alpha.reshape(steps + 1, 1, 1)
    logits, leaf, vectors = _run(model, batch, lambda e: baseline + alpha * (e - baseline))
    target = _target(logits, target)
    (grad,) = autograd.grad(logits[:, target].sum(), [leaf])  # rows are independent: one backward for all
    weights = numpy.full(steps + 1, 1.0 / steps)
    weights[[0, -1]] /= 2  # the trapezoid rule
    weights = tensor(weights, dtype=grad.dtype, device=grad.device).reshape(steps + 1, 1, 1)
    mean_grad = (grad * weights).sum(dim=0)
    scores = ((vectors[0] - baseline) * mean_grad).sum(dim=-1)
    return Attribution(scores.numpy(), target, logits[-1, target].item(), "integrated_gradients",
                       logits[0, target].item(), steps)


# ------------------------------------------------------------ for people
def format_attribution(tokens, scores, color=False, width=20):
    """One line per token: the token, its score and a bar; green supports the class, red opposes it."""
    scores = numpy.asarray(scores, dtype=numpy.float64)
    biggest = float(numpy.abs(scores).max()) or 1.0
    pad = max(len(t) for t in tokens)
    lines = []
    for token, score in zip(tokens, scores):
        bar = "#" * max(1, round(width * abs(score) / biggest)) if score else ""
        text = f"  {token:<{pad}}  {score:+.3f}  {bar}"
        if color and score:
            text = f"\x1b[{32 if score > 0 else 31}m{text}\x1b[0m"
        lines.append(text)
    return "\n".join(lines)


def use_color(stream):
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")


def explain_sentences(model, vocab, sentences, label_names, stream, min_len=1, steps=50):
    """What ``python -m minigrad predict --explain`` prints: for each sentence, the prediction and its words."""
    color = use_color(stream)
    for sentence in sentences:
        tokens = vocab.tokenizer(sentence)
        if not tokens:
            raise ValueError(f"explain: {sentence!r} has no tokens to attribute; give some words")
        ids = vocab.encode(tokens) + [vocab.pad_index] * max(0, min_len - len(tokens))
        result = integrated_gradients(model, ids, steps=steps)
        shown = [t if t in vocab else f"{t} (unknown)" for t in tokens]
        print(f"{label_names[result.target]}\t{sentence}", file=stream)
        print(format_attribution(shown, result.scores[:len(tokens)], color), file=stream)
        print(f"  integrated gradients, {steps} steps from <pad>: scores sum to {result.scores.sum():+.4f}, "
              f"logit rose by {result.logit - result.baseline_logit:+.4f} (gap {result.completeness_error:.1e})",
              file=stream)
