"""The device discipline, tested for real without a GPU.

The stand-in array library of tests/_fake_device.py plays the GPU: its arrays
refuse to become NumPy arrays implicitly and refuse to mix with NumPy
arrays, and NumPy's functions refuse them.  Training the course's two
models on it - forward, backward and an optimizer step - therefore fails at
any operation that calls NumPy directly, makes a host array where a device
array belongs, or copies values to the host behind the user's back.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.models import BowMLP, TextCNN


def test_the_stand_in_is_as_strict_as_promised(fake_cuda):
    a = fake_cuda.asarray([1.0, 2.0])
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(a)
    with pytest.raises(TypeError, match="host numpy.ndarray"):
        a + np.ones(2)
    with pytest.raises(TypeError):
        np.ones(2) + a
    with pytest.raises(TypeError):
        np.exp(a)
    with pytest.raises(TypeError, match="numpy.stack"):
        np.stack([a, a])
    with pytest.raises(AttributeError, match="errstate"):
        fake_cuda.errstate  # noqa: B018 - CuPy has none either
    assert isinstance(a * 2.0 + a, fake_cuda.ndarray)
    assert fake_cuda.asnumpy(a).tolist() == [1.0, 2.0] and fake_cuda.downloads == 1


def _run(model, inputs, labels, fake_cuda, optimizer_class=minigrad.optim.Adam):
    model.to("cuda")
    optimizer = optimizer_class(model.parameters(), lr=1e-2)
    before = {name: p.detach().numpy() for name, p in model.named_parameters()}
    downloads = fake_cuda.downloads
    x, y = inputs.to("cuda"), labels.to("cuda")
    model.train()
    loss = F.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    # Nothing came to the host during the step: not the forward, the backward or the update.
    assert fake_cuda.downloads == downloads, "values were copied to the host during a training step"
    assert loss.device == "cuda" and isinstance(loss._data, fake_cuda.ndarray)
    for name, p in model.named_parameters():
        assert isinstance(p._data, fake_cuda.ndarray), f"{name} left the device"
        assert isinstance(p.grad._data, fake_cuda.ndarray), f"the gradient of {name} is not on the device"
        for key, value in optimizer.state[p].items():
            assert not isinstance(value, np.ndarray), f"optimizer state {key!r} of {name} is on the host"
    for buffer in model.buffers():
        assert isinstance(buffer._data, fake_cuda.ndarray)
    changed = [name for name, p in model.named_parameters() if not np.array_equal(p.detach().numpy(), before[name])]
    assert changed, "the optimizer step changed no parameter"
    return loss


def test_bow_mlp_trains_on_the_device_without_touching_the_host(fake_cuda):
    minigrad.manual_seed(0)
    model = BowMLP(30, 3, hidden=(16, 8), dropout=0.5)
    bags = minigrad.tensor((np.random.default_rng(0).random((6, 30)) < 0.2).astype(np.float32))
    labels = minigrad.tensor([0, 1, 2, 0, 1, 2])
    loss = _run(model, bags, labels, fake_cuda)
    assert np.isfinite(loss.item())
    model.eval()
    with minigrad.no_grad():
        assert model(bags.cuda()).argmax(dim=1).device == "cuda"


def test_textcnn_trains_on_the_device_without_touching_the_host(fake_cuda):
    minigrad.manual_seed(0)
    model = TextCNN(40, 2, embed_dim=8, num_filters=4, kernel_sizes=(2, 3), dropout=0.5, padding_idx=0)
    ids = minigrad.tensor(np.random.default_rng(1).integers(0, 40, (5, 7)))
    labels = minigrad.tensor([0, 1, 1, 0, 1])
    loss = _run(model, ids, labels, fake_cuda)
    assert np.isfinite(loss.item())


@pytest.mark.parametrize("optimizer_class", [minigrad.optim.SGD, minigrad.optim.AdamW])
def test_other_optimizers_step_on_the_device(fake_cuda, optimizer_class):
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2))
    _run(model, minigrad.randn(3, 5), minigrad.tensor([0, 1, 1]), fake_cuda, optimizer_class)


def test_a_host_tensor_meeting_a_device_tensor_names_both_devices(fake_cuda):
    layer = nn.Linear(3, 2).to("cuda")
    with pytest.raises(RuntimeError, match=r"linear: expected all tensors on the same device, found cpu and cuda:0"):
        layer(minigrad.randn(4, 3))


@pytest.mark.parametrize("pooling", ["last", "max", "attention"])
def test_rnn_classifier_trains_on_the_device_without_touching_the_host(fake_cuda, pooling):
    from minigrad.models import RNNClassifier

    minigrad.manual_seed(0)
    model = RNNClassifier(40, 2, cell="lstm", embed_dim=8, hidden_size=4, pooling=pooling)
    ids = minigrad.tensor([[3, 4, 5, 6], [7, 8, 0, 0], [9, 0, 0, 0]])
    loss = _run(model, ids, minigrad.tensor([0, 1, 1]), fake_cuda)
    assert np.isfinite(loss.item())


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_rnn_tagger_trains_on_the_device_without_touching_the_host(fake_cuda, cell):
    from minigrad.models import RNNTagger

    class PerWord(nn.Module):  # the tagger's (N, L, C) scores as rows of one cross-entropy, as token_cross_entropy does
        def __init__(self, tagger):
            super().__init__()
            self.tagger = tagger

        def forward(self, ids):
            return self.tagger(ids).reshape(-1, 3)

    minigrad.manual_seed(0)
    model = PerWord(RNNTagger(40, 3, cell=cell, embed_dim=8, hidden_size=4))
    ids = minigrad.tensor([[3, 4, 5, 6], [7, 8, 0, 0], [9, 0, 0, 0]])
    loss = _run(model, ids, minigrad.tensor([[0, 1, 2, 0], [1, 1, -100, -100], [2, -100, -100, -100]]).reshape(-1),
                fake_cuda)
    assert np.isfinite(loss.item())
