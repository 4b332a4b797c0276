"""Recurrent layers with PyTorch's names, layouts and semantics: ``RNN``, ``LSTM``, ``GRU`` and their cells.

A recurrent layer reads a sequence in order and carries a memory, the
hidden state h_t (and, for the LSTM, the cell state c_t):

    RNN:   h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)          (or relu)
    LSTM:  i, f, g, o gates;  c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
    GRU:   r, z, n gates;     h_t = (1 - z) * n + z * h_{t-1}

The layers (``RNN``, ``LSTM``, ``GRU``) run a whole sequence through one
``Function`` per layer and direction, whose backward is backpropagation
through time written out (``nn/rnn_functions.py``).  The cells
(``RNNCell``, ``LSTMCell``, ``GRUCell``) do one step, built from the engine's
ordinary operations: loop a cell over t in Python and you get the same
numbers as the layer, through a graph of a few nodes per gate per step.

Parameters are PyTorch's, so a PyTorch state dict loads
(``layer.load_state_dict({k: v.numpy() for k, v in torch_layer.state_dict().items()})``):
``weight_ih_l{k}`` (G*H, I_k), ``weight_hh_l{k}`` (G*H, H), ``bias_ih_l{k}``,
``bias_hh_l{k}`` (G*H,), with ``_reverse`` for the second direction; G = 1
(RNN), 4 (LSTM: rows i, f, g, o) or 3 (GRU: rows r, z, n).  Every parameter
starts from U(-1/sqrt(H), 1/sqrt(H)).
"""
import math
import warnings

from .. import backend, dtypes
from ..errors import ShapeError
from ..ops import activation as _act
from ..ops import shape as _shape
from ..tensor import Tensor
from . import init
from .dropout import dropout as _dropout
from .linear import linear
from .module import Module, Parameter
from .rnn_functions import GRUFunction, LSTMFunction, RNNFunction
from .utils.rnn import PackedSequence

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _uniform_parameters(module, hidden_size):
    bound = 1 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the parameters, the layers-by-directions loop, packing.

    Args:
        input_size: I, the size of each step's input (for text: the embedding size).
        hidden_size: H, the size of the state.
        num_layers: stacked layers; layer k > 0 reads layer k-1's outputs.
        bias: whether to learn b_ih and b_hh.
        batch_first: input and output as (N, T, *) instead of (T, N, *); h_n is (L*D, N, H) either way.
        dropout: probability of dropout on each layer's output except the last's (training only).
        bidirectional: run a second layer from t = T down to 1 and concatenate (D = 2).
        dtype: of the parameters (float32 by default).

    Shapes: input (T, N, I), (N, T, I) with batch_first, (T, I) unbatched, or a
    ``PackedSequence``; h0 (L*D, N, H) (zeros if not given) ->
    output (T, N, D*H) (or (N, T, D*H), or a ``PackedSequence``) and h_n (L*D, N, H),
    layer by layer, the forward direction before the reverse one.
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, dtype=None):
        super().__init__()
        name = type(self).__name__
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError(f"{name}: hidden_size must be a positive integer, got {hidden_size!r}")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError(f"{name}: num_layers must be a positive integer, got {num_layers!r}")
        if not 0 <= float(dropout) <= 1 or isinstance(dropout, bool):
            raise ValueError(f"{name}: dropout must be a probability in [0, 1], got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{name}: dropout={dropout} acts between layers only, so with num_layers=1 it does "
                          "nothing; add a Dropout layer after the RNN, or use num_layers > 1", stacklevel=3)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, float(dropout), bidirectional
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        rows = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for suffix in ["", "_reverse"][:directions]:
                shapes = [("weight_ih", (rows, layer_input)), ("weight_hh", (rows, hidden_size))]
                if bias:
                    shapes += [("bias_ih", (rows,)), ("bias_hh", (rows,))]
                for kind, shape in shapes:
                    setattr(self, f"{kind}_l{layer}{suffix}", Parameter(backend.cpu.empty(shape, dtype=np_dtype)))
        self.reset_parameters()

    def reset_parameters(self):
        _uniform_parameters(self, self.hidden_size)

    def _weights(self, layer, suffix):
        get = lambda kind: getattr(self, f"{kind}_l{layer}{suffix}")  # noqa: E731
        biases = (get("bias_ih"), get("bias_hh")) if self.bias else (None, None)
        return (get("weight_ih"), get("weight_hh")) + biases

    def _check_input(self, x, hx):
        name = type(self).__name__
        if x.ndim != 3:
            layout = "(N, T, I)" if self.batch_first else "(T, N, I)"
            raise ShapeError(f"{name}: expected input of shape {layout} or (T, I), got {x.shape}")
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input of shape {x.shape} has {x.shape[-1]} features per step, but the layer "
                             f"was built with input_size={self.input_size}")
        if x.dtype != self.weight_ih_l0.dtype:
            raise TypeError(f"{name}: input is {x.dtype} but the parameters are {self.weight_ih_l0.dtype}; "
                            "convert one (x.float() / x.double(), or model.float() / model.double())")
        expected = (self.num_layers * (2 if self.bidirectional else 1), x.shape[1], self.hidden_size)
        for i, h in enumerate(hx):
            if h is not None and tuple(h.shape) != expected:
                what = ("h0", "c0")[i]
                raise ShapeError(f"{name}: {what} has shape {h.shape}, expected (num_layers * num_directions, N, "
                                 f"hidden_size) = {expected}")

    def forward(self, input, hx=None):
        """Run the sequence: returns ``(output, h_n)``; the LSTM takes and returns ``(h, c)`` pairs."""
        packed = isinstance(input, PackedSequence)
        lstm, unbatched = self.mode == "LSTM", False
        if packed:
            x, mask = input.data, input.mask()
        else:
            x, mask, unbatched = input, None, input.ndim == 2
            if unbatched:
                x = x.unsqueeze(1)
                hx = None if hx is None else (tuple(h.unsqueeze(1) for h in hx) if lstm else hx.unsqueeze(1))
            elif self.batch_first:
                x = x.transpose(0, 1)
        states = tuple(hx) if lstm and hx is not None else ((hx,) if not lstm else (None, None))
        self._check_input(x, states)
        output, finals = self._layers(x, states, mask)
        if packed:
            return PackedSequence(output, input.lengths), finals
        if unbatched:
            return output.squeeze(1), tuple(f.squeeze(1) for f in finals) if lstm else finals.squeeze(1)
        return (output.transpose(0, 1) if self.batch_first else output), finals

    def _layers(self, x, states, mask):
        """The stack: layer by layer, each direction its own Function; dropout between layers."""
        hidden, lstm = self.hidden_size, self.mode == "LSTM"
        xp = x.xp
        directions = 2 if self.bidirectional else 1
        zeros = Tensor._from_array(xp.zeros((x.shape[1], hidden), dtype=x._data.dtype))
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(["", "_reverse"][:directions]):
                k = layer * directions + d
                h0 = zeros if states[0] is None else states[0][k]
                reverse = d == 1
                weights = self._weights(layer, suffix)
                if lstm:
                    c0 = zeros if states[1] is None else states[1][k]
                    both = LSTMFunction.apply(x, h0, c0, *weights, mask, reverse)
                    seq = both[:, :, :hidden]
                    last = both[0] if reverse else both[-1]
                    h_n.append(last[:, :hidden])
                    c_n.append(last[:, hidden:])
                else:
                    if self.mode == "GRU":
                        seq = GRUFunction.apply(x, h0, *weights, mask, reverse)
                    else:
                        nonlinearity = "tanh" if self.mode == "RNN_TANH" else "relu"
                        seq = RNNFunction.apply(x, h0, *weights, mask, (reverse, nonlinearity))
                    h_n.append(seq[0] if reverse else seq[-1])
                outputs.append(seq)
            x = outputs[0] if directions == 1 else _shape.cat(outputs, dim=2)
            if self.dropout and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, self.training)
        h_n = _shape.stack(h_n, dim=0)
        return x, ((h_n, _shape.stack(c_n, dim=0)) if lstm else h_n)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        for name, default in (("bias", True), ("batch_first", False), ("dropout", 0.0), ("bidirectional", False)):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s


class RNN(RNNBase):
    """The Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), or relu with nonlinearity='relu'.

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``; see ``RNNBase`` for
    the arguments and shapes.  ``output, h_n = rnn(x, h0)``.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber 1997), gates in PyTorch's order i, f, g, o:

        i = sigma(x W_ii^T + b_ii + h W_hi^T + b_hi)     input gate
        f = sigma(x W_if^T + b_if + h W_hf^T + b_hf)     forget gate
        g = tanh(x W_ig^T + b_ig + h W_hg^T + b_hg)      candidate
        o = sigma(x W_io^T + b_io + h W_ho^T + b_ho)     output gate
        c_t = f * c_{t-1} + i * g        h_t = o * tanh(c_t)

    ``output, (h_n, c_n) = lstm(x, (h0, c0))``; see ``RNNBase`` for the
    arguments and shapes (c0 and c_n are shaped like h0 and h_n).  PyTorch's
    ``proj_size`` is not supported.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, dtype)


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al. 2014), gates in PyTorch's order r, z, n:

        r = sigma(x W_ir^T + b_ir + h W_hr^T + b_hr)            reset gate
        z = sigma(x W_iz^T + b_iz + h W_hz^T + b_hz)            update gate
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))       candidate (b_hn inside the product, as PyTorch)
        h_t = (1 - z) * n + z * h_{t-1}

    ``output, h_n = gru(x, h0)``; see ``RNNBase`` for the arguments and shapes.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, dtype)


class RNNCellBase(Module):
    """One step of a recurrent layer, from engine operations; parameters weight_ih, weight_hh, bias_ih, bias_hh.

    Shapes: input (N, I) or (I,), state (N, H) or (H,) (zeros if not given).
    """

    def __init__(self, input_size, hidden_size, bias, gates, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        np_dtype = dtypes.to_numpy_dtype(dtype or dtypes.float32)
        self.weight_ih = Parameter(backend.cpu.empty((gates * hidden_size, input_size), dtype=np_dtype))
        self.weight_hh = Parameter(backend.cpu.empty((gates * hidden_size, hidden_size), dtype=np_dtype))
        if bias:
            self.bias_ih = Parameter(backend.cpu.empty((gates * hidden_size,), dtype=np_dtype))
            self.bias_hh = Parameter(backend.cpu.empty((gates * hidden_size,), dtype=np_dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        _uniform_parameters(self, self.hidden_size)

    def _prepare(self, input, state):
        """(input as (N, I), state as (N, H) or zeros, whether the input was one example)."""
        name = type(self).__name__
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: expected input of shape (N, {self.input_size}) or ({self.input_size},), "
                             f"got {input.shape}")
        single = input.ndim == 1
        if single:
            input = input.unsqueeze(0)
            state = None if state is None else state.unsqueeze(0)
        if state is None:
            zeros = input.xp.zeros((input.shape[0], self.hidden_size), dtype=input._data.dtype)
            state = Tensor._from_array(zeros)
        elif tuple(state.shape) != (input.shape[0], self.hidden_size):
            raise ShapeError(f"{name}: the state has shape {state.shape}, expected {(input.shape[0], self.hidden_size)}")
        return input, state, single

    def _parts(self, input, h):
        """x W_ih^T + b_ih and h W_hh^T + b_hh, each (N, G*H)."""
        return linear(input, self.weight_ih, self.bias_ih), linear(h, self.weight_hh, self.bias_hh)

    def _gate(self, a, k):
        return a[:, k * self.hidden_size : (k + 1) * self.hidden_size]

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu): ``h1 = cell(x, h0)``."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, 1, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x, h, single = self._prepare(input, hx)
        xw, hw = self._parts(x, h)
        h = _act.tanh(xw + hw) if self.nonlinearity == "tanh" else _act.relu(xw + hw)
        return h.squeeze(0) if single else h


class LSTMCell(RNNCellBase):
    """One LSTM step: ``h1, c1 = cell(x, (h0, c0))``; gates i, f, g, o as in ``LSTM``."""

    def __init__(self, input_size, hidden_size, bias=True, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, dtype)

    def forward(self, input, hx=None):
        x, h, single = self._prepare(input, None if hx is None else hx[0])
        _, c, _ = self._prepare(input, None if hx is None else hx[1])
        xw, hw = self._parts(x, h)
        a = xw + hw
        i, f, o = (_act.sigmoid(self._gate(a, k)) for k in (0, 1, 3))
        g = _act.tanh(self._gate(a, 2))
        c = f * c + i * g
        h = o * _act.tanh(c)
        return (h.squeeze(0), c.squeeze(0)) if single else (h, c)


class GRUCell(RNNCellBase):
    """One GRU step: ``h1 = cell(x, h0)``; gates r, z, n as in ``GRU`` (b_hn inside the reset product)."""

    def __init__(self, input_size, hidden_size, bias=True, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, dtype)

    def forward(self, input, hx=None):
        x, h, single = self._prepare(input, hx)
        xw, hw = self._parts(x, h)
        r = _act.sigmoid(self._gate(xw, 0) + self._gate(hw, 0))
        z = _act.sigmoid(self._gate(xw, 1) + self._gate(hw, 1))
        n = _act.tanh(self._gate(xw, 2) + r * self._gate(hw, 2))
        h = (1 - z) * n + z * h
        return h.squeeze(0) if single else h
