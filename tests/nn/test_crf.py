"""nn.CRF: the forward algorithm against brute force, its gradient against forward-backward, Viterbi, masks."""
import itertools

import numpy as np
import pytest

import minigrad
from minigrad import nn

F64 = minigrad.float64


def make_crf(rng, num_tags, batch_first=False):
    crf = nn.CRF(num_tags, batch_first=batch_first, dtype=F64)
    for p in (crf.start_transitions, crf.end_transitions, crf.transitions):
        p.data = minigrad.tensor(rng.normal(size=p.shape), dtype=F64)  # wider than U(-0.1, 0.1): a harder test
    return crf


def params(crf):
    return [p.detach().numpy() for p in (crf.start_transitions, crf.end_transitions, crf.transitions)]


def path_score(start, end, trans, emissions, path):
    """s(x, y) written straight from the definition, for one sequence of emissions (L, K)."""
    s = start[path[0]] + end[path[-1]] + sum(emissions[t, y] for t, y in enumerate(path))
    return s + sum(trans[a, b] for a, b in zip(path, path[1:]))


def brute_force(crf, emissions, length):
    """(log Z, best path) over all K^L tag sequences of one sequence's first ``length`` emissions (L, K)."""
    start, end, trans = params(crf)
    paths = list(itertools.product(range(crf.num_tags), repeat=length))
    scores = np.array([path_score(start, end, trans, emissions[:length], p) for p in paths])
    top = scores.max()
    return top + np.log(np.exp(scores - top).sum()), list(paths[scores.argmax()])


def batch(rng, lengths, num_tags):
    """Time-first emissions (L, N, K), tags (L, N) with -100 on the padding, and the mask."""
    longest = max(lengths)
    emissions = rng.normal(size=(longest, len(lengths), num_tags))
    tags = rng.integers(0, num_tags, size=(longest, len(lengths)))
    mask = np.arange(longest)[:, None] < np.array(lengths)[None, :]
    tags[~mask] = -100
    return emissions, tags, mask


# ------------------------------------------------------ the forward algorithm
@pytest.mark.parametrize("num_tags, lengths", [(1, [3]), (2, [1]), (3, [4, 2, 1, 3]), (4, [5, 5])])
def test_log_likelihood_matches_brute_force_enumeration(rng, num_tags, lengths):
    crf = make_crf(rng, num_tags)
    emissions, tags, mask = batch(rng, lengths, num_tags)
    llh = crf(minigrad.tensor(emissions), minigrad.tensor(tags), minigrad.tensor(mask), reduction="none").detach().numpy()
    start, end, trans = params(crf)
    for n, length in enumerate(lengths):
        log_z, _ = brute_force(crf, emissions[:, n], length)
        expected = path_score(start, end, trans, emissions[:length, n], tags[:length, n]) - log_z
        assert abs(llh[n] - expected) < 1e-10


def test_probabilities_of_all_tag_sequences_sum_to_one(rng):
    crf = make_crf(rng, 3)
    emissions = minigrad.tensor(rng.normal(size=(4, 1, 3)))
    total = sum(np.exp(crf(emissions, minigrad.tensor([[y] for y in path])).item())
                for path in itertools.product(range(3), repeat=4))
    assert total == pytest.approx(1.0, abs=1e-12)


def test_reductions(rng):
    crf = make_crf(rng, 3)
    e, t, m = (minigrad.tensor(a) for a in batch(rng, [4, 2, 3], 3))
    each = crf(e, t, m, reduction="none")
    assert each.shape == (3,)
    assert crf(e, t, m).item() == pytest.approx(each.sum().item())  # 'sum' is pytorch-crf's default
    assert crf(e, t, m, reduction="mean").item() == pytest.approx(each.mean().item())
    assert crf(e, t, m, reduction="token_mean").item() == pytest.approx(each.sum().item() / 9)
    with pytest.raises(ValueError, match="reduction must be one of"):
        crf(e, t, m, reduction="average")


def test_batch_first_gives_the_same_numbers(rng):
    crf = make_crf(rng, 3)
    e, t, m = batch(rng, [3, 1], 3)
    first = make_crf(rng, 3, batch_first=True)
    first.load_state_dict(crf.state_dict())
    swap = lambda a: minigrad.tensor(np.swapaxes(a, 0, 1).copy())  # noqa: E731
    time_first = crf(minigrad.tensor(e), minigrad.tensor(t), minigrad.tensor(m), reduction="none")
    assert np.allclose(first(swap(e), swap(t), swap(m), reduction="none").detach().numpy(), time_first.detach().numpy(), atol=1e-12)
    assert first.decode(swap(e), swap(m)) == crf.decode(minigrad.tensor(e), minigrad.tensor(m))


def test_padding_is_never_read(rng):
    crf = make_crf(rng, 3)
    e, t, m = batch(rng, [4, 2], 3)
    before = crf(minigrad.tensor(e), minigrad.tensor(t), minigrad.tensor(m), reduction="none").detach().numpy()
    e[~m], t[~m] = 1e6, 2  # any emissions and any tags under the mask
    after = crf(minigrad.tensor(e), minigrad.tensor(t), minigrad.tensor(m), reduction="none").detach().numpy()
    assert np.array_equal(before, after)


# ------------------------------------------------------------------ gradients
def with_params(crf, fn):
    """fn(emissions, start, end, transitions) with the given tensors standing in for the CRF's parameters."""

    def call(emissions, start, end, transitions):
        crf._parameters.update(start_transitions=start, end_transitions=end, transitions=transitions)
        return fn(emissions)

    return call


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "token_mean"])
def test_gradcheck(rng, leaf, reduction):
    crf = make_crf(rng, 3)
    _, tags, mask = batch(rng, [3, 1, 2], 3)
    inputs = (leaf(3, 3, 3), leaf(3), leaf(3), leaf(3, 3))
    llh = with_params(crf, lambda e: crf(e, minigrad.tensor(tags), minigrad.tensor(mask), reduction=reduction))
    assert minigrad.gradcheck(llh, inputs)


def forward_backward(crf, emissions):
    """Marginals of one sequence (L, K) written out in NumPy: P(y_t = k) and P(y_{t-1} = i, y_t = j)."""
    start, end, trans = params(crf)
    length, k = emissions.shape
    alpha, beta = np.zeros((length, k)), np.zeros((length, k))
    alpha[0] = start + emissions[0]
    for t in range(1, length):
        alpha[t] = np.logaddexp.reduce(alpha[t - 1][:, None] + trans, axis=0) + emissions[t]
    beta[-1] = end
    for t in range(length - 2, -1, -1):
        beta[t] = np.logaddexp.reduce(trans + emissions[t + 1] + beta[t + 1], axis=1)
    log_z = np.logaddexp.reduce(alpha[-1] + end)
    unary = np.exp(alpha + beta - log_z)
    pairs = np.exp(alpha[:-1, :, None] + trans + (emissions[1:] + beta[1:])[:, None, :] - log_z)
    return unary, pairs


def test_gradient_is_observed_minus_expected_counts(rng):
    # d log P(y|x) / d theta = (counts of theta's feature in y) - (its expected counts under the model)
    crf = make_crf(rng, 4)
    emissions = rng.normal(size=(5, 1, 4))
    tags = rng.integers(0, 4, size=(5, 1))
    e = minigrad.tensor(emissions, requires_grad=True)
    crf(e, minigrad.tensor(tags)).backward()
    unary, pairs = forward_backward(crf, emissions[:, 0])
    path = tags[:, 0]
    observed = np.zeros((4, 4))
    np.add.at(observed, (path[:-1], path[1:]), 1)
    assert np.allclose(crf.transitions.grad.detach().numpy(), observed - pairs.sum(axis=0), atol=1e-12)
    assert np.allclose(e.grad.detach().numpy()[:, 0], np.eye(4)[path] - unary, atol=1e-12)
    assert np.allclose(crf.start_transitions.grad.detach().numpy(), np.eye(4)[path[0]] - unary[0], atol=1e-12)
    assert np.allclose(crf.end_transitions.grad.detach().numpy(), np.eye(4)[path[-1]] - unary[-1], atol=1e-12)


# -------------------------------------------------------------------- Viterbi
@pytest.mark.parametrize("num_tags, lengths", [(1, [2]), (3, [4, 1, 3]), (5, [4, 4])])
def test_decode_finds_the_best_path_of_brute_force(rng, num_tags, lengths):
    crf = make_crf(rng, num_tags)
    emissions, _, mask = batch(rng, lengths, num_tags)
    paths = crf.decode(minigrad.tensor(emissions), minigrad.tensor(mask))
    assert [len(p) for p in paths] == lengths
    for n, length in enumerate(lengths):
        assert paths[n] == brute_force(crf, emissions[:, n], length)[1]


def test_decode_without_mask_uses_every_step(rng):
    crf = make_crf(rng, 2)
    emissions = rng.normal(size=(3, 2, 2))
    assert [len(p) for p in crf.decode(minigrad.tensor(emissions))] == [3, 3]


def test_transitions_can_overrule_the_emissions():
    crf = nn.CRF(2, dtype=F64)
    for p in (crf.start_transitions, crf.end_transitions):
        p.data = minigrad.zeros(2, dtype=F64)
    crf.transitions.data = minigrad.tensor([[0.0, -10.0], [-10.0, 0.0]], dtype=F64)  # changing tag costs 10
    emissions = minigrad.tensor([[[2.0, 0.0]], [[0.0, 1.0]], [[0.0, 1.0]]], dtype=F64)
    assert crf.decode(emissions) == [[0, 0, 0]]  # alone, steps 2 and 3 would pick tag 1


# --------------------------------------------------------- interface and errors
def test_parameters_are_pytorch_crfs():
    minigrad.manual_seed(0)
    crf = nn.CRF(5)
    assert sorted(crf.state_dict()) == ["end_transitions", "start_transitions", "transitions"]
    assert crf.transitions.shape == (5, 5) and crf.start_transitions.shape == (5,)
    for p in crf.parameters():
        assert p.dtype == minigrad.float32 and np.abs(p.detach().numpy()).max() <= 0.1
    assert repr(crf) == "CRF(num_tags=5)"


@pytest.mark.parametrize("call, message", [
    (lambda crf: nn.CRF(0), "num_tags must be a positive int, got 0"),
    (lambda crf: crf(minigrad.zeros(2, 3), minigrad.zeros(2, dtype=minigrad.int64)), "emissions must be a 3-D"),
    (lambda crf: crf(minigrad.zeros(2, 1, 4), minigrad.zeros(2, 1, dtype=minigrad.int64)),
     "last dimension of emissions must be num_tags=3, got 4"),
    (lambda crf: crf(minigrad.zeros(2, 1, 3), minigrad.zeros(1, 2, dtype=minigrad.int64)),
     r"tags must have the shape of emissions without its last dimension, \(2, 1\), got \(1, 2\)"),
    (lambda crf: crf.decode(minigrad.zeros(2, 2, 3), minigrad.tensor([[1, 0], [1, 0]])),
     "the mask of the first timestep must be on"),
])
def test_errors_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call(nn.CRF(3))


def test_float_tags_are_refused():
    with pytest.raises(TypeError, match=r"tags must be an integer tensor .*\.long\(\)"):
        nn.CRF(3)(minigrad.zeros(2, 1, 3), minigrad.zeros(2, 1))


def test_learns_tag_transitions():
    # Emissions say nothing (all zero); the tags alternate 0, 1, 0, 1: only the transitions can learn that.
    minigrad.manual_seed(0)
    crf = nn.CRF(2)
    optimizer = minigrad.optim.Adam(crf.parameters(), lr=0.1)
    emissions = minigrad.zeros(6, 4, 2)
    tags = minigrad.tensor([[t % 2] * 4 for t in range(6)])
    for _ in range(50):
        optimizer.zero_grad()
        loss = -crf(emissions, tags, reduction="mean")
        loss.backward()
        optimizer.step()
    assert crf.decode(emissions)[0] == [0, 1, 0, 1, 0, 1]
    assert crf.transitions.data[0, 1].item() > crf.transitions.data[0, 0].item()


def test_runs_on_the_device_of_its_inputs(rng, device):
    crf = make_crf(rng, 3)
    e, t, m = batch(rng, [3, 2], 3)
    expected = crf(minigrad.tensor(e), minigrad.tensor(t), minigrad.tensor(m), reduction="none").detach().numpy()
    paths = crf.decode(minigrad.tensor(e), minigrad.tensor(m))
    crf.to(device)
    emissions = minigrad.tensor(e, device=device, requires_grad=True)
    llh = crf(emissions, minigrad.tensor(t, device=device), minigrad.tensor(m, device=device), reduction="none")
    llh.sum().backward()
    assert np.allclose(llh.detach().cpu().numpy(), expected, atol=1e-12)
    assert emissions.grad.device == crf.transitions.grad.device == emissions.device
    assert crf.decode(emissions, minigrad.tensor(m, device=device)) == paths
    assert len(crf.decode(emissions)) == 2  # the default mask is made on the emissions' device


def test_tags_and_mask_must_be_tensors():
    with pytest.raises(TypeError, match="tags must be an integer tensor of tag ids, got list"):
        nn.CRF(3)(minigrad.zeros(2, 1, 3), [[0], [1]])
    with pytest.raises(TypeError, match="mask must be a bool"):
        nn.CRF(3).decode(minigrad.zeros(2, 1, 3), [[1], [1]])
