"""``SGD``: stochastic gradient descent, with optional momentum and Nesterov momentum."""
from .optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (PyTorch's algorithm).

    For every parameter theta with gradient g, at step t = 1, 2, ...::

        input: lr (gamma), momentum (mu), dampening (tau), weight_decay (lambda), nesterov, maximize

        g_t = -grad if maximize else grad
        if lambda != 0:  g_t = g_t + lambda * theta_{t-1}            (L2 penalty)
        if mu != 0:
            b_t = g_t                          if t == 1
            b_t = mu * b_{t-1} + (1 - tau) * g_t   otherwise
            g_t = g_t + mu * b_t   if nesterov   else   b_t
        theta_t = theta_{t-1} - gamma * g_t

    ``b`` is kept in ``state[p]['momentum_buffer']``.  Nesterov momentum
    follows Sutskever et al. (2013), "On the importance of initialization
    and momentum in deep learning".

    Args:
        params: ``model.parameters()``, or a list of dicts with per-group options.
        lr: learning rate (default 1e-3).
        momentum: momentum factor mu (default 0: plain SGD).
        dampening: tau, how much of the new gradient is damped in the buffer (default 0).
        weight_decay: lambda, the L2 penalty added to the gradient (default 0).
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: climb the objective instead of descending it.

    The simple version, one momentum step (mu, and nothing else), is the
    exercise ``sgd_momentum`` (``python -m minigrad.exercises start DIR sgd_momentum``); this one
    adds dampening, Nesterov, weight decay, maximize and parameter groups,
    and keeps the buffer in ``state`` so that it is saved with a checkpoint.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
        if lr < 0:
            raise ValueError(f"SGD: invalid learning rate {lr}; it must be >= 0 (typical values 1e-3 to 1e-1)")
        if momentum < 0:
            raise ValueError(f"SGD: invalid momentum {momentum}; it must be >= 0 (typically 0.9)")
        if weight_decay < 0:
            raise ValueError(f"SGD: invalid weight_decay {weight_decay}; it must be >= 0")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                "SGD: Nesterov momentum requires a momentum > 0 and zero dampening, e.g. "
                "SGD(params, lr=0.1, momentum=0.9, nesterov=True)"
            )
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, p, grad, state, group):
        theta = p._data
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        momentum = group["momentum"]
        if momentum != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = g.copy()
            else:
                buf = state["momentum_buffer"]
                buf *= momentum
                buf += (1 - group["dampening"]) * g
            buf = state["momentum_buffer"]
            g = g + momentum * buf if group["nesterov"] else buf
        theta -= group["lr"] * g
