"""Recurrent layers (nn/rnn.py, nn/rnn_functions.py): PyTorch's numbers, gradchecks of BPTT, cells, masks, errors.

Reference numbers marked "PyTorch 2.13" were computed with torch 2.13 (CPU,
float64) on the inputs built by ``_reference_case``; the suite itself never
imports torch, except in the broader comparison at the end, which is skipped
without it.
"""
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import gradcheck, nn
from minigrad.errors import ShapeError
from minigrad.nn.rnn_functions import GRUFunction, LSTMFunction, RNNFunction
from minigrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

F64 = minigrad.float64
LAYERS = {"rnn_tanh": (nn.RNN, {}), "rnn_relu": (nn.RNN, {"nonlinearity": "relu"}), "lstm": (nn.LSTM, {}),
          "gru": (nn.GRU, {})}


def value(t):
    return t.detach().numpy()


# ------------------------------------------------------------ PyTorch's numbers, always checked
def _reference_case(kind):
    """A bidirectional batch-first layer (I = H = 2) with seeded weights, packed lengths [3, 2], h0 (and c0)."""
    rng = np.random.default_rng(14)
    layer = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind](2, 2, bidirectional=True, batch_first=True,
                                                                dtype=F64)
    layer.load_state_dict({k: rng.uniform(-0.5, 0.5, v.shape) for k, v in layer.state_dict().items()})
    x = minigrad.tensor(rng.uniform(-1, 1, (2, 3, 2)), requires_grad=True)
    h0 = minigrad.tensor(rng.uniform(-1, 1, (2, 2, 2)), requires_grad=True)
    hx = (h0, minigrad.tensor(rng.uniform(-1, 1, (2, 2, 2)))) if kind == "LSTM" else h0
    out, h_n = layer(pack_padded_sequence(x, [3, 2], batch_first=True), hx)
    out, _ = pad_packed_sequence(out, batch_first=True)
    h_n = h_n[0] if kind == "LSTM" else h_n
    w = minigrad.tensor(rng.uniform(-1, 1, out.shape))
    ((out * w).sum() + h_n.sum()).backward()
    return {"output": value(out), "h_n": value(h_n), "x.grad": x.grad.numpy(), "h0.grad": h0.grad.numpy(),
            "weight_hh_l0_reverse.grad": layer.weight_hh_l0_reverse.grad.numpy()}


# PyTorch 2.13: the same case with torch.nn.{RNN,LSTM,GRU}(2, 2, bidirectional=True, batch_first=True).double(),
# pack_padded_sequence(x, [3, 2], batch_first=True), pad_packed_sequence(..., batch_first=True),
# loss ((output * w).sum() + h_n.sum()).backward().
REFERENCE = {
    "RNN": {
        "output": [[[0.4580837965, -0.5684698564, -0.1700014811, 0.300606855],
                    [-0.0815280361, -0.2352321245, 0.1800024016, 0.2330436299],
                    [0.0949310626, -0.7229125825, -0.2314950082, 0.20869406]],
                   [[0.4925812975, 0.2556126992, 0.0896820687, 0.4706190879],
                    [0.4924407561, 0.1985028838, 0.5024875959, -0.2169957072], [0.0, 0.0, 0.0, 0.0]]],
        "h_n": [[[0.0949310626, -0.7229125825], [0.4924407561, 0.1985028838]],
                [[-0.1700014811, 0.300606855], [0.0896820687, 0.4706190879]]],
        "x.grad": [[[0.2024361055, 0.1879407446], [0.4990655408, 0.5049514474], [-0.1614622266, -0.1939322237]],
                   [[0.4148312355, 0.2450811825], [0.4451689633, 0.4379568056], [0.0, 0.0]]],
        "h0.grad": [[[0.0364597406, -0.0049576693], [0.0322552082, -0.0239581822]],
                    [[0.6389199313, -0.311374638], [0.2913910757, -0.1059114573]]],
        "weight_hh_l0_reverse.grad": [[1.2995125329, 1.129475156], [-0.532893786, 0.2857671287]],
    },
    "LSTM": {
        "output": [[[0.3252114426, 0.1165201022, 0.0736215482, 0.007000278],
                    [0.2074264756, -0.0891094016, 0.0851555734, -0.0595892095],
                    [0.2116020894, -0.1689810129, 0.1583127056, -0.0726310949]],
                   [[-0.1818754559, 0.0586893889, 0.0279923208, 0.0484451951],
                    [0.0098011206, -0.0663498129, -0.0102081968, 0.1700851872], [0.0, 0.0, 0.0, 0.0]]],
        "h_n": [[[0.2116020894, -0.1689810129], [0.0098011206, -0.0663498129]],
                [[0.0736215482, 0.007000278], [0.0279923208, 0.0484451951]]],
        "x.grad": [[[0.0849255534, -0.1193133699], [0.0014256935, -0.1096479616], [0.0033331144, -0.073005582]],
                   [[0.0684637651, 0.0157291408], [-0.0884170278, -0.0001842528], [0.0, 0.0]]],
        "h0.grad": [[[-0.0435965084, 0.0979598679], [0.1453775036, -0.3210063617]],
                    [[0.0058167411, 0.0321363053], [0.0039942734, -0.0381179466]]],
        "weight_hh_l0_reverse.grad": [[0.0117675841, 0.014482939], [-0.0081569559, 0.0251477127],
                                      [0.0263533926, -0.0565794679], [0.0002484844, 0.0279105142],
                                      [0.0822335262, -0.0185365446], [0.0295043109, 0.059752277],
                                      [0.0175678473, -0.0221072954], [0.007617345, 0.0392034195]],
    },
    "GRU": {
        "output": [[[-0.1074752902, 0.0065603117, -0.3821881835, 0.3392242516],
                    [-0.0808825639, -0.1264510523, -0.3238120266, 0.4326114917],
                    [-0.0937129622, -0.2333232859, -0.1958345174, 0.1898123884]],
                   [[0.3507960357, 0.2398955398, -0.7907176674, 0.1049394377],
                    [0.1479762326, -0.0423547154, -0.8840029756, -0.1130481327], [0.0, 0.0, 0.0, 0.0]]],
        "h_n": [[[-0.0937129622, -0.2333232859], [0.1479762326, -0.0423547154]],
                [[-0.3821881835, 0.3392242516], [-0.7907176674, 0.1049394377]]],
        "x.grad": [[[0.0004592669, 0.0406747587], [-0.0239064565, 0.021133691], [-0.1078077126, 0.018914659]],
                   [[0.2129401087, 0.0306038665], [0.1286363246, 0.0087546247], [0.0, 0.0]]],
        "h0.grad": [[[0.4113063289, 0.0468753269], [0.7160402035, 0.6207098543]],
                    [[-0.711078219, -0.3270276698], [0.2166417505, 0.3723241823]]],
        "weight_hh_l0_reverse.grad": [[0.0077697888, -0.0050108149], [-0.0054602421, 0.007438965],
                                      [0.0263402129, 0.0230933032], [0.1590799198, 0.0118910773],
                                      [-0.013724272, 0.0180529855], [-0.2604581728, 0.0019027602]],
    },
}


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_a_packed_bidirectional_layer_matches_pytorch(kind):
    got = _reference_case(kind)
    for name, expected in REFERENCE[kind].items():
        np.testing.assert_allclose(got[name], expected, atol=1e-9, err_msg=f"{kind} {name}")


# ------------------------------------------------------------ BPTT against finite differences
def _function_inputs(rng, gates, lstm, bias, seq=3, batch=2, features=2, hidden=2):
    leaf = lambda *shape: minigrad.tensor(rng.uniform(-1, 1, shape), requires_grad=True)  # noqa: E731
    x, h0 = leaf(seq, batch, features), leaf(batch, hidden)
    states = (h0, leaf(batch, hidden)) if lstm else (h0,)
    weights = (leaf(gates * hidden, features), leaf(gates * hidden, hidden))
    biases = (leaf(gates * hidden), leaf(gates * hidden)) if bias else (None, None)
    return (x,) + states + weights + biases


MASKS = {"full": None, "lengths 3, 1": np.array([[True, True], [True, False], [True, False]])[:, :, None]}
FUNCTIONS = {"rnn tanh": (RNNFunction, 1), "rnn relu": (RNNFunction, 1), "lstm": (LSTMFunction, 4),
             "gru": (GRUFunction, 3)}


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no bias"])
def test_every_bptt_function_passes_gradcheck(rng, name, reverse, mask, bias):
    function, gates = FUNCTIONS[name]
    inputs = _function_inputs(rng, gates, function is LSTMFunction, bias)
    settings = (reverse, name.split()[1]) if function is RNNFunction else reverse
    # Every output step, weighted differently, so that every path through time is checked.
    assert gradcheck(lambda *args: function.apply(*args, MASKS[mask], settings), inputs)


def test_padded_steps_pass_their_gradient_straight_through_to_the_state_before(rng):
    # Sequence 1 is one step long: steps 2 and 3 carry its state, so dL/dh0 reaches it through them unchanged.
    x, h0, w_ih, w_hh, b_ih, b_hh = _function_inputs(rng, 1, False, True)
    states = RNNFunction.apply(x, h0, w_ih, w_hh, b_ih, b_hh, MASKS["lengths 3, 1"], (False, "tanh"))
    np.testing.assert_array_equal(value(states)[1:, 1], value(states)[[0, 0], 1])
    states[2, 1].sum().backward()
    alone = minigrad.tensor(h0.detach().numpy()[1:], requires_grad=True)
    RNNFunction.apply(x[:1, 1:], alone, w_ih, w_hh, b_ih, b_hh, None, (False, "tanh")).sum().backward()
    np.testing.assert_allclose(h0.grad.numpy()[1], alone.grad.numpy()[0], atol=1e-15)


# ------------------------------------------------------------ the layers: cells looped in Python agree
@pytest.mark.parametrize("name", LAYERS)
def test_the_layer_equals_its_cell_looped_over_time_in_both_directions(rng, name):
    cls, kwargs = LAYERS[name]
    minigrad.manual_seed(0)
    layer = cls(3, 4, bidirectional=True, dtype=F64, **kwargs)
    cell_cls = {nn.RNN: nn.RNNCell, nn.LSTM: nn.LSTMCell, nn.GRU: nn.GRUCell}[cls]
    cells = [cell_cls(3, 4, dtype=F64, **kwargs) for _ in range(2)]
    for cell, suffix in zip(cells, ["", "_reverse"]):
        cell.load_state_dict({k: getattr(layer, f"{k}_l0{suffix}").detach() for k in cell.state_dict()})
    x = minigrad.tensor(rng.uniform(-1, 1, (5, 2, 3)), requires_grad=True)
    out, _ = layer(x)
    (out * out).sum().backward()
    layer_grads = {n: p.grad.numpy() for n, p in layer.named_parameters()}
    x_grad, x.grad = x.grad.numpy(), None
    halves = []
    for cell, steps in zip(cells, [range(5), range(4, -1, -1)]):
        state, seq = None, {}
        for t in steps:
            state = cell(x[t], state)
            seq[t] = state[0] if cls is nn.LSTM else state
        halves.append(minigrad.stack([seq[t] for t in range(5)]))
    looped = minigrad.cat(halves, dim=2)
    np.testing.assert_allclose(value(out), value(looped), atol=1e-13)
    (looped * looped).sum().backward()
    np.testing.assert_allclose(x_grad, x.grad.numpy(), atol=1e-12)
    for cell, suffix in zip(cells, ["", "_reverse"]):
        for n, p in cell.named_parameters():
            np.testing.assert_allclose(layer_grads[f"{n}_l0{suffix}"], p.grad.numpy(), atol=1e-12, err_msg=n)


@pytest.mark.parametrize("name", LAYERS)
def test_cells_pass_gradcheck_and_accept_a_single_example(rng, name):
    cls, kwargs = LAYERS[name]
    cell = {nn.RNN: nn.RNNCell, nn.LSTM: nn.LSTMCell, nn.GRU: nn.GRUCell}[cls](2, 3, dtype=F64, **kwargs)
    x, h = (minigrad.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in [(2, 2), (2, 3)])
    state = (h, h * 0.5) if cls is nn.LSTM else h
    out = (lambda *a: cell(a[0], (a[1], a[1] * 0.5))) if cls is nn.LSTM else cell
    assert gradcheck(out, (x, h))
    one = cell(x[0], (h[0], h[0] * 0.5) if cls is nn.LSTM else h[0])
    batch = cell(x, state)
    first = (lambda s: s[0]) if cls is nn.LSTM else (lambda s: s)
    np.testing.assert_allclose(value(first(one)), value(first(batch))[0], atol=1e-15)


# ------------------------------------------------------------ variable lengths
@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_a_padded_sentence_gives_the_same_output_and_state_as_alone(rng, name, bidirectional):
    cls, kwargs = LAYERS[name]
    layer = cls(2, 3, num_layers=2, bidirectional=bidirectional, batch_first=True, dtype=F64, **kwargs)
    long_one, short_one = rng.uniform(-1, 1, (6, 2)), rng.uniform(-1, 1, (2, 2))
    batch = np.zeros((2, 6, 2))
    batch[0], batch[1, :2] = long_one, short_one
    batch[1, 2:] = 99.0  # whatever sits in the padding must not matter
    out, h_n = layer(pack_padded_sequence(minigrad.tensor(batch), [6, 2], batch_first=True))
    out, lengths = pad_packed_sequence(out, batch_first=True, padding_value=-7.0)
    alone, alone_h = layer(minigrad.tensor(short_one[None]))
    first = (lambda s: s[0]) if cls is nn.LSTM else (lambda s: s)
    assert lengths.tolist() == [6, 2] and out.shape == (2, 6, 3 * (2 if bidirectional else 1))
    np.testing.assert_allclose(value(out)[1, :2], value(alone)[0], atol=1e-14)
    assert (value(out)[1, 2:] == -7.0).all()
    np.testing.assert_allclose(value(first(h_n))[:, 1], value(first(alone_h))[:, 0], atol=1e-14)


def test_a_packed_output_stays_packed_and_h_n_keeps_the_batch_order(rng):
    lstm = nn.LSTM(2, 3, dtype=F64)
    x = minigrad.tensor(rng.uniform(-1, 1, (4, 3, 2)))
    out, (h_n, c_n) = lstm(pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False))
    assert isinstance(out, nn.utils.rnn.PackedSequence) and h_n.shape == c_n.shape == (1, 3, 3)
    padded, _ = pad_packed_sequence(out)
    for n, length in enumerate([2, 4, 1]):
        np.testing.assert_array_equal(value(h_n)[0, n], value(padded)[length - 1, n])


# ------------------------------------------------------------ the PyTorch interface
def test_parameters_have_pytorchs_names_shapes_and_initial_range():
    minigrad.manual_seed(0)
    lstm = nn.LSTM(5, 8, num_layers=2, bidirectional=True)
    shapes = {n: p.shape for n, p in lstm.named_parameters()}
    assert list(shapes)[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert shapes["weight_ih_l0"] == (32, 5) and shapes["weight_hh_l0_reverse"] == (32, 8)
    assert shapes["weight_ih_l1"] == (32, 16) and shapes["bias_hh_l1_reverse"] == (32,) and len(shapes) == 16
    everything = np.concatenate([p.detach().numpy().ravel() for p in lstm.parameters()])
    assert np.abs(everything).max() <= 1 / np.sqrt(8) and np.abs(everything).max() > 0.9 / np.sqrt(8)
    assert lstm.weight_ih_l0.dtype == "float32"
    assert [n for n, _ in nn.GRU(3, 2, bias=False).named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert repr(nn.GRU(3, 2, batch_first=True)) == "GRU(3, 2, batch_first=True)"


def test_unbatched_input_and_initial_states(rng):
    gru = nn.GRU(2, 3, dtype=F64)
    x, h0 = minigrad.tensor(rng.uniform(-1, 1, (4, 2))), minigrad.tensor(rng.uniform(-1, 1, (1, 3)))
    out, h_n = gru(x, h0)
    batched, batched_h = gru(x.unsqueeze(1), h0.unsqueeze(1))
    assert out.shape == (4, 3) and h_n.shape == (1, 3)
    np.testing.assert_allclose(value(out), value(batched)[:, 0])
    lstm = nn.LSTM(2, 3, dtype=F64)
    out, (h, c) = lstm(x, (h0, h0 * 2))
    assert out.shape == (4, 3) and h.shape == c.shape == (1, 3)


def test_dropout_between_layers_only_in_training():
    minigrad.manual_seed(0)
    rnn = nn.RNN(3, 4, num_layers=2, dropout=0.5, dtype=F64)
    x = minigrad.randn(5, 2, 3, dtype=F64)
    rnn.eval()
    first, second = rnn(x)[0], rnn(x)[0]
    np.testing.assert_array_equal(value(first), value(second))
    rnn.train()
    assert not np.allclose(value(rnn(x)[0]), value(first))


def test_mistakes_get_one_line_errors_that_say_what_to_do():
    lstm = nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(ShapeError, match=r"LSTM: input of shape \(5, 2, 6\) has 6 features per step.*input_size=3"):
        lstm(minigrad.randn(5, 2, 6))
    with pytest.raises(ShapeError, match=r"LSTM: c0 has shape \(1, 2, 4\), expected .* = \(2, 2, 4\)"):
        lstm(minigrad.randn(5, 2, 3), (minigrad.zeros(2, 2, 4), minigrad.zeros(1, 2, 4)))
    with pytest.raises(TypeError, match="LSTM: input is .*float64 but the parameters are .*float32"):
        lstm(minigrad.randn(5, 2, 3, dtype=F64))
    with pytest.raises(ShapeError, match=r"expected input of shape \(N, T, I\)"):
        nn.GRU(3, 4, batch_first=True)(minigrad.randn(2, 2, 5, 3))
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        nn.GRU(3, 0)
    with pytest.warns(UserWarning, match="dropout=0.5 acts between layers only"):
        nn.LSTM(3, 4, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(3, 4, num_layers=2, dropout=0.5)


# ------------------------------------------------------------ the GPU path, on the stand-in device
@pytest.mark.parametrize("name", LAYERS)
def test_every_layer_and_cell_runs_on_the_device_without_touching_the_host(fake_cuda, name):
    cls, kwargs = LAYERS[name]
    minigrad.manual_seed(0)
    layer = cls(3, 4, num_layers=2, bidirectional=True, batch_first=True, **kwargs).to("cuda")
    x = minigrad.randn(2, 5, 3).to("cuda")
    lengths = minigrad.tensor([5, 3]).to("cuda")
    downloads = fake_cuda.downloads
    out, _ = pad_packed_sequence(layer(pack_padded_sequence(x, lengths, batch_first=True,
                                                            enforce_sorted=False))[0], batch_first=True)
    out.sum().backward()
    cell = {nn.RNN: nn.RNNCell, nn.LSTM: nn.LSTMCell, nn.GRU: nn.GRUCell}[cls](3, 4, **kwargs).to("cuda")
    state = cell(x[:, 0])
    (state[0] if cls is nn.LSTM else state).sum().backward()
    assert fake_cuda.downloads == downloads, "values were copied to the host"
    assert isinstance(out._data, fake_cuda.ndarray)
    for n, p in list(layer.named_parameters()) + list(cell.named_parameters()):
        assert isinstance(p.grad._data, fake_cuda.ndarray), n


# ------------------------------------------------------------ the full grid against PyTorch (skipped without it)
@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("packed", [False, True], ids=["padded", "packed"])
@pytest.mark.parametrize("initial", [False, True], ids=["zero state", "given state"])
def test_the_full_grid_matches_pytorch(rng, name, num_layers, bidirectional, batch_first, packed, initial):
    torch = pytest.importorskip("torch")
    cls, kwargs = LAYERS[name]
    settings = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first,
                    dropout=0.3 if num_layers == 2 else 0.0, **kwargs)
    theirs = getattr(torch.nn, cls.__name__)(3, 4, **settings).double().eval()
    ours = cls(3, 4, dtype=F64, **settings).eval()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    lstm, lengths = cls is nn.LSTM, [5, 2, 4]
    x = rng.uniform(-1, 1, (3, 5, 3) if batch_first else (5, 3, 3))
    states = [rng.uniform(-1, 1, (num_layers * (2 if bidirectional else 1), 3, 4)) for _ in range(2)]
    w = rng.uniform(-1, 1, (3, 5, 4 * (2 if bidirectional else 1)))
    w = w if batch_first else w.transpose(1, 0, 2)

    def run(lib, layer, make, pack, pad):
        xs = make(x)
        hx = [make(s) for s in states] if initial else None
        hx = (tuple(hx) if lstm else hx[0]) if initial else None
        seq = pack(xs, lengths, batch_first=batch_first, enforce_sorted=False) if packed else xs
        out, h_n = layer(seq, hx)
        out = pad(out, batch_first=batch_first)[0] if packed else out
        finals = h_n if lstm else (h_n,)
        loss = (out * make(w, grad=False)).sum() + sum((f * f).sum() for f in finals)
        loss.backward()
        got = [out, *finals, xs.grad] + ([h.grad for h in hx] if initial and lstm else [hx.grad] if initial else [])
        return [lib(g) for g in got] + [lib(p.grad) for _, p in layer.named_parameters()]

    theirs_got = run(lambda t: t.detach().numpy(), theirs,
                     lambda a, grad=True: torch.tensor(a, requires_grad=grad),
                     torch.nn.utils.rnn.pack_padded_sequence, torch.nn.utils.rnn.pad_packed_sequence)
    ours_got = run(lambda t: t.detach().numpy(), ours, lambda a, grad=True: minigrad.tensor(a, requires_grad=grad),
                   pack_padded_sequence, pad_packed_sequence)
    for i, (a, b) in enumerate(zip(ours_got, theirs_got)):
        np.testing.assert_allclose(a, b, atol=1e-12, err_msg=f"result {i}")
