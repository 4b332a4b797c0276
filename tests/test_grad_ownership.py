"""A leaf's .grad keeps the array that backward made when nothing else refers to it (no copy), and is a
private copy whenever the array is shared: with another leaf, a saved value, the caller's gradient, a
retained gradient.  Each sharing case changes one .grad in place and checks that nothing else moved."""
import sys
import weakref

import numpy as np
import pytest

import minigrad
from minigrad import Function, grad_ownership

needs_refcount = pytest.mark.skipif(not hasattr(sys, "getrefcount"), reason="no reference counts here: always copies")


class Returns(Function):
    """y = 2x; backward makes a fresh array and remembers it weakly (a weak reference is not a reference)."""

    made = None

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        grad = 2 * g
        Returns.made = weakref.ref(grad)
        return grad


class ReturnsSaved(Function):
    """y = 3x; backward hands back an array it saved in forward (as a student's Function might)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(np.full(x.shape, 3.0, dtype=x.dtype))
        return 3 * x

    @staticmethod
    def backward(ctx, g):
        (three,) = ctx.saved_tensors
        return three


class SameForBoth(Function):
    """y = x1 + x2; backward returns one fresh array for both inputs."""

    @staticmethod
    def forward(ctx, x1, x2):
        return x1 + x2

    @staticmethod
    def backward(ctx, g):
        grad = g + 0
        return grad, grad


def leaf(*values):
    return minigrad.tensor(np.array(values, dtype=np.float32), requires_grad=True)


@needs_refcount
def test_an_unshared_gradient_is_kept_as_it_is():
    x = leaf(1.0, 2.0)
    Returns.apply(x).sum().backward()
    assert Returns.made() is x.grad._data


def test_two_leaves_given_one_array_get_separate_grads():
    a, b = leaf(1.0, 2.0), leaf(3.0, 4.0)
    (a + b).sum().backward()  # add's backward returns the same g for both
    assert a.grad._data is not b.grad._data
    a.grad._data *= 10
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_two_leaves_given_one_fresh_array_get_separate_grads():
    a, b = leaf(1.0, 2.0), leaf(3.0, 4.0)
    SameForBoth.apply(a, b).sum().backward()
    a.grad._data *= 10
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_a_gradient_given_by_the_caller_is_copied():
    x = leaf(1.0, 2.0)
    seed = minigrad.tensor(np.array([5.0, 6.0], dtype=np.float32))
    x.backward(gradient=seed)
    seed._data *= 0
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])


def test_a_saved_array_handed_back_is_copied():
    x = leaf(1.0, 2.0)
    y = ReturnsSaved.apply(x).sum()
    y.backward(retain_graph=True)
    x.grad.zero_()  # an in-place change of the first .grad must not reach the saved array
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_a_retained_gradient_and_a_leafs_grad_do_not_share_memory():
    x = leaf(1.0, 2.0)
    y = x.reshape(2)  # passes g through unchanged (a view at most)
    y.retain_grad()
    (y * 4).sum().backward()
    x.grad._data += 1
    np.testing.assert_array_equal(y.grad.numpy(), [4.0, 4.0])


def test_a_second_backward_adds_without_touching_the_first_array():
    x = leaf(1.0, 2.0)
    Returns.apply(x).sum().backward()
    first = x.grad._data
    Returns.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 4.0])
    np.testing.assert_array_equal(first, [2.0, 2.0])  # accumulation made a new array


def test_the_count_is_measured_for_this_interpreter():
    assert grad_ownership.ALONE == (grad_ownership._alone() if hasattr(sys, "getrefcount") else -1)
    assert not grad_ownership.unshared(np.ones(3)[1:])  # a view is never kept
