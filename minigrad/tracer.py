"""Watching backward: a record of every node the backward pass visits, in the order it visits them.

::

    with minigrad.autograd.trace(names={"w": w, "x": x}) as trace:
        loss.backward()
    print(trace)            # one block per node: what arrived, the local derivative, what left
    for step in trace:      # or trace.step(), one node at a time
        ...

Each ``Step`` holds the operation (``MulBackward``), its position in the
forward pass, the upstream gradient dL/d(output) that arrived, the local
derivative (the first line of the Function's docstring), and one ``Sent``
per input: the gradient sent to it, the shape backward returned before it
was summed down to the input's shape (broadcasting), and whether it was
*added* to a gradient already waiting there (the input is shared: used by
more than one operation).  Leaves come last, with the total each one got.

The engine reports to the trace only while a ``trace()`` block is open; it
copies nothing and changes no gradient.
"""
import contextlib
from dataclasses import dataclass, field

from . import autograd, backend

SMALL = 6  # tensors with at most this many values are printed in full


@dataclass
class Sent:
    """One gradient leaving a node towards one of its inputs."""

    index: int        # which argument of forward
    target: str       # "#3 AddBackward" for an operation, the leaf's name for a leaf
    is_leaf: bool
    raw_shape: tuple  # the shape backward returned (bigger than the input's when it was broadcast)
    grad: object      # the array, summed down to the input's shape
    accumulated: bool  # added to a gradient another path had already sent there

    @property
    def shape(self):
        return tuple(self.grad.shape)


@dataclass
class Step:
    """One node of the backward pass."""

    number: int        # 1, 2, ... in the order backward visited it
    node: object       # the Function instance (the graph node)
    op: str            # "MulBackward"
    forward: int       # its position in the forward pass (1 = the first operation run)
    derivative: str    # the first line of the Function's docstring
    grad_output: object  # dL/d(output) that arrived, the sum over every use of the output
    sent: list = field(default_factory=list)
    error: str = None  # set when backward refused to go on here (a stale input changed in place)

    def __str__(self):
        lines = [f"step {self.number}: {self.op} (operation #{self.forward} of the forward pass)",
                 f"    local derivative: {self.derivative}",
                 f"    arrives  dL/d(output) {describe(self.grad_output)}"]
        if self.error:
            lines.append(f"    REFUSED: {self.error}")
        for s in self.sent:
            note = f"  (summed from broadcast {s.raw_shape})" if tuple(s.raw_shape) != s.shape else ""
            note += "  (added: shared)" if s.accumulated else ""
            lines.append(f"    sends    -> {s.target}: {describe(s.grad)}{note}")
        return "\n".join(lines)


def describe(array):
    """Shape, norm and - for a small tensor - the values, in one line."""
    host = backend.to_numpy(array)
    text = f"{tuple(host.shape)} |g|={float((host.astype('float64') ** 2).sum()) ** 0.5:.4g}"
    if host.size <= SMALL:
        values = ", ".join(f"{v:.4g}" for v in host.ravel().tolist())
        text += f" [{values}]"
    return text


class Trace:
    """What ``minigrad.autograd.trace()`` records: ``Step``s in backward order, then the leaves."""

    def __init__(self, names=None):
        self._names = {id(t): name for name, t in (names or {}).items()}
        self.steps = []
        self.leaves = []  # (name, total gradient) in the order the leaves were completed
        self._forward = {}
        self._received = set()
        self._cursor = 0

    # ---------------------------------------------------- what the engine calls
    def _begin(self, root, order):
        by_time = sorted(order, key=lambda node: getattr(node, "_seq", 0))
        self._forward = {node: i + 1 for i, node in enumerate(by_time)}
        self._received = {id(root.grad_fn)}

    def _label(self, tensor):
        if tensor.grad_fn is None:
            return self._names.get(id(tensor), f"leaf {tuple(tensor.shape)}")
        node = tensor.grad_fn
        return f"#{self._forward.get(node, '?')} {node.name()}"

    def _step(self, node, grad_output):
        step = Step(len(self.steps) + 1, node, node.name(), self._forward.get(node, 0),
                    derivative(node), grad_output)
        self.steps.append(step)
        return step

    def _record(self, node, grad_output, sent):
        step = self._step(node, grad_output)
        for index, inp, raw_shape, grad in sent:
            key = id(inp.grad_fn if inp.grad_fn is not None else inp)
            step.sent.append(Sent(index, self._label(inp), inp.grad_fn is None, tuple(raw_shape), grad,
                                  key in self._received))
            self._received.add(key)

    def _refused(self, node, grad_output, message):
        self._step(node, grad_output).error = message

    def _leaf(self, leaf, grad):
        self.leaves.append((self._label(leaf), grad))

    # ------------------------------------------------------------ reading it
    def __len__(self):
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __iter__(self):
        return iter(self.steps)

    def step(self):
        """The next node of the pass (from the first, one per call); None after the last."""
        if self._cursor >= len(self.steps):
            return None
        self._cursor += 1
        return self.steps[self._cursor - 1]

    def __str__(self):
        if not self.steps and not self.leaves:
            return "(empty trace: was backward() called inside the `with trace()` block?)"
        blocks = [str(s) for s in self.steps]
        blocks += [f"leaf {name}: total dL/d{name} {describe(grad)}" for name, grad in self.leaves]
        return "\n".join(blocks)

    __repr__ = __str__


def derivative(node):
    """The local derivative a Function states on its docstring's first line."""
    doc = (type(node).__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else "(no docstring)"


@contextlib.contextmanager
def trace(names=None):
    """Record every node that backward visits inside this block (see ``minigrad.tracer``)::

        with minigrad.autograd.trace(names={"w": w}) as t:
            loss.backward()
        print(t)

    ``names`` maps a name to a leaf tensor, to label it in the record.  The
    record changes no gradient; outside the block the engine does no extra work.
    """
    state = autograd._state  # the engine reads the open trace from here (run_backward)
    previous = getattr(state, "tracer", None)
    state.tracer = Trace(names)
    try:
        yield state.tracer
    finally:
        state.tracer = previous
