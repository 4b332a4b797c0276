"""Hooks (hooks.py, Tensor.register_hook, Module.register_*_hook), case by case against PyTorch's semantics.

Numbers marked "PyTorch 2.13" were printed by torch 2.13 (CPU) running the same
lines; the suite itself never imports torch.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad import autograd


def t64(values, grad=True):
    return minigrad.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


# ------------------------------------------------------------ tensor hooks
def test_a_hook_on_a_leaf_used_twice_fires_once_with_the_sum_before_it_reaches_grad():
    x = t64([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append((g.numpy().copy(), x.grad)))
    (x * x + 3 * x).sum().backward()
    # PyTorch 2.13: one call, tensor([5., 7.]) (2x + 3), and x.grad is still None inside it
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0][0], [5.0, 7.0])
    assert seen[0][1] is None
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 7.0])


def test_a_hook_on_a_non_leaf_used_twice_fires_once_with_the_sum():
    x = t64([1.0, 2.0])
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()))
    (y * y + y).sum().backward()  # dL/dy = 2y + 1
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [5.0, 9.0])


def test_a_returned_tensor_replaces_the_gradient_from_there_on():
    x = t64([1.0, 2.0])
    x.register_hook(lambda g: g * 0 + 7)
    x.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [7.0, 7.0])  # PyTorch 2.13: tensor([7., 7.])
    x = t64([1.0, 2.0])
    y = x * 3
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 30.0])  # the replaced gradient flows on


def test_hooks_run_in_registration_order_each_seeing_the_previous_result():
    x = t64([1.0])
    seen = []
    x.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: seen.append(g.item()))
    (x * 1).sum().backward()
    assert seen == [2.0]  # PyTorch 2.13: second sees tensor([2.])


def test_retain_grad_keeps_the_gradient_after_every_hook_even_one_registered_later():
    x = t64([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    # PyTorch 2.13: y.grad tensor([40., 80.]), x.grad tensor([ 80., 160.])
    np.testing.assert_array_equal(y.grad.numpy(), [40.0, 80.0])
    np.testing.assert_array_equal(x.grad.numpy(), [80.0, 160.0])
    assert y.retains_grad and not x.retains_grad


def test_retain_grad_on_a_tensor_used_twice_keeps_the_total_and_accumulates_across_backwards():
    x = t64([3.0])
    y = x * 1
    y.retain_grad()
    z = (y * y).sum()
    z.backward(retain_graph=True)
    assert y.grad.item() == 6.0
    z.backward()
    assert y.grad.item() == 12.0


def test_a_hook_on_the_root_sees_the_seed():
    x = t64([1.0, 2.0])
    y = (x * 3).sum()
    seen = []
    y.register_hook(lambda g: seen.append(g.item()))
    y.backward()
    assert seen == [1.0]


def test_removed_hooks_no_longer_fire_and_a_handle_can_be_a_context_manager():
    x = t64([1.0])
    seen = []
    handle = x.register_hook(lambda g: seen.append(1))
    handle.remove()
    handle.remove()  # removing twice is harmless, as in PyTorch
    (x * 2).sum().backward()
    assert seen == []
    with x.register_hook(lambda g: seen.append(2)):
        (x * 2).sum().backward()
    (x * 2).sum().backward()
    assert seen == [2]


def test_hooks_also_run_for_autograd_grad_and_leave_grad_untouched():
    x = t64([1.0, 2.0])
    x.register_hook(lambda g: g * 100)
    (gx,) = autograd.grad((x * 3).sum(), [x])
    np.testing.assert_array_equal(gx.numpy(), [300.0, 300.0])  # PyTorch 2.13: (tensor([300., 300.]),)
    assert x.grad is None


def test_hook_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        minigrad.tensor([1.0]).register_hook(lambda g: g)
    x = t64([1.0, 2.0])
    x.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match=r"shape \(\) for a tensor of shape \(2,\)"):
        (x * 2).sum().backward()
    y = t64([1.0])
    y.register_hook(lambda g: 3.0)
    with pytest.raises(TypeError, match="return a Tensor"):
        (y * 2).sum().backward()
    with pytest.raises(TypeError, match="callable"):
        t64([1.0]).register_hook("not a function")


# ------------------------------------------------------------ module hooks
def test_forward_pre_hook_sees_the_args_and_may_replace_them_with_a_tuple_or_a_single_value():
    lin = nn.Linear(2, 1)
    x = minigrad.ones(1, 2)
    plain = lin(x).item()
    seen = []
    handle = lin.register_forward_pre_hook(lambda m, args: seen.append((m, args)))
    lin(x)
    assert seen[0][0] is lin and seen[0][1][0] is x
    handle.remove()
    lin.register_forward_pre_hook(lambda m, args: args[0] * 2)  # not a tuple: taken as the one argument
    assert lin(x).item() == pytest.approx(lin.forward(x * 2).item())
    assert lin(x).item() != pytest.approx(plain)


def test_forward_hook_sees_args_and_output_and_may_replace_the_output():
    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    outputs = {}
    for name, module in seq.named_children():
        module.register_forward_hook(lambda m, args, out, name=name: outputs.__setitem__(name, (args, out)))
    x = minigrad.randn(5, 3)
    y = seq(x)
    assert outputs["0"][0][0] is x and outputs["1"][0][0] is outputs["0"][1]
    assert outputs["2"][1] is y
    seq[2].register_forward_hook(lambda m, args, out: out * 0)
    assert np.all(seq(x).detach().numpy() == 0)


def test_hooks_with_kwargs_and_prepend():
    lin = nn.Linear(2, 2)
    order = []
    lin.register_forward_hook(lambda m, a, o: order.append("second"))
    lin.register_forward_hook(lambda m, a, o: order.append("first"), prepend=True)
    lin.register_forward_pre_hook(lambda m, args, kwargs: (args, kwargs), with_kwargs=True)
    lin.register_forward_hook(lambda m, args, kwargs, out: order.append(sorted(kwargs)), with_kwargs=True)
    lin(minigrad.ones(1, 2))
    assert order == ["first", "second", []]


def test_full_backward_hook_gets_grad_input_and_grad_output_and_may_replace_grad_input():
    lin = nn.Linear(2, 1)
    with minigrad.no_grad():
        lin.weight.copy_(minigrad.tensor([[2.0, -3.0]]))
    x = minigrad.ones(1, 2, requires_grad=True)
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((m, gi, go)))
    lin(x).sum().backward()
    module, grad_input, grad_output = seen[0]
    assert module is lin and len(grad_input) == 1 and len(grad_output) == 1
    np.testing.assert_array_equal(grad_output[0].numpy(), [[1.0]])
    np.testing.assert_array_equal(grad_input[0].numpy(), [[2.0, -3.0]])  # dL/dx = W
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, -3.0]])
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    x.grad = None
    lin(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.0]])
    assert lin.weight.grad is not None  # the weight's own gradient is not grad_input


def test_full_backward_hook_on_a_first_layer_fires_with_none_as_soon_as_grad_output_is_known():
    lin = nn.Linear(2, 1)
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    lin(minigrad.ones(1, 2)).sum().backward()
    # PyTorch 2.13: lin gi (None,) go (tensor([[1.]]),)
    assert seen[0][0] == (None,)
    np.testing.assert_array_equal(seen[0][1][0].numpy(), [[1.0]])


def test_full_backward_hook_grad_input_has_one_entry_per_positional_argument():
    class Scale(nn.Module):
        def forward(self, a, k):
            return a * k

    seen = []
    m = Scale()
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(gi))
    a = t64([1.0, 2.0])
    m(a, 3.0).sum().backward()
    # PyTorch 2.13: gi (tensor([3., 3.]), None) for forward(a, 3.0)
    assert len(seen[0]) == 2 and seen[0][1] is None
    np.testing.assert_array_equal(seen[0][0].numpy(), [3.0, 3.0])


def test_a_module_used_twice_fires_its_backward_hook_once_per_call():
    lin = nn.Linear(2, 2)
    calls = []
    lin.register_full_backward_hook(lambda m, gi, go: calls.append(go[0].numpy().copy()))
    x = minigrad.ones(1, 2, requires_grad=True)
    lin(lin(x)).sum().backward()
    assert len(calls) == 2  # PyTorch 2.13: twice [2]
    np.testing.assert_array_equal(calls[0], [[1.0, 1.0]])  # the outer call's grad_output comes first
    expected_inner = calls[0] @ lin.weight.detach().numpy()
    np.testing.assert_allclose(calls[1], expected_inner, rtol=1e-6)


def test_module_hooks_leave_gradients_unchanged_and_remove_cleanly():
    minigrad.manual_seed(0)
    seq = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = minigrad.randn(2, 3, requires_grad=True)
    seq(x).sum().backward()
    plain = [p.grad.numpy().copy() for p in seq.parameters()] + [x.grad.numpy().copy()]
    handles = [m.register_full_backward_hook(lambda *a: None) for m in seq]
    handles += [m.register_forward_hook(lambda *a: None) for m in seq]
    seq.zero_grad()
    x.grad = None
    seq(x).sum().backward()
    hooked = [p.grad.numpy() for p in seq.parameters()] + [x.grad.numpy()]
    for a, b in zip(plain, hooked):
        np.testing.assert_array_equal(a, b)
    for h in handles:
        h.remove()
    assert all(not m._forward_hooks and not m._backward_hooks for m in seq)


def test_a_call_with_two_tensor_inputs_that_require_grad_is_refused_with_a_way_out():
    class Add(nn.Module):
        def forward(self, a, b):
            return a + b

    m = Add()
    m.register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Add was called with 2 tensors.*register_hook"):
        m(t64([1.0]), t64([2.0]))


def test_a_backward_hook_on_a_sequential_sees_the_whole_container_and_the_gates_pass_gradcheck():
    minigrad.manual_seed(0)
    seq = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    seen = []
    seq.register_full_backward_hook(lambda m, gi, go: seen.append((gi[0].numpy().copy(), go[0].numpy().copy())))
    x = t64(np.random.default_rng(0).normal(size=(2, 3)))
    (seq(x) * t64([[1.0, -2.0]], grad=False)).sum().backward()
    np.testing.assert_array_equal(seen[0][1], [[1.0, -2.0], [1.0, -2.0]])  # dL/d(output of the Sequential)
    np.testing.assert_array_equal(seen[0][0], x.grad.numpy())               # dL/d(its input)
    assert minigrad.gradcheck(lambda inp: seq(inp), (t64(np.ones((2, 3))),))


def test_autograd_grad_of_a_leaf_output_with_respect_to_another_tensor_is_zero():
    x, other = t64([1.0]), t64([2.0])
    (g,) = autograd.grad(x, [other])  # x is its own graph: a leaf
    assert g.item() == 0.0
