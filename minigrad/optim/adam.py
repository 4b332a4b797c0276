"""``Adam``: adaptive moment estimation, with PyTorch's update rule (``AdamW`` is in adamw.py)."""
from .. import fusion
from .optimizer import Optimizer


# The update rule, for every element of a parameter, written as the docstring of ``Adam`` states it.
# Each function updates its arrays in place (``m *= beta1`` rather than ``m = beta1 * m``) so that
# ``fusion.fused`` can run it as one pass: one GPU kernel on CuPy, cache-sized blocks on NumPy.
def moments(g, m, v, beta1, beta2):
    """m_t = beta1 * m_{t-1} + (1 - beta1) * g_t;   v_t = beta2 * v_{t-1} + (1 - beta2) * g_t**2."""
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g


def descend(theta, m, v, lr, eps, bias1, bias2):
    """theta_t = theta_{t-1} - lr * m_hat / (sqrt(v_hat) + eps), with bias1 = 1 - beta1**t, bias2 = 1 - beta2**t."""
    m_hat = m / bias1
    v_hat = v / bias2
    theta -= lr * m_hat / (v_hat**0.5 + eps)  # x**0.5 is sqrt(x), spelled so that every array library fuses it


def adam_step(theta, g, m, v, lr, beta1, beta2, eps, bias1, bias2):
    """One step of Adam without AMSGrad: the moments, then the descent."""
    moments(g, m, v, beta1, beta2)
    descend(theta, m, v, lr, eps, bias1, bias2)


fused_moments, fused_descend, fused_adam_step = map(fusion.fused, (moments, descend, adam_step))


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), optionally with AMSGrad (PyTorch's algorithm).

    For every parameter theta with gradient g, at step t = 1, 2, ...::

        input: lr (gamma), betas (beta1, beta2), eps, weight_decay (lambda), amsgrad, maximize
        initialise: m_0 = 0, v_0 = 0, v_max_0 = 0

        g_t = -grad if maximize else grad
        if lambda != 0:  g_t = g_t + lambda * theta_{t-1}            (L2 penalty, not AdamW's)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t                     (first moment)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t**2                  (second moment)
        m_hat = m_t / (1 - beta1**t)                                  (bias corrections)
        if amsgrad:
            v_max_t = max(v_max_{t-1}, v_t)
            v_hat = v_max_t / (1 - beta2**t)
        else:
            v_hat = v_t / (1 - beta2**t)
        theta_t = theta_{t-1} - gamma * m_hat / (sqrt(v_hat) + eps)

    The state of each parameter is ``step`` (t), ``exp_avg`` (m),
    ``exp_avg_sq`` (v) and, with amsgrad, ``max_exp_avg_sq`` (v_max).

    The rule is coded line for line in ``moments`` and ``descend`` above this
    class, and run by ``fusion.fused``: one kernel per parameter on a GPU,
    cache-sized blocks on the CPU (the same numbers, in fewer trips to
    memory).  The simple version, one parameter and no options, is the
    exercise ``adam`` (python -m minigrad.exercises start DIR adam).

    Args:
        params: ``model.parameters()``, or a list of dicts with per-group options.
        lr: learning rate (default 1e-3).
        betas: decay rates of the two moving averages (default (0.9, 0.999)).
        eps: added to the denominator so it is never zero (default 1e-8).
        weight_decay: L2 penalty folded into the gradient (default 0); for
            decoupled weight decay use ``AdamW``.
        amsgrad: use the running maximum of v (Reddi et al., 2018).
        maximize: climb the objective instead of descending it.
        decoupled_weight_decay: shrink the weights directly, as AdamW does.
    """

    def __init__(
        self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
        decoupled_weight_decay=False,
    ):
        name = type(self).__name__
        if lr < 0:
            raise ValueError(f"{name}: invalid learning rate {lr}; it must be >= 0 (typically 1e-4 to 1e-3)")
        if eps < 0:
            raise ValueError(f"{name}: invalid eps {eps}; it must be >= 0 (typically 1e-8)")
        if len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(
                    f"{name}: invalid beta{i + 1} {beta}; each beta must be in [0, 1), e.g. betas=(0.9, 0.999)"
                )
        if weight_decay < 0:
            raise ValueError(f"{name}: invalid weight_decay {weight_decay}; it must be >= 0")
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _update(self, p, grad, state, group):
        xp = p.xp
        theta = p._data
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        g = -grad if group["maximize"] else grad
        if wd != 0:
            if group["decoupled_weight_decay"]:
                theta *= 1 - lr * wd
            else:
                g = g + wd * theta
        if "step" not in state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(theta)
            state["exp_avg_sq"] = xp.zeros_like(theta)
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = xp.zeros_like(theta)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        bias1, bias2 = 1 - beta1**t, 1 - beta2**t
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"]
            fused_moments(g, m, v, beta1, beta2)
            xp.maximum(v_max, v, out=v_max)  # v_max_t = max(v_max_{t-1}, v_t)
            fused_descend(theta, m, v_max, lr, eps, bias1, bias2)
        else:
            fused_adam_step(theta, g, m, v, lr, beta1, beta2, eps, bias1, bias2)
