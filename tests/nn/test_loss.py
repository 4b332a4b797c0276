"""Losses (nn/loss.py): values by hand and against a naive reference, PyTorch's numbers, gradients, stability, errors.

Reference numbers marked "PyTorch 2.13" were computed with torch 2.13 (CPU,
float64) on the inputs written next to them; the suite itself never imports torch.
"""
import math
import pathlib
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import gradcheck
from minigrad.errors import ShapeError

REDUCTIONS = ["mean", "sum", "none"]


def t64(values, grad=False):
    return minigrad.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


def labels(values):
    return minigrad.tensor(np.asarray(values, dtype=np.int64))


def value(t):
    return t.detach().numpy()


# ------------------------------------------------------------ a naive reference
def naive_cross_entropy(x, target, weight=None, ignore_index=-100, reduction="mean", eps=0.0):
    """PyTorch's definition, one entry at a time in plain Python: x (N, C, *), target (N, *)."""
    x = np.moveaxis(np.asarray(x, dtype=np.float64), 1, -1)
    rows, targets = x.reshape(-1, x.shape[-1]), np.asarray(target).reshape(-1)
    num_classes = rows.shape[1]
    w = np.ones(num_classes) if weight is None else np.asarray(weight, dtype=np.float64)
    losses, weights_used = [], 0.0
    for row, y in zip(rows, targets):
        if y == ignore_index:
            losses.append(0.0)
            continue
        log_p = [v - math.log(sum(math.exp(u) for u in row)) for v in row]
        loss = (1 - eps) * w[y] * -log_p[y] + eps / num_classes * sum(-w[c] * log_p[c] for c in range(num_classes))
        losses.append(loss)
        weights_used += w[y]
    if reduction == "none":
        return np.array(losses).reshape(np.asarray(target).shape)
    return sum(losses) if reduction == "sum" else sum(losses) / weights_used


# ------------------------------------------------------------- values by hand
def test_cross_entropy_is_minus_log_of_the_target_probability():
    # softmax(log p) = p, so the loss is -log 0.9 = 0.10536 and -log 0.2 = 1.6094.
    logits = minigrad.tensor(np.log([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1]]))
    per_row = F.cross_entropy(logits, labels([0, 0]), reduction="none")
    np.testing.assert_allclose(value(per_row), [0.105360516, 1.609437912], rtol=1e-8)
    mean = F.cross_entropy(logits, labels([0, 0])).item()
    np.testing.assert_allclose(mean, (0.105360516 + 1.609437912) / 2, rtol=1e-8)


def test_cross_entropy_of_equal_logits_is_log_c():
    assert F.cross_entropy(minigrad.zeros(4, 10, dtype=minigrad.float64), labels([3, 1, 0, 9])).item() == pytest.approx(
        math.log(10), rel=1e-12
    )


def test_nll_loss_picks_minus_the_target_entry():
    log_p = t64([[-0.1, -2.0, -3.0], [-1.5, -0.5, -4.0]])
    assert F.nll_loss(log_p, labels([0, 1])).item() == pytest.approx((0.1 + 0.5) / 2)
    assert F.nll_loss(log_p, labels([0, 1]), reduction="sum").item() == pytest.approx(0.6)
    # weights [2, 1, 1]: (2 * 0.1 + 1 * 0.5) / (2 + 1)
    assert F.nll_loss(log_p, labels([0, 1]), t64([2, 1, 1])).item() == pytest.approx(0.7 / 3)


def test_binary_cross_entropy_by_hand():
    p, y = t64([0.9, 0.2, 0.5]), t64([1.0, 0.0, 1.0])
    expected = [-math.log(0.9), -math.log(0.8), math.log(2)]
    np.testing.assert_allclose(value(F.binary_cross_entropy(p, y, reduction="none")), expected, rtol=1e-12)
    assert F.binary_cross_entropy(p, y).item() == pytest.approx(sum(expected) / 3, rel=1e-12)


def test_binary_cross_entropy_clamps_the_log_at_minus_100():
    # log(0) = -inf would make the loss infinite; PyTorch clamps it to -100.
    losses = F.binary_cross_entropy(t64([0.0, 1.0]), t64([1.0, 0.0]), reduction="none")
    np.testing.assert_array_equal(value(losses), [100.0, 100.0])


def test_bce_with_logits_by_hand():
    x, y = t64([0.0, 2.0, -1.0]), t64([1.0, 0.0, 1.0])
    sig = 1 / (1 + np.exp(-np.array([0.0, 2.0, -1.0])))
    expected = [math.log(2), -math.log(1 - sig[1]), -math.log(sig[2])]
    np.testing.assert_allclose(value(F.binary_cross_entropy_with_logits(x, y, reduction="none")), expected, rtol=1e-12)
    # pos_weight 3 triples the positive terms only.
    pw = F.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=t64([3.0]))
    np.testing.assert_allclose(value(pw), [3 * expected[0], expected[1], 3 * expected[2]], rtol=1e-12)


def test_bce_with_logits_equals_bce_of_the_sigmoid(rng):
    x, y = rng.normal(size=(4, 3)), (rng.uniform(size=(4, 3)) > 0.5).astype(float)
    w = rng.uniform(0.5, 2, size=3)
    a = F.binary_cross_entropy_with_logits(t64(x), t64(y), t64(w))
    b = F.binary_cross_entropy(t64(x).sigmoid(), t64(y), t64(w))
    assert a.item() == pytest.approx(b.item(), rel=1e-10)


def test_regression_losses_by_hand():
    x, y = t64([1.0, -2.0, 0.25]), t64([0.0, 0.0, 0.0])
    assert F.mse_loss(x, y).item() == pytest.approx((1 + 4 + 0.0625) / 3)
    assert F.mse_loss(x, y, reduction="sum").item() == pytest.approx(5.0625)
    assert F.l1_loss(x, y).item() == pytest.approx(3.25 / 3)
    # smooth L1 (beta 1): |d| - 0.5 where |d| >= 1, else 0.5 d^2
    np.testing.assert_allclose(value(F.smooth_l1_loss(x, y, reduction="none")), [0.5, 1.5, 0.03125])
    np.testing.assert_allclose(value(F.smooth_l1_loss(x, y, reduction="none", beta=0.5)), [0.75, 1.75, 0.0625])
    # Huber (delta 2): 0.5 d^2 where |d| < 2, else 2 (|d| - 1)
    np.testing.assert_allclose(value(F.huber_loss(x, y, reduction="none", delta=2.0)), [0.5, 2.0, 0.03125])


# ------------------------------------------------- against the naive reference
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("eps", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5)], ids=str)
def test_cross_entropy_matches_the_naive_definition(rng, shape, weighted, eps, reduction):
    x = rng.normal(size=shape) * 3
    target = rng.integers(0, 4, size=shape[:1] + shape[2:])
    target.reshape(-1)[::3] = -100
    weight = rng.uniform(0.2, 2.0, size=4) if weighted else None
    got = F.cross_entropy(
        t64(x), labels(target), None if weight is None else t64(weight), reduction=reduction, label_smoothing=eps
    )
    expected = naive_cross_entropy(x, target, weight, reduction=reduction, eps=eps)
    np.testing.assert_allclose(value(got), expected, rtol=1e-10, atol=1e-12)


def test_cross_entropy_matches_pytorch_with_weight_smoothing_and_ignore_index_together():
    x = t64([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [3.0, 0.0, -2.0], [0.0, 0.0, 0.0]], grad=True)
    y, w = labels([2, -100, 0, 1]), t64([0.5, 1.0, 2.0])
    # PyTorch 2.13: F.cross_entropy(x, y, weight=w, label_smoothing=0.1, reduction=...)
    assert F.cross_entropy(x, y, w, label_smoothing=0.1).item() == pytest.approx(0.694093016774674, rel=1e-12)
    assert F.cross_entropy(x, y, w, label_smoothing=0.1, reduction="sum").item() == pytest.approx(2.429325558711358)
    np.testing.assert_allclose(
        value(F.cross_entropy(x, y, w, label_smoothing=0.1, reduction="none")),
        [0.847911431851729, 0.0, 0.464491633380383, 1.116922493479245],
        rtol=1e-12,
    )
    F.cross_entropy(x, y, w, label_smoothing=0.1).backward()
    expected_grad = [
        [0.044540551974256, 0.124494162720484, -0.169034714694741],
        [0.0, 0.0, 0.0],
        [0.019909381746659, -0.001894303991245, -0.018015077755414],
        [0.092063492063492, -0.169841269841270, 0.077777777777778],
    ]
    np.testing.assert_allclose(x.grad.numpy(), expected_grad, rtol=1e-10, atol=1e-14)


def test_bce_with_logits_matches_pytorch_with_pos_weight_and_weight():
    x, y = t64([[2.0, -1.0, 0.5], [-3.0, 0.0, 4.0]]), t64([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    pos_weight = t64([3.0, 1.0, 0.5])
    # PyTorch 2.13: F.binary_cross_entropy_with_logits(x, y, [weight=...], pos_weight=pos_weight, ...)
    assert F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight).item() == pytest.approx(0.280315618138298)
    summed = F.binary_cross_entropy_with_logits(x, y, t64([1.0, 2.0, 0.5]), reduction="sum", pos_weight=pos_weight)
    assert summed.item() == pytest.approx(2.565245848883475, rel=1e-12)


def test_cross_entropy_ignore_index_may_be_a_real_class(rng):
    x, y = rng.normal(size=(5, 3)), np.array([0, 1, 2, 1, 0])
    got = F.cross_entropy(t64(x), labels(y), ignore_index=1)
    keep = y != 1
    assert got.item() == pytest.approx(naive_cross_entropy(x[keep], y[keep]), rel=1e-12)


def test_cross_entropy_of_one_unbatched_example(rng):
    x = rng.normal(size=4)
    got = F.cross_entropy(t64(x), labels(2), reduction="none")
    assert got.shape == ()
    assert got.item() == pytest.approx(naive_cross_entropy(x[None], [2], reduction="sum"), rel=1e-12)


def test_cross_entropy_is_nll_of_log_softmax(rng):
    x, y = t64(rng.normal(size=(3, 5, 2))), labels(rng.integers(0, 5, size=(3, 2)))
    w = t64(rng.uniform(0.5, 2, size=5))
    np.testing.assert_allclose(value(F.cross_entropy(x, y, w)), value(F.nll_loss(F.log_softmax(x, dim=1), y, w)))


def test_probability_targets_match_the_formula(rng):
    x, q = rng.normal(size=(4, 3)), rng.dirichlet(np.ones(3), size=4)
    w = rng.uniform(0.5, 2, size=3)
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    smoothed = 0.8 * q + 0.2 / 3
    per_row = -(w * smoothed * log_p).sum(axis=1)
    got = F.cross_entropy(t64(x), t64(q), t64(w), label_smoothing=0.2, reduction="none")
    np.testing.assert_allclose(value(got), per_row, rtol=1e-12)
    # Probability targets average over the entries, not over the weights.
    mean = F.cross_entropy(t64(x), t64(q), t64(w), label_smoothing=0.2)
    assert mean.item() == pytest.approx(per_row.mean(), rel=1e-12)


def test_one_hot_probabilities_give_the_class_index_loss(rng):
    x, y = t64(rng.normal(size=(5, 4))), labels(rng.integers(0, 4, size=5))
    for eps in (0.0, 0.3):
        soft = F.cross_entropy(x, F.one_hot(y, 4).double(), label_smoothing=eps)
        assert soft.item() == pytest.approx(F.cross_entropy(x, y, label_smoothing=eps).item(), rel=1e-12)


def test_all_targets_ignored_gives_nan_mean_and_zero_gradient_like_pytorch():
    x = t64([[1.0, 2.0], [0.0, 3.0]], grad=True)
    loss = F.cross_entropy(x, labels([-100, -100]), t64([1.0, 2.0]), label_smoothing=0.1)
    assert math.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)


def test_ignored_entries_get_no_gradient(rng):
    x = t64(rng.normal(size=(4, 3)), grad=True)
    F.cross_entropy(x, labels([0, -100, 2, -100]), label_smoothing=0.2).backward()
    np.testing.assert_array_equal(x.grad.numpy()[[1, 3]], 0.0)
    assert np.abs(x.grad.numpy()[[0, 2]]).min() > 0


def test_gradient_is_softmax_minus_one_hot_over_n(rng):
    x, y = rng.normal(size=(4, 3)), np.array([2, 0, 1, 1])
    logits = t64(x, grad=True)
    F.cross_entropy(logits, labels(y)).backward()
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(logits.grad.numpy(), (p - np.eye(3)[y]) / 4, atol=1e-14)


def test_cross_entropy_is_one_graph_node_on_the_logits(rng):
    logits = t64(rng.normal(size=(3, 4)), grad=True)
    loss = F.cross_entropy(logits, labels([0, 1, 2]), label_smoothing=0.1)
    assert type(loss.grad_fn).__name__ == "CrossEntropyFunction"
    assert loss.grad_fn.inputs[0] is logits


def test_float32_stays_float32(rng):
    x = minigrad.tensor(rng.normal(size=(3, 4)).astype(np.float32), requires_grad=True)
    loss = F.cross_entropy(x, labels([0, 1, 3]), t64([1.0, 2.0, 1.0, 1.0]), label_smoothing=0.1)
    # backward itself must stay in float32: float64 arithmetic would be slower and cast back by the engine.
    for weight in (None, t64([1.0, 2.0, 1.0, 1.0])):
        node = F.cross_entropy(x, labels([0, 1, 3]), weight, label_smoothing=0.1).grad_fn
        assert node.backward(node, np.ones((), dtype=np.float32))[0].dtype == np.float32
    loss.backward()
    assert loss.dtype == minigrad.float32 and x.grad.dtype == minigrad.float32
    y = minigrad.tensor((rng.uniform(size=(3, 4)) > 0.5).astype(np.float32))
    assert F.binary_cross_entropy_with_logits(x.detach(), y, pos_weight=t64([2.0] * 4)).dtype == minigrad.float32


# ------------------------------------------------------------- gradient checks
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("eps", [0.0, 0.15])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 2), (4,)], ids=str)
def test_cross_entropy_gradcheck_with_weights_smoothing_and_ignore_index(leaf, rng, shape, weighted, eps, reduction):
    x = leaf(*shape)
    target = rng.integers(0, 4, size=shape[:1] + shape[2:] if len(shape) > 1 else ())
    if target.ndim:
        target.reshape(-1)[1::3] = -100
    weight = t64(rng.uniform(0.2, 2.0, size=4)) if weighted else None
    y = labels(target)
    assert gradcheck(
        lambda x: F.cross_entropy(x, y, weight, reduction=reduction, label_smoothing=eps), (x,)
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4), (3,)], ids=str)
def test_cross_entropy_probability_targets_gradcheck(leaf, rng, shape, reduction):
    x = leaf(*shape)
    q = minigrad.tensor(rng.uniform(0.1, 1.0, size=shape), requires_grad=True)
    w = t64(rng.uniform(0.5, 2, size=3))
    assert gradcheck(lambda x, q: F.cross_entropy(x, q, w, reduction=reduction, label_smoothing=0.1), (x, q))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4), (3,)], ids=str)
def test_nll_loss_gradcheck(leaf, rng, shape, reduction):
    x = leaf(*shape)
    target = rng.integers(0, 3, size=shape[:1] + shape[2:] if len(shape) > 1 else ())
    if target.ndim:
        target.reshape(-1)[::4] = -100
    y, w = labels(target), t64(rng.uniform(0.2, 2, size=3))
    assert gradcheck(lambda x: F.nll_loss(x, y, w, reduction=reduction), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_gradcheck(rng, reduction):
    p = minigrad.tensor(rng.uniform(0.05, 0.95, size=(4, 3)), requires_grad=True)
    y = minigrad.tensor(rng.uniform(0.0, 1.0, size=(4, 3)), requires_grad=True)
    w = t64(rng.uniform(0.5, 2, size=3))
    assert gradcheck(lambda p, y: F.binary_cross_entropy(p, y, w, reduction=reduction), (p, y))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", ["plain", "pos_weight", "weight+pos_weight"])
def test_bce_with_logits_gradcheck_multi_label(leaf, rng, options, reduction):
    x = leaf(4, 3, low=-4, high=4)
    y = minigrad.tensor((rng.uniform(size=(4, 3)) > 0.5).astype(np.float64), requires_grad=True)
    w = t64(rng.uniform(0.5, 2, size=(4, 1))) if "weight+" in options else None
    pos_weight = t64([3.0, 0.5, 1.5]) if "pos_weight" in options else None
    assert gradcheck(
        lambda x, y: F.binary_cross_entropy_with_logits(x, y, w, reduction=reduction, pos_weight=pos_weight), (x, y)
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "loss",
    [
        F.mse_loss,
        F.l1_loss,
        F.smooth_l1_loss,
        lambda a, b, reduction: F.huber_loss(a, b, reduction=reduction, delta=0.7),
    ],
    ids=["mse", "l1", "smooth_l1", "huber"],
)
def test_regression_losses_gradcheck(leaf, loss, reduction):
    # Values spread over [-3, 3] reach both the quadratic and the linear parts; none lands on a kink.
    a, b = leaf(3, 4, low=-3, high=3), leaf(3, 4, low=-3, high=3)
    assert gradcheck(lambda a, b: loss(a, b, reduction=reduction), (a, b))


# ------------------------------------------------------------------ stability
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_log_softmax_and_cross_entropy_survive_logits_of_1e4(dtype):
    values = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    for fn in (lambda x: F.softmax(x, dim=1), lambda x: F.log_softmax(x, dim=1)):
        x = minigrad.tensor(values, requires_grad=True)
        out = fn(x)
        (out * minigrad.tensor(np.arange(9, dtype=dtype).reshape(3, 3))).sum().backward()
        assert np.isfinite(value(out)).all() and np.isfinite(x.grad.numpy()).all()
    for eps, weight in ((0.0, None), (0.1, t64([1.0, 2.0, 0.5]))):
        x = minigrad.tensor(values, requires_grad=True)
        loss = F.cross_entropy(x, labels([1, 2, 2]), weight, label_smoothing=eps)
        loss.backward()
        assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()
    # PyTorch 2.13 (float32): cross_entropy([[1e4, -1e4, 0], [0, 1e4, -1e4]], [1, 1], label_smoothing=0.1)
    x = minigrad.tensor(np.array([[1e4, -1e4, 0.0], [0.0, 1e4, -1e4]], dtype=dtype), requires_grad=True)
    loss = F.cross_entropy(x, labels([1, 1]), label_smoothing=0.1)
    loss.backward()
    assert loss.item() == pytest.approx(10000.0, rel=1e-6)
    expected = [
        [0.483333319425583, -0.466666668653488, -0.016666667535901],
        [-0.016666667535901, 0.033333331346512, -0.016666667535901],
    ]
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_survives_logits_of_100(dtype):
    x = minigrad.tensor(np.array([[100.0, -100.0], [-100.0, 100.0]], dtype=dtype), requires_grad=True)
    y = minigrad.tensor(np.array([[0.0, 1.0], [0.0, 1.0]], dtype=dtype))
    losses = F.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=t64([2.0, 3.0]))
    losses.sum().backward()
    # A confident mistake costs about |x| (times pos_weight for a positive); a confident hit about 0.
    np.testing.assert_allclose(value(losses), [[100.0, 300.0], [0.0, 0.0]], atol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), [[1.0, -3.0], [0.0, 0.0]], atol=1e-6)


# ----------------------------------------------------------------- one_hot
def test_one_hot():
    out = F.one_hot(labels([[0, 2], [1, 1]]), 4)
    assert out.shape == (2, 2, 4) and out.dtype == minigrad.int64
    np.testing.assert_array_equal(out.numpy()[0], [[1, 0, 0, 0], [0, 0, 1, 0]])
    assert F.one_hot(labels([0, 3])).shape == (2, 4)  # -1: largest label + 1
    assert F.one_hot(labels(np.zeros(0, dtype=np.int64)), 3).shape == (0, 3)


@pytest.mark.parametrize(
    "args, error, words",
    [
        ((labels([0, -1]), 3), ValueError, ["non-negative", "-1"]),
        ((labels([0, 5]), 3), ValueError, ["5", "num_classes=3"]),
        ((t64([0.0, 1.0]), 3), TypeError, ["int64", ".long()"]),
        ((labels(np.zeros(0, dtype=np.int64)),), ValueError, ["empty", "num_classes"]),
    ],
    ids=["negative", "too-large", "float", "empty"],
)
def test_one_hot_errors(args, error, words):
    with pytest.raises(error) as info:
        F.one_hot(*args)
    for word in words:
        assert word in str(info.value)


# ------------------------------------------------------------------ errors
def test_target_out_of_range_names_the_value_c_and_ignore_index():
    with pytest.raises(IndexError) as info:
        F.cross_entropy(t64(np.zeros((2, 3))), labels([1, 3]))
    for word in ("3", "C=3", "0 to 2", "ignore_index=-100"):
        assert word in str(info.value)
    with pytest.raises(IndexError, match="-1"):
        F.nll_loss(t64(np.zeros((2, 3))), labels([-1, 0]))


def test_mismatched_batch_size():
    with pytest.raises(ShapeError, match=r"batch size 4.*batch size 3"):
        F.cross_entropy(t64(np.zeros((4, 3))), labels([0, 1, 2]))
    with pytest.raises(ShapeError, match=r"\(2, 5\)"):
        F.cross_entropy(t64(np.zeros((2, 3, 5))), labels(np.zeros((2, 4), dtype=np.int64)))


def test_float_target_for_nll_loss_is_refused():
    with pytest.raises(TypeError, match=r"int64.*target\.long\(\)"):
        F.nll_loss(t64(np.zeros((2, 3))), t64([0.0, 1.0]))


@pytest.mark.parametrize(
    "call",
    [
        lambda: F.cross_entropy(t64(np.zeros((2, 3))), labels([0, 1]), reduction="average"),
        lambda: F.nll_loss(t64(np.zeros((2, 3))), labels([0, 1]), reduction="elementwise_mean"),
        lambda: F.binary_cross_entropy_with_logits(t64([0.0]), t64([1.0]), reduction="avg"),
        lambda: F.mse_loss(t64([0.0]), t64([1.0]), reduction="Mean"),
        lambda: nn.CrossEntropyLoss(reduction="meen"),
    ],
    ids=["cross_entropy", "nll_loss", "bce_with_logits", "mse", "module"],
)
def test_wrong_reduction(call):
    with pytest.raises(ValueError, match=r"'mean', 'sum' or 'none'"):
        call()


def test_probability_targets_of_the_wrong_shape():
    with pytest.raises(ShapeError) as info:
        F.cross_entropy(t64(np.zeros((2, 3))), t64(np.zeros((2, 4))))
    assert "(2, 3)" in str(info.value) and "(2, 4)" in str(info.value) and "int64" in str(info.value)
    with pytest.raises(ShapeError, match="probabilities"):
        F.cross_entropy(t64(np.zeros((2, 3))), t64([0.0, 1.0]))


def test_one_hot_shaped_integer_targets_get_a_hint():
    with pytest.raises(ShapeError, match="argmax"):
        F.cross_entropy(t64(np.zeros((2, 3))), F.one_hot(labels([0, 2]), 3))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss], ids=["cross_entropy", "nll_loss"])
def test_weight_of_the_wrong_length(fn):
    with pytest.raises(ShapeError, match=r"C=3.*\(3,\)"):
        fn(t64(np.zeros((2, 3))), labels([0, 1]), t64([1.0, 2.0]))


def test_label_smoothing_out_of_range():
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(t64(np.zeros((2, 3))), labels([0, 1]), label_smoothing=1.5)


def test_binary_losses_need_equal_shapes_and_probabilities():
    with pytest.raises(ShapeError, match=r"squeeze"):
        F.binary_cross_entropy_with_logits(t64(np.zeros((3, 1))), t64(np.zeros(3)))
    with pytest.raises(ShapeError):
        F.binary_cross_entropy(t64(np.full((3, 1), 0.5)), t64(np.zeros(3)))
    with pytest.raises(ValueError, match="between 0 and 1.*with_logits"):
        F.binary_cross_entropy(t64([0.5, 1.5]), t64([1.0, 0.0]))
    with pytest.raises(ShapeError, match="pos_weight"):
        F.binary_cross_entropy_with_logits(t64(np.zeros((2, 3))), t64(np.zeros((2, 3))), pos_weight=t64([1.0, 2.0]))


def test_mse_of_different_shapes_warns_like_pytorch():
    with pytest.warns(UserWarning, match="broadcast"):
        F.mse_loss(t64(np.zeros((3, 1))), t64(np.zeros(3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.mse_loss(t64(np.zeros(3)), t64(np.zeros(3)))


# ------------------------------------------------------------------ modules
def test_modules_call_their_functional_forms(rng):
    x, y = t64(rng.normal(size=(4, 3))), labels([0, 2, -100, 1])
    w = t64([1.0, 2.0, 0.5])
    module = nn.CrossEntropyLoss(weight=w, label_smoothing=0.1, reduction="sum")
    assert module(x, y).item() == F.cross_entropy(x, y, w, label_smoothing=0.1, reduction="sum").item()
    y2 = labels([0, 2, 2, 1])
    assert nn.NLLLoss(w, ignore_index=2)(x, y2).item() == F.nll_loss(x, y2, w, ignore_index=2).item()
    p, b = t64(rng.uniform(0.1, 0.9, size=(4, 3))), t64((rng.uniform(size=(4, 3)) > 0.5).astype(float))
    assert nn.BCELoss()(p, b).item() == F.binary_cross_entropy(p, b).item()
    pw = t64([2.0, 1.0, 0.5])
    with_logits = F.binary_cross_entropy_with_logits(x, b, pos_weight=pw)
    assert nn.BCEWithLogitsLoss(pos_weight=pw)(x, b).item() == with_logits.item()
    assert nn.MSELoss(reduction="sum")(x, p).item() == F.mse_loss(x, p, reduction="sum").item()
    assert nn.L1Loss()(x, p).item() == F.l1_loss(x, p).item()
    assert nn.SmoothL1Loss(beta=0.5)(x, p).item() == F.smooth_l1_loss(x, p, beta=0.5).item()
    assert nn.HuberLoss(delta=0.5)(x, p).item() == F.huber_loss(x, p, delta=0.5).item()


def test_loss_weights_are_buffers_not_parameters():
    module = nn.BCEWithLogitsLoss(pos_weight=t64([2.0, 3.0]))
    assert list(module.parameters()) == []
    assert set(module.state_dict()) == {"pos_weight"}
    assert nn.CrossEntropyLoss().weight is None
    assert set(nn.CrossEntropyLoss(weight=t64([1.0, 2.0])).state_dict()) == {"weight"}
    assert "reduction='sum'" in repr(nn.MSELoss(reduction="sum"))


def test_options_after_weight_are_keyword_only():
    # PyTorch's positional order has the deprecated size_average here; refusing positions avoids a silent mix-up.
    with pytest.raises(TypeError):
        F.cross_entropy(t64(np.zeros((2, 3))), labels([0, 1]), None, -100)


def test_loss_file_does_not_import_numpy():
    source = (pathlib.Path(minigrad.__file__).parent / "nn" / "loss.py").read_text()
    assert "import numpy" not in source and "from numpy" not in source
