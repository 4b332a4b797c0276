"""Factories with PyTorch's names, signatures and default dtypes, and seeded randomness."""
import inspect

import numpy as np
import pytest

import minigrad


@pytest.mark.parametrize("factory, value", [(minigrad.zeros, 0.0), (minigrad.ones, 1.0)])
def test_zeros_and_ones(factory, value):
    for t in (factory(2, 3), factory((2, 3)), factory([2, 3])):
        assert t.shape == (2, 3) and t.dtype == minigrad.float32
        assert (t.numpy() == value).all()
    assert factory(4, dtype=minigrad.int64).dtype == minigrad.int64
    assert factory().shape == ()
    assert factory(0, 3).shape == (0, 3)
    assert factory(2, requires_grad=True).requires_grad


def test_full_takes_its_dtype_from_the_value():
    assert minigrad.full((2, 2), 1.5).dtype == minigrad.float32
    assert minigrad.full((2,), 7).dtype == minigrad.int64
    assert minigrad.full((2,), True).dtype == minigrad.bool
    assert minigrad.full((2, 3), 7, dtype=minigrad.float64).dtype == minigrad.float64
    assert minigrad.full((2,), -1.0).tolist() == [-1.0, -1.0]
    assert minigrad.full(3, 0.5).shape == (3,)


def test_like_factories_keep_shape_and_dtype():
    x = minigrad.tensor([[1, 2, 3]])
    for t, value in [(minigrad.zeros_like(x), 0), (minigrad.ones_like(x), 1), (minigrad.full_like(x, 4), 4)]:
        assert t.shape == (1, 3) and t.dtype == minigrad.int64 and (t.numpy() == value).all()
    assert minigrad.zeros_like(x, dtype=minigrad.float32).dtype == minigrad.float32
    y = minigrad.ones(2, dtype=minigrad.float64)
    assert minigrad.ones_like(y, requires_grad=True).requires_grad
    assert minigrad.randn_like(y).dtype == minigrad.float64 and minigrad.rand_like(y).shape == (2,)


def test_arange():
    assert minigrad.arange(4).tolist() == [0, 1, 2, 3] and minigrad.arange(4).dtype == minigrad.int64
    assert minigrad.arange(2, 5).tolist() == [2, 3, 4]
    assert minigrad.arange(0, 10, 3).tolist() == [0, 3, 6, 9]
    assert minigrad.arange(0, 1, 0.25).dtype == minigrad.float32
    assert minigrad.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert minigrad.arange(3.0).dtype == minigrad.float32
    assert minigrad.arange(3, dtype=minigrad.float64).dtype == minigrad.float64


def test_linspace_and_eye():
    np.testing.assert_allclose(minigrad.linspace(0, 1, 5).numpy(), [0, 0.25, 0.5, 0.75, 1])
    assert minigrad.eye(3).tolist() == np.eye(3).tolist() and minigrad.eye(3).dtype == minigrad.float32
    assert minigrad.eye(2, 3).shape == (2, 3)


def test_negative_sizes_are_an_error():
    with pytest.raises(ValueError, match="zeros: sizes must be non-negative ints"):
        minigrad.zeros(2, -1)
    with pytest.raises(ValueError, match="randn"):
        minigrad.randn(2.5)


def test_integer_factories_cannot_require_grad():
    with pytest.raises((TypeError, RuntimeError), match="floating-point"):
        minigrad.zeros(2, dtype=minigrad.int64, requires_grad=True)


# ------------------------------------------------------------------ random
def test_randn_and_rand_shapes_dtypes_and_ranges():
    minigrad.manual_seed(0)
    normal = minigrad.randn(200, 50)
    uniform = minigrad.rand(200, 50)
    assert normal.shape == (200, 50) and normal.dtype == minigrad.float32
    assert abs(normal.mean().item()) < 0.05 and abs(normal.std().item() - 1) < 0.05
    assert uniform.dtype == minigrad.float32 and 0 <= uniform.min().item() and uniform.max().item() < 1
    assert minigrad.randn(3, dtype=minigrad.float64).dtype == minigrad.float64
    assert minigrad.randn((2, 3)).shape == (2, 3)
    assert minigrad.rand(2, requires_grad=True).requires_grad


def test_randint_follows_pytorchs_signature():
    minigrad.manual_seed(0)
    t = minigrad.randint(3, 7, (1000,))
    assert t.dtype == minigrad.int64 and t.shape == (1000,)
    assert set(t.tolist()) == {3, 4, 5, 6}
    assert set(minigrad.randint(2, (100,)).tolist()) == {0, 1}  # randint(high, size)
    assert minigrad.randint(5, size=(2, 3)).shape == (2, 3)
    assert minigrad.randint(low=1, high=3, size=(4,)).min().item() >= 1
    assert list(inspect.signature(minigrad.randint).parameters)[:3] == ["low", "high", "size"]


def test_randint_errors():
    with pytest.raises(TypeError, match=r"randint\(low, high, size\)"):
        minigrad.randint(0, 10)
    with pytest.raises(ValueError, match="high"):
        minigrad.randint(5, 5, (2,))


def test_randperm_is_a_permutation():
    p = minigrad.randperm(10)
    assert p.dtype == minigrad.int64 and sorted(p.tolist()) == list(range(10))


DRAWS = {
    "randn": lambda: minigrad.randn(3, 4),
    "rand": lambda: minigrad.rand(5),
    "randint": lambda: minigrad.randint(0, 100, (6,)),
    "randperm": lambda: minigrad.randperm(8),
    "randn_like": lambda: minigrad.randn_like(minigrad.zeros(2, 2)),
}


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS.keys())
def test_manual_seed_makes_every_draw_repeat(draw):
    minigrad.manual_seed(42)
    first = [draw().tolist() for _ in range(3)]
    minigrad.manual_seed(42)
    second = [draw().tolist() for _ in range(3)]
    assert first == second
    assert first[0] != first[1]  # successive draws differ
    minigrad.manual_seed(43)
    assert draw().tolist() != first[0]


def test_manual_seed_covers_a_sequence_of_mixed_draws():
    def sequence():
        return [minigrad.randn(2).tolist(), minigrad.randint(0, 9, (3,)).tolist(), minigrad.rand(2).tolist()]

    minigrad.manual_seed(7)
    first = sequence()
    minigrad.manual_seed(7)
    assert sequence() == first
    assert minigrad.initial_seed() == 7


def test_a_separate_generator_does_not_disturb_the_default_one():
    minigrad.manual_seed(1)
    expected = minigrad.randn(3).tolist()
    minigrad.manual_seed(1)
    own = minigrad.Generator(99)
    minigrad.randn(5, generator=own)
    assert minigrad.randn(3).tolist() == expected
    assert minigrad.randn(2, generator=minigrad.Generator(99)).tolist() == minigrad.Generator(99).rng.standard_normal(
        2, dtype="float32"
    ).tolist()


def test_generator_state_round_trips():
    g = minigrad.Generator(5)
    state = g.get_state()
    first = minigrad.rand(3, generator=g).tolist()
    g.set_state(state)
    assert minigrad.rand(3, generator=g).tolist() == first


@pytest.mark.parametrize("seed", [-1, 1.5, "1"])
def test_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        minigrad.manual_seed(seed)


# -------------------------------------------------------------- from_numpy
def test_from_numpy_shares_memory_and_tensor_copies():
    array = np.zeros(3)
    shared, copied = minigrad.from_numpy(array), minigrad.tensor(array)
    array[0] = 1.0
    assert shared.tolist() == [1.0, 0.0, 0.0] and copied.tolist() == [0.0, 0.0, 0.0]
    assert shared.dtype == minigrad.float64


def test_from_numpy_refuses_unsupported_dtypes():
    with pytest.raises(TypeError, match="from_numpy"):
        minigrad.from_numpy(np.zeros(2, dtype=np.int32))


# --------------------------------------------------------- module functions
def test_every_tensor_operation_is_also_a_module_level_function():
    # Methods that hand over to an operation in minigrad/ops, as PyTorch offers both x.cat(...) and torch.cat(...).
    methods = {
        name
        for name, value in vars(minigrad.Tensor).items()
        if callable(value) and getattr(value, "__module__", "").startswith("minigrad.ops") and not name.startswith("_")
    }
    assert {"sum", "max", "topk", "softmax", "reshape", "gather", "matmul", "where"} <= methods
    missing = sorted(name for name in methods if not hasattr(minigrad, name))
    assert not missing, f"Tensor methods without a minigrad.<name> function: {missing}"
    for name in ["cat", "stack", "concat", "clip", "view", "amax", "logsumexp", "step", "gelu"]:
        assert callable(getattr(minigrad, name))
