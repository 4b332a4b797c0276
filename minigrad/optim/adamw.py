"""``AdamW``: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""
from .adam import Adam


class AdamW(Adam):
    r"""Adam whose weight decay shrinks the weights directly instead of joining the gradient.

    With Adam's L2 penalty the decay term is divided by sqrt(v_hat) like the
    rest of the gradient, so weights with large gradients are barely
    regularised.  AdamW decouples the two (PyTorch's algorithm)::

        input: lr (gamma), betas (beta1, beta2), eps, weight_decay (lambda), amsgrad, maximize
        initialise: m_0 = 0, v_0 = 0, v_max_0 = 0

        g_t = -grad if maximize else grad
        theta_{t-1} = theta_{t-1} - gamma * lambda * theta_{t-1}      (decoupled decay, first)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t**2
        m_hat = m_t / (1 - beta1**t)
        if amsgrad:
            v_max_t = max(v_max_{t-1}, v_t)
            v_hat = v_max_t / (1 - beta2**t)
        else:
            v_hat = v_t / (1 - beta2**t)
        theta_t = theta_{t-1} - gamma * m_hat / (sqrt(v_hat) + eps)

    Arguments as ``Adam``, except that ``weight_decay`` defaults to 1e-2.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                 maximize=False):
        super().__init__(
            params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
            decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        # A state saved from Adam must not turn this AdamW back into L2-penalised Adam.
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
