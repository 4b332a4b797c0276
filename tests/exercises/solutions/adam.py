"""Exercise adam: one step of Adam (Kingma and Ba, 2015; PyTorch's update rule).

Task
    Complete ``adam_step``, which takes NumPy arrays and returns the new
    parameter and the two new moment estimates.  ``t`` counts the steps
    from 1 (the first call has t = 1).  The rule ``optim.Adam`` applies:

        g     = grad + weight_decay * param        (L2 penalty, when weight_decay > 0)
        m     = beta1 * m + (1 - beta1) * g        (first moment: running mean of g)
        v     = beta2 * v + (1 - beta2) * g^2      (second moment: running mean of g^2)
        m_hat = m / (1 - beta1^t)                  (bias corrections)
        v_hat = v / (1 - beta2^t)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)

Derive
    Why the bias corrections?  m and v start at 0, so early on they are
    pulled towards 0: after one step m = (1 - beta1) g.  Dividing by
    (1 - beta1^t) undoes exactly that shrinkage (E[m_t] = (1 - beta1^t) E[g]
    when g is stationary).  Without it the first steps are far too small.
    Note that eps is added *outside* the square root.

Graded
    one step and several steps in a row against the published rule, with
    and without weight decay, and with an eps large enough to matter.
"""
import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    """Return (new_param, new_m, new_v) after Adam's step number t (t = 1, 2, ...)."""
    g = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return param, m, v


def first_moments(param):
    """m and v before the first step: zeros shaped like the parameter."""
    return np.zeros_like(param), np.zeros_like(param)
