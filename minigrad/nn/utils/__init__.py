"""Helpers for training: gradient clipping, and parameters as one flat vector.

Clipping guards against an exploding gradient (one bad batch that would
throw the weights far away).  Call it between ``loss.backward()`` and
``optimizer.step()``::

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""
import math

from ...ops import shape as _shape
from ...tensor import Tensor


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so that their joint norm is at most ``max_norm``; return that norm.

    total = ||(||g_1||_p, ..., ||g_n||_p)||_p, the p-norm of all gradients
    joined into one vector (for p = inf: the largest |g| anywhere).  Every
    gradient is multiplied by min(1, max_norm / (total + 1e-6)), which keeps
    its direction and shrinks its length.  Returns ``total`` (before
    clipping) as a Tensor, handy to log.
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor(0.0)
    xp = grads[0].xp
    # ord=p on a 1-D array is the vector p-norm (ord=inf the max |g|), for every p.
    norms = xp.stack([xp.linalg.norm(g._data.reshape(-1), ord=norm_type) for g in grads])
    total = xp.asarray(xp.linalg.norm(norms, ord=norm_type), dtype=grads[0]._data.dtype)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {float(total)}, so they "
            "cannot be clipped. Find where the NaN/Inf comes from (minigrad.detect_anomaly()), or pass "
            "error_if_nonfinite=False to clip anyway."
        )
    scale = min(max_norm / (float(total) + 1e-6), 1.0)
    for g in grads:
        g.mul_(scale)
    return Tensor._from_array(total)


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient entry into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        g.copy_(g.clamp(-clip_value, clip_value))


def parameters_to_vector(parameters):
    """All parameters flattened and joined into one 1-D tensor (differentiable)."""
    return _shape.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D ``vec`` into the parameters (the inverse of parameters_to_vector)."""
    if vec.ndim != 1:
        raise ValueError(f"vector_to_parameters: vec must be 1-D, got shape {vec.shape}")
    parameters = list(parameters)
    needed = sum(p.numel() for p in parameters)
    if vec.numel() != needed:
        raise ValueError(
            f"vector_to_parameters: vec has {vec.numel()} values but the parameters hold {needed}; "
            "was it made by parameters_to_vector from the same model?"
        )
    start = 0
    for p in parameters:
        n = p.numel()
        p.data = vec._data[start : start + n].reshape(p.shape).astype(p._data.dtype)
        start += n

from . import rnn  # noqa: E402  nn.utils.rnn.pad_sequence, ..., as in PyTorch
