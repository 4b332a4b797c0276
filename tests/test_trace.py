"""The backward tracer (tracer.py, autograd.trace): the recorded order, gradients and accumulation, by hand."""
import numpy as np
import pytest

import minigrad
from minigrad import autograd


def shared_and_broadcast():
    """h = x + b (b broadcast over rows); y = h*h + h (h used twice); loss = sum(y)."""
    x = minigrad.tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), requires_grad=True)
    b = minigrad.tensor(np.array([1.0, 0.0, -1.0]), requires_grad=True)
    h = x + b
    loss = (h * h + h).sum()
    return x, b, h, loss


def test_the_record_of_a_graph_with_a_shared_node_and_broadcasting_equals_the_hand_computed_one():
    x, b, h, loss = shared_and_broadcast()
    with autograd.trace(names={"x": x, "b": b}) as trace:
        loss.backward()
    hv = h.detach().numpy()  # [[2, 2, 2], [5, 5, 5]]
    ones = np.ones((2, 3))
    # Backward visits the operations in reverse forward order: sum (#4), the outer add (#3), mul (#2), x + b (#1).
    assert [(s.op, s.forward) for s in trace] == [
        ("SumBackward", 4), ("AddBackward", 3), ("MulBackward", 2), ("AddBackward", 1)]
    expected = [
        # (what arrives, [(target, gradient sent, shape backward returned, added to one already there)])
        (1.0, [("#3 AddBackward", ones, (2, 3), False)]),
        (ones, [("#2 MulBackward", ones, (2, 3), False), ("#1 AddBackward", ones, (2, 3), False)]),
        (ones, [("#1 AddBackward", hv, (2, 3), True), ("#1 AddBackward", hv, (2, 3), True)]),
        (2 * hv + 1, [("x", 2 * hv + 1, (2, 3), False), ("b", (2 * hv + 1).sum(0), (2, 3), False)]),
    ]
    for step, (arrives, sends) in zip(trace, expected):
        np.testing.assert_array_equal(step.grad_output, arrives)
        assert [(s.target, s.raw_shape, s.accumulated) for s in step.sent] == [(t, r, a) for t, _, r, a in sends]
        for s, (_, grad, _, _) in zip(step.sent, sends):
            np.testing.assert_array_equal(s.grad, grad)
    assert trace[2].derivative.startswith("y = a * b;")
    assert [name for name, _ in trace.leaves] == ["x", "b"]
    np.testing.assert_array_equal(trace.leaves[1][1], [16.0, 16.0, 16.0])  # b's total: the sum over rows


def test_the_tracer_changes_no_gradient():
    x, b, _, loss = shared_and_broadcast()
    loss.backward()
    plain = x.grad.numpy().copy(), b.grad.numpy().copy()
    x2, b2, _, loss2 = shared_and_broadcast()
    with autograd.trace():
        loss2.backward()
    np.testing.assert_array_equal(x2.grad.numpy(), plain[0])
    np.testing.assert_array_equal(b2.grad.numpy(), plain[1])


def test_printing_shows_each_step_in_lines_that_fit_a_terminal_and_step_walks_one_node_at_a_time():
    x, b, _, loss = shared_and_broadcast()
    with autograd.trace(names={"x": x, "b": b}) as trace:
        loss.backward()
    text = str(trace)
    assert "summed from broadcast (2, 3)" in text and "(added: shared)" in text
    assert "leaf b: total dL/db (3,) |g|=27.71 [16, 16, 16]" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    walked = []
    while (step := trace.step()) is not None:
        walked.append(step.number)
    assert walked == [1, 2, 3, 4]
    assert str(trace[0]).startswith("step 1: SumBackward (operation #4 of the forward pass)")


def test_an_in_place_change_that_backward_refuses_is_recorded_before_the_error():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y
    with minigrad.no_grad():
        y.data.mul_(10)  # changes y behind the graph: z's saved y is stale
    with autograd.trace() as trace:
        with pytest.raises(RuntimeError, match="modified in place"):
            z.sum().backward()
    assert trace[-1].op == "MulBackward" and "modified in place" in trace[-1].error
    assert "REFUSED" in str(trace)


def test_outside_the_block_nothing_is_recorded_and_an_empty_trace_says_why():
    x = minigrad.tensor([1.0], requires_grad=True)
    with autograd.trace() as trace:
        pass
    (x * 2).sum().backward()
    assert len(trace) == 0 and "was backward() called" in str(trace)
