"""Reference solution of exercise sgd_momentum: the task is minigrad/exercises/bank/sgd_momentum.py."""
import numpy as np


def sgd_momentum_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    """Return (new_param, new_velocity) after one SGD-with-momentum step."""
    g = grad + weight_decay * param
    velocity = momentum * velocity + g
    param = param - lr * velocity
    return param, velocity


def first_velocity(param):
    """The velocity before the first step: zeros shaped like the parameter."""
    return np.zeros_like(param)
