"""Devices: the API (to, cuda, cpu, device=, the default device), what happens without a GPU, and mixing.

Without a GPU these run against the stand-in of tests/_fake_device.py,
registered as 'cuda' by the ``fake_cuda`` fixture; availability is tested
with CuPy absent and with a CuPy that finds no GPU.
"""
import sys
import types

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import backend, nn
from minigrad.data import DataLoader, TensorDataset


@pytest.fixture
def no_cuda_probed(monkeypatch):
    """Forget what was found out about CUDA, so the next question probes again (restored afterwards)."""
    monkeypatch.setattr(backend, "_cuda", {})
    monkeypatch.delitem(backend._modules, "cuda", raising=False)

    def install(cupy):
        monkeypatch.setitem(sys.modules, "cupy", cupy)

    return install


@pytest.fixture
def default_device_restored():
    yield
    minigrad.set_default_device(None)


# ------------------------------------------------------------ device objects
def test_device_objects_print_and_compare_like_pytorch():
    cuda = minigrad.device("cuda:0")
    assert repr(cuda) == "device(type='cuda', index=0)" and str(cuda) == "cuda:0"
    assert cuda == "cuda" and cuda == "cuda:0" and cuda == minigrad.device("cuda") and cuda != "cpu"
    assert repr(minigrad.device("cpu")) == "device(type='cpu')" and minigrad.device("cpu") == "cpu"
    assert cuda.type == "cuda" and cuda.index == 0 and len({cuda, minigrad.device("cuda")}) == 1
    assert minigrad.tensor([1.0]).device == "cpu" and not minigrad.tensor([1.0]).is_cuda


@pytest.mark.parametrize("spec, message", [("gpu", "unknown device 'gpu'"), ("cuda:x", "invalid device"),
                                           ("cpu:1", "only one CPU")])
def test_a_wrong_device_name_says_what_exists(spec, message):
    with pytest.raises(RuntimeError, match=message):
        minigrad.zeros(2, device=spec)


# ----------------------------------------------------------- availability
def test_without_cupy_cuda_is_unavailable_and_says_what_to_install(no_cuda_probed):
    no_cuda_probed(None)  # `import cupy` raises ImportError
    assert minigrad.cuda.is_available() is False and minigrad.cuda.device_count() == 0
    reason = minigrad.cuda.unavailable_reason()
    assert "CuPy is not installed" in reason and "pip install \"minigrad-classroom[gpu]\"" in reason
    t = minigrad.tensor([1.0, 2.0])
    for attempt in (lambda: t.to("cuda"), t.cuda, lambda: minigrad.zeros(2, device="cuda"),
                    lambda: nn.Linear(2, 2).to("cuda"), lambda: minigrad.set_default_device("cuda")):
        with pytest.raises(RuntimeError, match=r"no GPU is usable: CuPy is not installed.*minigrad-classroom\[gpu\]"):
            attempt()
    assert (t * 2).tolist() == [2.0, 4.0] and minigrad.get_default_device() == "cpu"  # the CPU keeps working


def test_cupy_without_a_usable_gpu_is_reported_not_used(no_cuda_probed):
    cupy = types.ModuleType("cupy")
    cupy.is_available = lambda: False
    no_cuda_probed(cupy)
    assert not minigrad.cuda.is_available()
    assert "no usable NVIDIA GPU" in minigrad.cuda.unavailable_reason()
    with pytest.raises(RuntimeError, match="no GPU is usable: CuPy is installed, but it finds no usable NVIDIA GPU"):
        minigrad.ones(3, device="cuda")
    assert minigrad.ones(3).sum().item() == 3.0


def test_availability_is_decided_by_a_real_allocation(no_cuda_probed):
    cupy = types.ModuleType("cupy")
    cupy.is_available = lambda: True

    def arange(*args):
        raise RuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient")

    cupy.arange = arange
    no_cuda_probed(cupy)
    assert not minigrad.cuda.is_available()
    reason = minigrad.cuda.unavailable_reason()
    assert "cannot run on a GPU" in reason and "cudaErrorInsufficientDriver" in reason


def test_cupy_that_fails_to_import_is_reported(no_cuda_probed, monkeypatch):
    no_cuda_probed(None)
    real_import = __import__

    def broken(name, *args, **kwargs):
        if name == "cupy":
            raise OSError("libcudart.so.12: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr("builtins.__import__", broken)
    assert "does not import (OSError: libcudart.so.12" in backend.cuda_unavailable_reason()


# ---------------------------------------------------------------- moving
def test_to_cuda_and_back(fake_cuda):
    t = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    g = t.to("cuda")
    assert g.device == "cuda" and g.is_cuda and isinstance(g._data, fake_cuda.ndarray)
    assert t.cuda().device == "cuda" and g.cuda() is g and g.to("cuda:0") is g
    back = g.cpu()
    assert back.device == "cpu" and isinstance(back._data, np.ndarray) and back.tolist() == t.tolist()
    assert t.cpu() is t and t.to("cpu") is t
    assert g.to("cpu", minigrad.float64).dtype == minigrad.float64
    assert t.to(g).device == "cuda" and t.to(device="cuda").device == "cuda"


def test_gradients_flow_back_across_a_move(fake_cuda):
    x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x.to("cuda") * minigrad.tensor([1.0, 10.0, 100.0], device="cuda")).sum()
    assert y.device == "cuda" and y.grad_fn is not None
    y.backward()
    assert x.grad.device == "cpu" and x.grad.tolist() == [1.0, 10.0, 100.0]


def test_values_come_to_the_host_only_where_asked(fake_cuda):
    t = minigrad.tensor([1.5, 2.5], device="cuda")
    with pytest.raises(TypeError, match=r"never copies GPU values to the host implicitly.*t.cpu\(\)"):
        np.asarray(t)
    assert fake_cuda.downloads == 0
    assert "device='cuda:0'" in repr(t)  # printing is an explicit host point
    assert t.numpy().tolist() == [1.5, 2.5] and t.tolist() == [1.5, 2.5] and t[0].item() == 1.5
    assert float(t.sum()) == 4.0
    assert fake_cuda.downloads == 5


# ---------------------------------------------------------------- mixing
@pytest.mark.parametrize("op, name", [(lambda a, b: a * b, "mul"), (lambda a, b: a + b, "add"),
                                      (lambda a, b: a @ b, "matmul"), (lambda a, b: a < b, "lt"),
                                      (lambda a, b: minigrad.where(a > 0, a, b), "where")])
def test_mixing_devices_in_one_operation_names_both(fake_cuda, op, name):
    a = minigrad.ones(2, 2, device="cuda")
    b = minigrad.ones(2, 2)
    with pytest.raises(RuntimeError, match=rf"{name}: expected all tensors on the same device, found cuda:0 and cpu"):
        op(a, b)
    with pytest.raises(RuntimeError, match="found cpu and cuda:0.*to\\('cuda'\\)"):
        op(b.clone(), a) if name != "where" else minigrad.where(b > 0, b, a)


def test_a_model_on_the_gpu_fed_cpu_data_says_how_to_fix_it(fake_cuda):
    model = nn.Sequential(nn.Linear(3, 2)).to("cuda")
    with pytest.raises(RuntimeError, match=r"linear: .*found cpu and cuda:0.*model.to\(device\)"):
        model(minigrad.randn(4, 3))


def test_a_host_index_may_index_a_device_tensor(fake_cuda):
    t = minigrad.arange(6, device="cuda").reshape(2, 3)
    assert t[np.array([1, 0])].device == "cuda" and t[minigrad.tensor([1])].tolist() == [[3, 4, 5]]
    assert t[[0, 0], [2, 1]].tolist() == [2, 1]


def test_copy_is_an_explicit_transfer(fake_cuda):
    t = minigrad.zeros(3, device="cuda")
    t.copy_(minigrad.tensor([1.0, 2.0, 3.0]))
    assert t.device == "cuda" and t.tolist() == [1.0, 2.0, 3.0]


# ------------------------------------------------------------- factories
def test_factories_take_a_device(fake_cuda):
    made = [
        minigrad.tensor([1, 2], device="cuda"), minigrad.zeros(2, 3, device="cuda"),
        minigrad.ones(2, device="cuda", dtype=minigrad.int64), minigrad.full((2,), 1.5, device="cuda"),
        minigrad.arange(4, device="cuda"), minigrad.linspace(0, 1, 5, device="cuda"),
        minigrad.eye(3, device="cuda"), minigrad.randn(2, 2, device="cuda"), minigrad.rand(3, device="cuda"),
        minigrad.randint(0, 5, (4,), device="cuda"), minigrad.randperm(5, device="cuda"),
    ]
    assert all(t.device == "cuda" and isinstance(t._data, fake_cuda.ndarray) for t in made)
    assert made[2].dtype == minigrad.int64 and made[3].tolist() == [1.5, 1.5]
    assert sorted(made[-1].tolist()) == [0, 1, 2, 3, 4]
    like = [minigrad.zeros_like(made[1]), minigrad.ones_like(made[1]), minigrad.full_like(made[1], 2.0),
            minigrad.randn_like(made[1]), minigrad.rand_like(made[1])]
    assert all(t.device == "cuda" for t in like)  # *_like follow their input
    assert minigrad.zeros_like(made[1], device="cpu").device == "cpu"


def test_random_draws_repeat_per_device_but_differ_between_devices(fake_cuda):
    minigrad.manual_seed(7)
    a = minigrad.randn(5, device="cuda")
    minigrad.manual_seed(7)
    b = minigrad.randn(5, device="cuda")
    minigrad.manual_seed(7)
    c = minigrad.randn(5)
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()


def test_restarting_the_gpu_streams_repeats_them_by_key_and_leaves_the_cpu_stream_alone(fake_cuda):
    minigrad.manual_seed(7)
    cpu_before = minigrad.randn(3).tolist()
    minigrad.random.default_generator.restart_device_streams(2)
    first = minigrad.randn(4, device="cuda").tolist()
    cpu_after = minigrad.randn(3).tolist()
    minigrad.manual_seed(7)
    minigrad.randn(3)
    minigrad.randn(4, device="cuda")  # the stream as manual_seed left it: something else
    minigrad.random.default_generator.restart_device_streams(2)
    assert minigrad.randn(4, device="cuda").tolist() == first  # same seed and key: the same draws
    assert minigrad.randn(3).tolist() == cpu_after  # the CPU stream went on as if nothing happened
    minigrad.random.default_generator.restart_device_streams(3)
    assert minigrad.randn(4, device="cuda").tolist() != first  # another key, another stream
    minigrad.manual_seed(7)
    assert minigrad.randn(3).tolist() == cpu_before


def test_default_device(fake_cuda, default_device_restored):
    assert minigrad.get_default_device() == "cpu"
    minigrad.set_default_device("cuda")
    assert minigrad.get_default_device() == minigrad.device("cuda")
    assert minigrad.zeros(2).device == "cuda" and minigrad.tensor([1.0, 2.0]).device == "cuda"
    assert minigrad.randn(3).device == "cuda"
    layer = nn.Linear(3, 2)
    assert layer.weight.device == "cuda" and layer.bias.device == "cuda"
    assert minigrad.from_numpy(np.zeros(2, dtype=np.float32)).device == "cpu"  # shares host memory, stays
    assert minigrad.zeros(2, device="cpu").device == "cpu"
    minigrad.set_default_device(None)
    assert minigrad.zeros(2).device == "cpu"


# ---------------------------------------------------------------- modules
def test_module_to_moves_parameters_buffers_and_grads_in_place(fake_cuda):
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))
    weight = model[0].weight
    model(minigrad.randn(5, 4)).sum().backward()
    assert model.to("cuda") is model
    assert model[0].weight is weight and weight.is_leaf and weight.requires_grad  # the same Parameter, moved
    for p in model.parameters():
        assert p.device == "cuda" and p.grad.device == "cuda"
    assert all(b.device == "cuda" for b in model.buffers())
    model.cpu()
    assert all(p.device == "cpu" and p.grad.device == "cpu" for p in model.parameters())
    assert all(b.device == "cpu" for b in model.buffers())
    model.cuda().to(minigrad.float64)
    assert weight.device == "cuda" and weight.dtype == minigrad.float64
    assert model.to(device="cpu", dtype=minigrad.float32)[0].weight.dtype == minigrad.float32


def test_optimizer_state_lives_on_its_parameters_device(fake_cuda):
    model = nn.Linear(3, 2).to("cuda")
    optimizer = minigrad.optim.Adam(model.parameters(), lr=0.1)
    F.mse_loss(model(minigrad.randn(4, 3, device="cuda")), minigrad.zeros(4, 2, device="cuda")).backward()
    optimizer.step()
    for p in model.parameters():
        assert isinstance(optimizer.state[p]["exp_avg"], fake_cuda.ndarray)
    # Moving the model after steps leaves the state behind: a clear error, and the fix it names works.
    model.cpu()
    for p in model.parameters():
        p.grad = minigrad.ones_like(p)
    with pytest.raises(RuntimeError, match="optimizer state is on cuda:0.*load_state_dict"):
        optimizer.step()
    optimizer.load_state_dict(optimizer.state_dict())
    optimizer.step()
    assert all(isinstance(v, np.ndarray) for p in model.parameters() for v in optimizer.state[p].values()
               if hasattr(v, "shape"))


def test_a_gradient_on_another_device_is_refused_by_the_optimizer(fake_cuda):
    p = nn.Parameter(minigrad.ones(2))
    p.grad = minigrad.ones(2, device="cuda")
    with pytest.raises(RuntimeError, match="found cpu and cuda:0"):
        minigrad.optim.SGD([p], lr=0.1).step()


def test_clip_grad_norm_on_the_device(fake_cuda):
    model = nn.Linear(3, 2).to("cuda")
    model(minigrad.randn(4, 3, device="cuda")).sum().backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.1)
    assert total.device == "cuda" and total.item() > 0.1


# ------------------------------------------------------------ data, files
def test_dataloader_places_batches_on_a_device(fake_cuda):
    data = TensorDataset(minigrad.randn(10, 3), minigrad.arange(10))
    for x, y in DataLoader(data, batch_size=4, shuffle=True, device="cuda"):
        assert x.device == "cuda" and y.device == "cuda"
    rows = [({"ids": [1, 2]}, 0.5), ({"ids": [3, 4]}, 1.5)]
    (batch,) = DataLoader(rows, batch_size=2, device="cuda")
    assert batch[0]["ids"][0].device == "cuda" and batch[1].device == "cuda"
    # A dataset already on the device, indexed with host-side shuffled positions.
    on_device = TensorDataset(minigrad.randn(10, 3, device="cuda"), minigrad.arange(10, device="cuda"))
    assert all(x.device == "cuda" for x, _ in DataLoader(on_device, batch_size=3, shuffle=True))


def test_save_copies_to_the_host_and_load_maps_to_a_device(fake_cuda, tmp_path):
    model = nn.Linear(3, 2).to("cuda")
    minigrad.save({"model": model.state_dict(), "step": 3}, tmp_path / "ckpt.npz")
    on_host = minigrad.load(tmp_path / "ckpt.npz")
    assert all(t.device == "cpu" for t in on_host["model"].values())
    on_gpu = minigrad.load(tmp_path / "ckpt.npz", map_location="cuda")
    assert all(t.device == "cuda" for t in on_gpu["model"].values()) and on_gpu["step"] == 3
    np.testing.assert_array_equal(on_gpu["model"]["weight"].numpy(), model.weight.detach().numpy())
    # A host checkpoint loads into a model on the GPU (and stays there).
    fresh = nn.Linear(3, 2).to("cuda")
    fresh.load_state_dict(on_host["model"])
    assert fresh.weight.device == "cuda"
    np.testing.assert_array_equal(fresh.weight.detach().numpy(), model.weight.detach().numpy())


def test_load_without_map_location_follows_the_default_device(fake_cuda, tmp_path, default_device_restored):
    minigrad.save({"w": minigrad.ones(2)}, tmp_path / "c.npz")
    minigrad.set_default_device("cuda")
    assert minigrad.load(tmp_path / "c.npz")["w"].device == "cuda"
    assert minigrad.load(tmp_path / "c.npz", map_location="cpu")["w"].device == "cpu"


# ------------------------------------------------------------------- cost
def test_the_same_device_check_costs_one_type_comparison_on_the_cpu(monkeypatch):
    def fail(*args):
        raise AssertionError("check_same_device ran although every input was a NumPy array")

    monkeypatch.setattr(backend, "check_same_device", fail)
    x = minigrad.randn(3, 3, requires_grad=True)
    ((x @ x).tanh() * 2 + 1).sum().backward()
    assert x.grad.shape == (3, 3)


# ------------------------------------------------------------- benchmark
def test_the_gpu_benchmark_runs_its_epoch_on_either_device(fake_cuda, monkeypatch):
    import pathlib
    import runpy

    folder = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
    monkeypatch.syspath_prepend(str(folder))
    bench = runpy.run_path(str(folder / "gpu.py"))
    rng = np.random.default_rng(0)
    batches = [(rng.integers(0, 30, (4, 6)), rng.integers(0, 2, 4)) for _ in range(3)]
    for device in ("cpu", "cuda"):
        seconds, cpu_seconds, loss = bench["epoch"](batches, 30, device, warmup=1)
        assert seconds > 0 and cpu_seconds >= 0 and np.isfinite(loss)


def test_moving_between_devices_passes_gradcheck(fake_cuda):
    # ToDevice's backward moves g back to where the input lived: dL/dx = g on x's device.
    x = minigrad.randn(3, 4, dtype=minigrad.float64, requires_grad=True)
    assert minigrad.gradcheck(lambda t: t.to("cuda") * t.to("cuda").exp(), (x,))  # output on the device
    assert minigrad.gradcheck(lambda t: t.to("cuda").exp().cpu(), (x,))  # there and back
