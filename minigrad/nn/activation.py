"""Activation functions as modules, for use inside ``Sequential``.

Each module only stores its options and calls the function of the same name
in ``minigrad/ops/activation.py``, where the formula and its derivative live.
"""
from ..ops import activation as A
from .module import Module


class ReLU(Module):
    """y = max(x, 0)"""

    def forward(self, input):
        return A.relu(input)


class LeakyReLU(Module):
    """y = x if x > 0 else negative_slope * x"""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input):
        return A.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Tanh(Module):
    """y = tanh(x)"""

    def forward(self, input):
        return A.tanh(input)


class Sigmoid(Module):
    """y = 1 / (1 + e^-x)"""

    def forward(self, input):
        return A.sigmoid(input)


class GELU(Module):
    """y = x * Phi(x), Phi the standard normal CDF (approximate='tanh' uses the tanh formula)"""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input):
        return A.gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class ELU(Module):
    """y = x if x > 0 else alpha * (e^x - 1)"""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, input):
        return A.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """y = (1/beta) log(1 + e^(beta x)), taken as y = x where beta x > threshold"""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return A.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """y_i = e^(x_i) / sum_j e^(x_j) along ``dim`` (required: which dimension holds the classes)"""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return A.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """y_i = x_i - log sum_j e^(x_j) along ``dim`` (pair it with NLLLoss)"""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return A.log_softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"
