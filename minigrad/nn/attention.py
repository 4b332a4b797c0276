"""Attention: ``scaled_dot_product_attention``, ``MultiheadAttention``, and attention pooling.

Each query looks at every key, scores how well they match, and takes the
values' average weighted by the softmax of those scores:

    scores = Q K^T * scale          Q (..., L, E), K (..., S, E), scale = 1/sqrt(E)
    A = softmax(scores + mask)      over the S keys: each row sums to 1
    out = A V                       V (..., S, E_v), out (..., L, E_v)

Built from the engine's operations (matmul, softmax, where), so its backward
is theirs:  dL/dV = A^T g,  dL/dA = g V^T,  dL/dscores = A * (dL/dA - rowsum(A * dL/dA)),
dL/dQ = dL/dscores K * scale,  dL/dK = dL/dscores^T Q * scale.

``AttentionPooling`` (Yang et al. 2016) turns a sequence of RNN outputs into
one vector for a classifier: a learned query u_w scores every step,

    u_t = tanh(h_t W^T + b),    alpha = softmax_t(u_t . u_w)  (padded steps get 0),    s = sum_t alpha_t h_t

and alpha says which words the classifier read.
"""
import math

from .. import backend, dtypes
from ..errors import ShapeError
from ..ops import activation as _act
from ..ops.elementwise import where
from ..tensor import Tensor
from . import init
from .dropout import dropout as _dropout
from .linear import Linear, linear
from .module import Module, Parameter


def _attend(query, key, value, allowed=None, additive=None, dropout_p=0.0, scale=None, training=True):
    """(output, weights) for boolean ``allowed`` (True = take part) and a float ``additive`` mask, both optional.

    A query whose every key is masked gets weights 0 (and output 0), not
    NaN: its scores are replaced by zeros before the softmax, so that no NaN
    reaches the gradient either, and its weights multiplied by 0 after.
    """
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * scale
    if additive is not None:
        scores = scores + additive
    if allowed is not None:
        anywhere = allowed.any(dim=-1, keepdim=True)
        scores = where(allowed | ~anywhere, scores, -math.inf)
    weights = _act.softmax(scores, dim=-1)
    if allowed is not None:
        weights = where(anywhere, weights, 0.0)
    if dropout_p > 0 and training:
        weights = _dropout(weights, dropout_p)
    return weights @ value, weights


def _causal(xp, queries, keys):
    """(L, S) bool: query i may look at keys 0..i (the top-left triangle, as PyTorch's is_causal)."""
    return Tensor._from_array(xp.tril(xp.ones((queries, keys), dtype=bool)))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(Q K^T * scale + mask) V, with PyTorch's arguments and mask semantics.

    Args:
        query (..., L, E), key (..., S, E), value (..., S, E_v): leading dimensions broadcast.
        attn_mask: broadcastable to (..., L, S); bool (True = this key takes part) or float (added to the scores).
        dropout_p: dropout on the attention weights (always applied when > 0, as in PyTorch: pass
            ``dropout_p=p if self.training else 0.0``).
        is_causal: query i sees keys 0..i only; not together with attn_mask.
        scale: defaults to 1/sqrt(E).

    Returns (..., L, E_v).  A query whose keys are all masked gives zeros, as PyTorch's CPU kernel does.
    """
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise ShapeError(f"scaled_dot_product_attention: query, key and value need shapes (..., L, E), (..., S, E), "
                         f"(..., S, E_v); got {query.shape}, {key.shape}, {value.shape}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ShapeError(f"scaled_dot_product_attention: query {query.shape} and key {key.shape} must share E (the "
                         f"last dimension), key and value {value.shape} must share S (the second-to-last)")
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: pass either attn_mask or is_causal=True, not both "
                         "(combine them into one boolean mask)")
    allowed = additive = None
    if is_causal:
        allowed = _causal(query.xp, query.shape[-2], key.shape[-2])
    elif attn_mask is not None:
        if attn_mask.dtype == dtypes.bool:
            allowed = attn_mask
        else:
            additive = attn_mask
    return _attend(query, key, value, allowed, additive, dropout_p, scale)[0]


class MultiheadAttention(Module):
    """Attention with h heads, each on its own E/h-dimensional projections, then joined and projected back.

        head_i = attention(q W_q,i^T, k W_k,i^T, v W_v,i^T)       out = [head_1, ..., head_h] W_o^T + b_o

    Args (PyTorch's): embed_dim E, num_heads h (E divisible by h), dropout on
    the attention weights (training only), bias, batch_first.  Keys and values
    of another size (kdim, vdim), add_bias_kv and add_zero_attn are not supported.

    Parameters, named as PyTorch's so its state dict loads: in_proj_weight
    (3E, E) = [W_q; W_k; W_v] (xavier uniform), in_proj_bias (3E,) (zeros),
    out_proj (a Linear E -> E, bias zeros).

    ``forward(query, key, value, key_padding_mask=None, need_weights=True,
    attn_mask=None, average_attn_weights=True, is_causal=False)``; query
    (L, N, E) (or (N, L, E) with batch_first, or (L, E) unbatched), key and
    value (S, N, E).  Masks follow PyTorch's convention for this module, the
    opposite of ``scaled_dot_product_attention``'s: a True in the boolean
    ``key_padding_mask`` (N, S) or ``attn_mask`` (L, S) or (N*h, L, S) means
    "do not attend"; a float mask is added to the scores.  Returns
    (output like query, weights (N, L, S) averaged over heads, or (N, h, L, S),
    or None).  Where PyTorch gives NaN for a query whose keys are all masked,
    minigrad gives weights 0.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, dtype=None):
        super().__init__()
        if add_bias_kv or add_zero_attn or kdim not in (None, embed_dim) or vdim not in (None, embed_dim):
            raise NotImplementedError("MultiheadAttention: add_bias_kv, add_zero_attn and kdim/vdim other than "
                                      "embed_dim are not supported in minigrad; project keys and values to embed_dim")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim={embed_dim} must be divisible by num_heads={num_heads}")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        self.in_proj_weight = Parameter(backend.cpu.empty((3 * embed_dim, embed_dim), dtype=np_dtype))
        if bias:
            self.in_proj_bias = Parameter(backend.cpu.zeros((3 * embed_dim,), dtype=np_dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            init.zeros_(self.out_proj.bias)

    def _heads(self, x, part):
        """Project (N, L, E) with rows part*E..(part+1)*E of in_proj, then split into heads: (N, h, L, E/h)."""
        e = self.embed_dim
        bias = None if self.in_proj_bias is None else self.in_proj_bias[part * e : (part + 1) * e]
        y = linear(x, self.in_proj_weight[part * e : (part + 1) * e], bias)
        return y.reshape(x.shape[0], x.shape[1], self.num_heads, self.head_dim).transpose(1, 2)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
        elif query.ndim != 3:
            raise ShapeError(f"MultiheadAttention: expected query of shape (L, N, E), (N, L, E) with batch_first, or "
                             f"(L, E); got {query.shape}")
        if unbatched or not self.batch_first:  # work batch-first: (N, L, E)
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        n, length, e = query.shape
        if e != self.embed_dim or key.shape[-1] != e or value.shape[-1] != e:
            raise ShapeError(f"MultiheadAttention: query, key and value must have embed_dim={self.embed_dim} "
                             f"features, got {query.shape}, {key.shape}, {value.shape}")
        blocked, additive = self._masks(key_padding_mask, attn_mask, is_causal, n, length, key.shape[1], query)
        allowed = None if blocked is None else ~blocked
        out, weights = _attend(self._heads(query, 0), self._heads(key, 1), self._heads(value, 2), allowed, additive,
                               self.dropout, None, self.training)
        out = self.out_proj(out.transpose(1, 2).reshape(n, length, e))
        if not self.batch_first or unbatched:
            out = out.transpose(0, 1)
        if unbatched:
            out = out.squeeze(1)
        if not need_weights:
            return out, None
        weights = weights.mean(dim=1) if average_attn_weights else weights
        return out, (weights.squeeze(0) if unbatched else weights)

    def _masks(self, key_padding_mask, attn_mask, is_causal, n, length, keys, query):
        """(blocked bool (N, h, L, S) or None, additive float or None) from PyTorch's two masks."""
        blocked = additive = None
        if is_causal and attn_mask is None:
            blocked = ~_causal(query.xp, length, keys)
        for mask, shape in ((attn_mask, None), (key_padding_mask, (n, keys))):
            if mask is None:
                continue
            if shape is not None:
                if tuple(mask.shape) != shape:
                    raise ShapeError(f"MultiheadAttention: key_padding_mask must have shape (N, S) = {shape}, got "
                                     f"{mask.shape}")
                mask = mask.reshape(n, 1, 1, keys)
            elif mask.ndim == 3:
                mask = mask.reshape(n, self.num_heads, length, keys)
            if mask.dtype == dtypes.bool:
                blocked = mask if blocked is None else (blocked | mask)
            else:
                additive = mask if additive is None else additive + mask
        return blocked, additive

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"


class AttentionPooling(Module):
    """Yang et al. (2016): one vector per sequence, a weighted average of its steps with learned weights.

        u_t = tanh(h_t W^T + b)       alpha_t = softmax over real steps of u_t . u_w       s = sum_t alpha_t h_t

    Args: input_size D (e.g. 2H for a bidirectional RNN), attention_size A
    (default D).  Parameters: ``proj`` (a Linear D -> A) and the context
    vector ``context`` (A,) ~ U(-1/sqrt(A), 1/sqrt(A)).

    ``forward(x, mask=None)``: x (N, T, D), mask (N, T) bool, True at real
    steps -> (s (N, D), alpha (N, T)), alpha 0 at padded steps.
    """

    def __init__(self, input_size, attention_size=None, dtype=None):
        super().__init__()
        attention_size = attention_size or input_size
        self.proj = Linear(input_size, attention_size, dtype=dtype)
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        self.context = Parameter(backend.cpu.empty((attention_size,), dtype=np_dtype))
        bound = 1 / math.sqrt(attention_size)
        init.uniform_(self.context, -bound, bound)

    def forward(self, x, mask=None):
        if x.ndim != 3:
            raise ShapeError(f"AttentionPooling: expected input of shape (N, T, D), got {x.shape}")
        if mask is not None and tuple(mask.shape) != tuple(x.shape[:2]):
            raise ShapeError(f"AttentionPooling: mask must have shape (N, T) = {tuple(x.shape[:2])}, got {mask.shape}")
        u = _act.tanh(self.proj(x))  # (N, T, A)
        keys = u.unsqueeze(1)  # (N, 1, T, A): the steps are the keys, u_w the one query
        query = self.context.reshape(1, 1, 1, -1)
        allowed = None if mask is None else mask.unsqueeze(1).unsqueeze(1)
        pooled, alpha = _attend(query, keys, x.unsqueeze(1), allowed, scale=1.0)
        return pooled.reshape(x.shape[0], x.shape[2]), alpha.reshape(x.shape[0], x.shape[1])

