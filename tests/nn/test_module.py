"""Module, Parameter and the containers: registration, walking, modes, state dicts, repr."""
import numpy as np
import pytest

import minigrad
from minigrad import nn


class Pair(nn.Module):
    def __init__(self, a=1.0, b=2.0):
        super().__init__()
        self.first = nn.Parameter(np.full((2, 3), a, dtype=np.float32))
        self.second = nn.Parameter(np.full(3, b, dtype=np.float32))
        self.register_buffer("count", minigrad.zeros(1))

    def forward(self, x):
        return x @ self.first.T + self.second[:2]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pair = Pair()
        self.blocks = nn.ModuleList([Pair(3.0, 4.0), Pair(5.0, 6.0)])
        self.head = nn.Sequential(Pair(7.0, 8.0))
        self.scale = 2.0  # a plain attribute is not a parameter


def test_assigning_parameters_and_modules_registers_them_with_dotted_names():
    names = [name for name, _ in Net().named_parameters()]
    assert names == [
        "pair.first", "pair.second",
        "blocks.0.first", "blocks.0.second", "blocks.1.first", "blocks.1.second",
        "head.0.first", "head.0.second",
    ]


def test_a_shared_parameter_is_listed_once():
    net = Net()
    net.blocks[1].first = net.blocks[0].first
    assert len(list(net.parameters())) == 7


def test_children_and_modules_walk_the_tree():
    net = Net()
    assert [type(m).__name__ for m in net.children()] == ["Pair", "ModuleList", "Sequential"]
    assert len(list(net.modules())) == 1 + 1 + 3 + 1 + 1


def test_unknown_attribute_raises_attribute_error_with_a_suggestion():
    with pytest.raises(AttributeError, match="Did you mean 'first'"):
        Pair().frist


def test_assigning_before_super_init_explains_the_fix():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_train_and_eval_set_training_on_every_submodule():
    net = Net().eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_clears_every_gradient():
    pair = Pair()
    pair(minigrad.ones(4, 3)).sum().backward()
    assert pair.first.grad is not None
    pair.zero_grad()
    assert pair.first.grad is None and pair.second.grad is None


def test_state_dict_holds_parameters_and_persistent_buffers_by_name():
    state = Net().state_dict()
    assert "pair.count" in state and "pair.first" in state
    assert not any(t.requires_grad for t in state.values())


def test_load_state_dict_copies_the_values_into_the_model():
    source, target = Pair(1.0, 2.0), Pair(9.0, 9.0)
    target.load_state_dict(source.state_dict())
    assert target.first.tolist() == source.first.tolist()
    assert target.second.tolist() == [2.0, 2.0, 2.0]


def test_load_state_dict_accepts_numpy_arrays():
    target = Pair(0.0, 0.0)
    target.load_state_dict({k: np.full(v.shape, 5.0) for k, v in target.state_dict().items()})
    assert target.first.tolist() == [[5.0] * 3] * 2
    assert target.first.dtype == minigrad.float32


def test_load_state_dict_names_missing_unexpected_and_misshapen_keys():
    target = Pair()
    state = target.state_dict()
    del state["second"]
    state["extra"] = minigrad.zeros(1)
    state["first"] = minigrad.zeros(3, 2)
    with pytest.raises(RuntimeError) as err:
        target.load_state_dict(state)
    message = str(err.value)
    assert "missing keys" in message and "second" in message
    assert "unexpected keys" in message and "extra" in message
    assert "first: the checkpoint has shape (3, 2), the model (2, 3)" in message


def test_load_state_dict_non_strict_reports_instead_of_failing():
    target = Pair()
    result = target.load_state_dict({"first": minigrad.ones(2, 3)}, strict=False)
    assert result.missing_keys == ["second", "count"]
    assert target.first.tolist() == [[1.0] * 3] * 2


def test_to_double_converts_parameters_and_buffers():
    pair = Pair().double()
    assert pair.first.dtype == minigrad.float64 and pair.count.dtype == minigrad.float64
    assert pair.first.requires_grad


def test_apply_visits_every_module():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Net" and seen.count("Pair") == 4


def test_repr_prints_the_tree():
    text = repr(Net())
    assert text.splitlines()[0] == "Net("
    assert "  (blocks): ModuleList(" in text
    assert "    (0): Pair()" in text


def test_sequential_applies_modules_in_order_and_indexes():
    double = nn.Sequential(Pair(1.0, 0.0))
    assert len(double) == 1 and isinstance(double[0], Pair)
    out = double(minigrad.ones(1, 3))
    assert out.tolist() == [[3.0, 3.0]]


def test_module_dict_registers_by_key():
    d = nn.ModuleDict({"a": Pair(), "b": Pair()})
    assert "a" in d and len(d) == 2
    assert [n for n, _ in d.named_parameters()][:2] == ["a.first", "a.second"]


def test_parameter_requires_grad_and_prints_as_parameter():
    p = nn.Parameter([1.0, 2.0])
    assert p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:")


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="must define forward"):
        nn.Module()(1)
