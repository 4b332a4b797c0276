"""SGD against its published update rule, computed by hand in float64."""
import numpy as np
import pytest

import minigrad
from minigrad.nn.module import Module, Parameter
from minigrad.optim import SGD

W0 = np.array([[0.5, -1.25, 2.0], [3.0, -0.75, 0.1]])
GRADS = [
    np.array([[0.3, -0.2, 1.0], [-0.5, 0.25, 0.05]]),
    np.array([[-0.1, 0.4, 0.6], [0.2, -0.3, 0.7]]),
    np.array([[0.25, 0.1, -0.9], [0.05, 0.6, -0.2]]),
    np.array([[0.0, -0.5, 0.3], [0.4, 0.1, 0.2]]),
]


def run_sgd(**options):
    """The library's parameter after one step per gradient in GRADS."""
    p = Parameter(W0.copy())
    opt = SGD([p], **options)
    for g in GRADS:
        p.grad = minigrad.tensor(g)
        opt.step()
    return p.detach().numpy()


def by_hand(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    """PyTorch's documented SGD algorithm, written out with plain NumPy float64 arithmetic."""
    theta = W0.copy()
    buf = None
    for t, grad in enumerate(GRADS, start=1):
        g = -grad if maximize else grad.copy()
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            buf = g.copy() if t == 1 else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        theta = theta - lr * g
    return theta


@pytest.mark.parametrize(
    "options",
    [
        dict(lr=0.1),
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.05, momentum=0.8, dampening=0.3),
        dict(lr=0.1, momentum=0.9, nesterov=True),
        dict(lr=0.1, weight_decay=0.01),
        dict(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.2),
        dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05),
        dict(lr=0.1, momentum=0.5, maximize=True, weight_decay=0.1),
    ],
    ids=["plain", "momentum", "dampening", "nesterov", "weight_decay", "all", "nesterov_wd", "maximize"],
)
def test_sgd_matches_the_update_rule_by_hand(options):
    np.testing.assert_allclose(run_sgd(**options), by_hand(**options), rtol=0, atol=1e-12)


def test_plain_sgd_first_step_is_theta_minus_lr_grad():
    p = Parameter(np.array([1.0, -2.0]))
    p.grad = minigrad.tensor(np.array([0.5, 0.25]))
    SGD([p], lr=0.1).step()
    assert p.detach().tolist() == [1.0 - 0.1 * 0.5, -2.0 - 0.1 * 0.25]


class Line(Module):
    def __init__(self):
        super().__init__()
        self.w = Parameter(np.array([0.5, -1.0]))
        self.b = Parameter(np.array(0.25))

    def forward(self, x):
        return (x * self.w).sum(dim=1) + self.b


def test_sgd_trains_a_module_through_backward():
    x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, 0.5]])
    y = np.array([1.0, -0.5, 2.0])
    model = Line()
    opt = SGD(model.parameters(), lr=0.05, momentum=0.9)
    w, b = model.w.detach().numpy().copy(), 0.25
    buf_w = buf_b = None
    for t in range(3):
        opt.zero_grad()
        loss = ((model(minigrad.tensor(x)) - minigrad.tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
        residual = x @ w + b - y
        gw, gb = 2 * x.T @ residual / len(y), 2 * residual.mean()
        buf_w = gw if t == 0 else 0.9 * buf_w + gw
        buf_b = gb if t == 0 else 0.9 * buf_b + gb
        w, b = w - 0.05 * buf_w, b - 0.05 * buf_b
    np.testing.assert_allclose(model.w.detach().numpy(), w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.b.item(), b, rtol=0, atol=1e-12)


def test_parameters_without_grad_are_skipped():
    used, unused = Parameter(np.array([1.0])), Parameter(np.array([2.0]))
    opt = SGD([used, unused], lr=0.1, momentum=0.9)
    used.grad = minigrad.tensor(np.array([1.0]))
    opt.step()
    assert unused.item() == 2.0
    assert unused not in opt.state
    assert used.item() == pytest.approx(0.9)


def test_float32_parameters_stay_float32_and_in_place():
    p = Parameter(np.array([1.0, 2.0], dtype=np.float32))
    array = p._data
    p.grad = minigrad.tensor(np.array([1.0, 1.0], dtype=np.float32))
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    opt.step()
    assert p.dtype == minigrad.float32
    assert opt.state[p]["momentum_buffer"].dtype == np.float32
    assert p._data is array  # other views of the weights (p.data) see the update


def test_param_groups_use_their_own_lr():
    a, b = Parameter(np.array([1.0])), Parameter(np.array([1.0]))
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad = minigrad.tensor(np.array([1.0]))
    b.grad = minigrad.tensor(np.array([1.0]))
    opt.step()
    assert a.item() == pytest.approx(0.9, abs=1e-15)
    assert b.item() == pytest.approx(0.5, abs=1e-15)


@pytest.mark.parametrize(
    "options, words",
    [
        (dict(lr=-0.1), "learning rate"),
        (dict(lr=0.1, momentum=-0.5), "momentum"),
        (dict(lr=0.1, weight_decay=-1e-4), "weight_decay"),
        (dict(lr=0.1, nesterov=True), "Nesterov"),
        (dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
    ],
)
def test_invalid_hyperparameters_are_refused(options, words):
    with pytest.raises(ValueError, match=words):
        SGD([Parameter(np.zeros(2))], **options)
