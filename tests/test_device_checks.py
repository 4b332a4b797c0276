"""Value checks on a GPU never make a training step wait; a bad value is still reported, at the next host read.

On the CPU a bad class target or word id raises in the operation (the tests
of the losses and the embedding say so).  On a GPU (here the stand-in of
tests/_fake_device.py, which counts every point where CuPy would make the
host wait) the verdict stays on the device until values are read anyway.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import device_checks, nn
from minigrad.models import RNNClassifier, TextCNN


def test_a_bad_target_on_the_gpu_raises_at_the_next_read_with_the_cpu_message(fake_cuda):
    logits = minigrad.zeros(2, 3, device="cuda", requires_grad=True)
    loss = F.cross_entropy(logits, minigrad.tensor([1, 3], device="cuda"))  # no wait, no error yet
    assert fake_cuda.waits == 0
    with pytest.raises(IndexError, match=r"cross_entropy: target value 3 is out of range for C=3 .*"
                                         r"found on the GPU when the operation ran"):
        loss.item()
    assert loss.device == "cuda" and minigrad.ones(1, device="cuda").item() == 1.0  # reported once, then clear


def test_a_bad_word_id_on_the_gpu_raises_at_the_next_read(fake_cuda):
    table = nn.Embedding(10, 4).to("cuda")
    out = table(minigrad.tensor([[1, 12, 2]], device="cuda"))
    with pytest.raises(IndexError, match=r"embedding: index 12 is out of range for a vocabulary of 10 rows"):
        out.detach().sum().numpy()


@pytest.mark.filterwarnings("ignore:invalid value encountered in log")  # log(1 - 1.25), before the report
def test_a_probability_outside_zero_to_one_on_the_gpu_raises_at_the_next_read(fake_cuda):
    p = minigrad.tensor([0.5, 1.25], device="cuda")
    loss = F.binary_cross_entropy(p, minigrad.tensor([1.0, 0.0], device="cuda"))
    with pytest.raises(ValueError, match=r"probability between 0 and 1, found 1\.25"):
        print(loss)  # printing is a host read too


def test_good_values_pass_and_nothing_is_left_waiting(fake_cuda):
    loss = F.cross_entropy(minigrad.zeros(2, 3, device="cuda"), minigrad.tensor([0, 2], device="cuda"))
    assert loss.item() == pytest.approx(np.log(3.0)) and device_checks._pending == []


def test_a_loop_that_never_reads_still_hears_of_a_bad_value_within_the_limit(fake_cuda):
    logits, good = minigrad.zeros(1, 2, device="cuda"), minigrad.tensor([1], device="cuda")
    F.cross_entropy(logits, minigrad.tensor([5], device="cuda"))
    with pytest.raises(IndexError, match="target value 5"):
        for _ in range(device_checks.PENDING_LIMIT):
            F.cross_entropy(logits, good)
    assert fake_cuda.waits == 4  # whether any check failed, which one, then the bad value and its download


def test_on_the_cpu_the_check_raises_at_once():
    with pytest.raises(IndexError, match=r"target value 3 is out of range for C=3 classes \(valid: 0 to 2"):
        F.cross_entropy(minigrad.zeros(2, 3), minigrad.tensor([1, 3]))
    assert device_checks._pending == []


@pytest.mark.parametrize("make", [
    lambda v: TextCNN(v, 2, embed_dim=8, num_filters=4, kernel_sizes=(2, 3), dropout=0.5),
    lambda v: RNNClassifier(v, 2, cell="lstm", embed_dim=8, hidden_size=6, bidirectional=True, pooling="max"),
], ids=["textcnn", "bilstm"])
def test_a_training_step_on_the_gpu_never_waits_for_it(fake_cuda, make):
    minigrad.manual_seed(0)
    model = make(20).to("cuda")
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    ids = minigrad.tensor(np.array([[3, 4, 5, 6, 0], [7, 8, 9, 0, 0]]), device="cuda")
    labels = minigrad.tensor([0, 1], device="cuda")
    for _ in range(3):
        loss = F.cross_entropy(model(ids), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert fake_cuda.waits == 0, "a training step made the host wait for the GPU"
    assert np.isfinite(loss.item()) and fake_cuda.waits == 2  # whether a queued check failed, then the loss
