"""Reference solution of exercise adam: the task is minigrad/exercises/bank/adam.py."""
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
