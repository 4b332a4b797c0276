"""Reverse-mode automatic differentiation: ``Function``, the graph, and ``backward``.

Every differentiable operation is a ``Function`` subclass with two static
methods that sit side by side and work on plain arrays::

    class Tanh(Function):
        '''y = tanh(x);   dL/dx = dL/dy * (1 - y^2)'''

        @staticmethod
        def forward(ctx, x):
            y = ctx.xp.tanh(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad_output):
            (y,) = ctx.saved_tensors
            return grad_output * (1 - y * y)

``Tanh.apply(t)`` unwraps the Tensor ``t``, runs ``forward`` on its array,
wraps the result in a new Tensor and - when a gradient is wanted - records
the call in the graph.  The Function instance *is* the graph node: it is
the ``ctx`` that forward and backward share, and the ``grad_fn`` of its
output.

``backward`` receives dL/d(output) and returns dL/d(input), one per argument
of ``forward`` (``None`` for arguments that are not differentiable, such as
an axis or a shape).  A gradient may come back in the *broadcast* shape of
the operation; it is summed down to the input's shape here, in
``sum_to_shape``, the one place that handles broadcasting for every
operation (as PyTorch does).
"""
import contextlib
import itertools
import threading
import traceback

from . import backend
from .grad_ownership import unshared
from . import tensor as _tensor

_state = threading.local()
_sequence = itertools.count()


def is_grad_enabled():
    """True unless inside ``no_grad()``."""
    return getattr(_state, "grad_enabled", True)


def _set_grad_enabled(mode):
    _state.grad_enabled = bool(mode)


class _GradMode(contextlib.ContextDecorator):
    """Context manager and decorator that switches graph recording on or off."""

    def __init__(self, enabled):
        self.enabled = enabled
        self._previous = []

    def __enter__(self):
        self._previous.append(is_grad_enabled())
        _set_grad_enabled(self.enabled)
        return self

    def __exit__(self, *exc):
        _set_grad_enabled(self._previous.pop())
        return False


def no_grad(func=None):
    """Record no graph inside this block (or function, used as a decorator).

    Use it for evaluation and for updating parameters by hand: results do not
    require grad and no memory is kept for backward::

        with minigrad.no_grad():
            predictions = model(x)

    As a decorator it may be written ``@minigrad.no_grad()`` or, as PyTorch
    allows, ``@minigrad.no_grad``.
    """
    return _GradMode(False) if func is None else _GradMode(False)(func)


def enable_grad():
    """Record the graph again inside a ``no_grad`` block."""
    return _GradMode(True)


def is_anomaly_enabled():
    return getattr(_state, "anomaly", False)


@contextlib.contextmanager
def detect_anomaly():
    """Fail at the first operation whose forward or backward makes NaN or Inf.

    Slower (every result is scanned, and every operation remembers where it
    was called from), so use it to hunt a NaN, not for training::

        with minigrad.detect_anomaly():
            loss = model(x).log().sum()
            loss.backward()   # names the operation and the line that made it
    """
    previous = is_anomaly_enabled()
    _state.anomaly = True
    try:
        yield
    finally:
        _state.anomaly = previous


def _check_finite(array, what):
    xp = backend.get_array_module(array)
    if array.dtype.kind == "f" and not bool(xp.isfinite(array).all()):
        kind = "NaN" if bool(xp.isnan(array).any()) else "Inf"
        raise FloatingPointError(f"detect_anomaly: {what} produced {kind} values.")


class Function:
    """Base class of every differentiable operation; an instance is a graph node.

    Subclasses define ``forward(ctx, *args)`` and ``backward(ctx, grad_output)``
    as static methods and are called through ``apply``.  On ``ctx``:

    - ``ctx.save_for_backward(*arrays)`` keeps arrays for backward, and
      ``ctx.saved_tensors`` gives them back (freed after backward unless
      ``retain_graph=True``);
    - ``ctx.needs_input_grad`` says, per argument, whether its gradient is
      wanted, so backward can skip work;
    - ``ctx.xp`` is the array module (NumPy or CuPy) of the inputs, which
      must all live on one device (``apply`` raises an error naming both
      devices otherwise);
    - any other attribute (``ctx.axis = 1``) may hold small values.
    """

    # Set only on the nodes whose output tensor has hooks or retains its grad (see Tensor.register_hook).
    _output_hooks = None
    _retained = None
    _made_by = ()  # (module, sequence number at the call's start) for each module call that returned this node

    def __init__(self):
        self._saved = ()
        self._freed = False
        self.inputs = ()
        self.needs_input_grad = ()
        self.xp = backend.cpu

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("A Function subclass must define forward(ctx, *args).")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("A Function subclass must define backward(ctx, grad_output).")

    def save_for_backward(self, *arrays):
        self._saved = arrays

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time; the values this "
                "operation saved were freed after the first backward. Pass retain_graph=True to the first "
                "backward() if you need to call it twice, or run the forward pass again."
            )
        return self._saved

    @classmethod
    def name(cls):
        return f"{cls.__name__}Backward"

    @classmethod
    def _op_name(cls):
        """The operation's name as a user writes it: ``Mul`` -> mul, ``LinearFunction`` -> linear."""
        name = cls.__name__
        return (name[: -len("Function")] if name.endswith("Function") and name != "Function" else name).lower()

    def __repr__(self):
        return f"<{self.name()}>"

    @classmethod
    def apply(cls, *args):
        """Run ``forward`` on the arrays inside ``args`` and record the call."""
        Tensor = _tensor.Tensor
        ctx = cls()
        # One pass over the arguments: the arrays for forward, which inputs want a gradient, and
        # whether the arrays all belong to one library (every operation pays for this loop).
        arrays, needs, tensors = [], [], []
        first = None
        mixed = False
        for arg in args:
            if isinstance(arg, Tensor):
                array = arg._data
                needs.append(arg._requires_grad)
                tensors.append(arg)
            else:
                array = arg
                needs.append(False)
                if not backend.is_array(arg):
                    arrays.append(arg)
                    continue
            arrays.append(array)
            if first is None:
                first = array
            elif type(array) is not type(first):
                mixed = True
        if mixed:  # arrays of two libraries never mix silently: say which devices met
            backend.check_same_device(cls._op_name(), arrays)
        record = True in needs and is_grad_enabled()
        ctx.needs_input_grad = tuple(needs)
        if first is not None:
            ctx.xp = backend.get_array_module(first)
        out = cls.forward(ctx, *arrays)
        if not backend.is_array(out):
            out = ctx.xp.asarray(out)
        anomaly = is_anomaly_enabled()
        if anomaly:
            _check_finite(out, f"the forward of {cls.__name__}")
        result = Tensor._from_array(out)
        if record:
            ctx.inputs = tuple([arg if need else None for arg, need in zip(args, needs)])
            # Every tensor argument, even one without grad, may be saved for backward: remember
            # its version so that an in-place change before backward is caught, not silently used.
            ctx._versions = tuple([(t, t._version[0]) for t in tensors])
            if anomaly:
                ctx._stack = "".join(traceback.format_stack()[:-2])
            ctx._seq = next(_sequence)  # its place in the forward pass, for trace()
            result._requires_grad = True
            result.grad_fn = ctx
        return result


def sum_to_shape(grad, shape):
    """Sum a gradient in a broadcast shape back down to an input's ``shape``.

    Broadcasting copies an input along new leading axes and along its size-1
    axes; each copy contributed to the loss, so the gradient of the input is
    the *sum* over those copies:  y = x + b with b of shape (C,) and y of
    shape (N, C) gives dL/db = sum over n of dL/dy[n, :].
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0:
        raise ValueError(f"cannot sum a gradient of shape {grad.shape} down to the larger shape {shape}")
    axes = list(range(extra))
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[extra + axis] != 1:
            axes.append(extra + axis)
        elif size != grad.shape[extra + axis]:
            raise ValueError(f"a gradient of shape {grad.shape} cannot belong to an input of shape {shape}")
    grad = grad.sum(axis=tuple(axes), keepdims=True)
    return grad.reshape(shape)


def _topological_order(root):
    """Every node behind ``root``, each listed after all the nodes that feed it.

    Iterative depth-first search with an explicit stack, so a chain of
    100,000 operations needs no recursion.
    """
    order = []
    visited = set()
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if finished:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for inp in node.inputs:
            if inp is not None and inp.grad_fn is not None and inp.grad_fn not in visited:
                stack.append((inp.grad_fn, False))
    return order


def _normalise_grads(node, grads):
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != len(node.inputs):
        raise RuntimeError(
            f"{node.name()}: backward returned {len(grads)} gradient(s) but forward took {len(node.inputs)} "
            "argument(s); return one per argument of forward, using None for those without a gradient."
        )
    return grads


def _fit_to_input(node, index, grad, inp):
    """Check one gradient from ``node.backward`` and shape it like its input."""
    if not backend.is_array(grad):
        grad = inp._data.dtype.type(grad) * node.xp.ones(inp.shape, dtype=inp._data.dtype)
    if grad.shape != inp.shape:
        try:
            grad = sum_to_shape(grad, inp.shape)
        except ValueError:
            raise RuntimeError(
                f"{node.name()}: backward returned a gradient of shape {tuple(grad.shape)} for argument {index}, "
                f"whose shape is {inp.shape}. The gradient of an input always has that input's shape "
                "(is a transpose or a reshape missing?)."
            ) from None
    if grad.dtype != inp._data.dtype:
        grad = grad.astype(inp._data.dtype)
    return grad


def run_backward(root, grad_root, retain_graph=False, inputs=None):
    """Propagate ``grad_root`` from ``root`` back through the graph.

    Without ``inputs``, gradients of leaves are accumulated into their
    ``.grad`` (what ``Tensor.backward`` does).  With ``inputs`` (a list of
    tensors), their gradients are returned instead and no ``.grad`` changes
    (what ``minigrad.autograd.grad`` does).

    A node's gradient is complete when it is taken from ``pending``: every
    node that uses its output came earlier in the reverse topological order
    and has added its share.  That is when the output tensor's hooks run
    and ``retain_grad`` keeps it.  A leaf's shares are summed the same way
    and delivered at the end, hooks first, then into ``.grad``.
    """
    wanted = None if inputs is None else {(t.grad_fn or t): i for i, t in enumerate(inputs)}
    found = [None] * (0 if inputs is None else len(inputs))
    anomaly = is_anomaly_enabled()
    tracer = getattr(_state, "tracer", None)
    leaves = {}  # id -> [leaf, summed gradient], in order of first arrival

    def add_leaf(leaf, grad):
        entry = leaves.get(id(leaf))
        if entry is None:
            leaves[id(leaf)] = [leaf, grad]
        else:
            entry[1] = entry[1] + grad

    if root.grad_fn is None:
        if wanted is None or root in wanted:
            add_leaf(root, grad_root)
        order = []
    else:
        order = _topological_order(root.grad_fn)
        if tracer is not None:
            tracer._begin(root, order)
    pending = {root.grad_fn: grad_root}
    for node in reversed(order):
        grad_output = pending.pop(node, None)
        if grad_output is None:
            continue
        grad_output = _output_complete(node, grad_output, wanted, found)
        for inp, version in node._versions:
            if inp._version[0] != version:
                message = (
                    f"{node.name()}: an input of shape {inp.shape} was modified in place after this operation "
                    "used it, so its saved value is stale. Modify a copy instead (t.clone()), or do the "
                    "in-place change before the forward pass."
                )
                if tracer is not None:
                    tracer._refused(node, grad_output, message)
                raise RuntimeError(message)
        grads = _normalise_grads(node, node.backward(node, grad_output))
        if not retain_graph:
            node._saved = ()
            node._freed = True
        sent = []
        for index, (inp, grad) in enumerate(zip(node.inputs, grads)):
            if inp is None or grad is None:
                continue
            raw_shape = getattr(grad, "shape", ())
            grad = _fit_to_input(node, index, grad, inp)
            if anomaly:
                try:
                    _check_finite(grad, f"{node.name()} (the gradient for argument {index})")
                except FloatingPointError as err:
                    where = getattr(node, "_stack", "")
                    raise FloatingPointError(f"{err} The forward call was made here:\n{where}") from None
            if tracer is not None:
                sent.append((index, inp, raw_shape, grad))
            if inp.grad_fn is None:
                if wanted is None or inp in wanted:
                    add_leaf(inp, grad)
            else:
                previous = pending.get(inp.grad_fn)
                pending[inp.grad_fn] = grad if previous is None else previous + grad
        if tracer is not None:
            tracer._record(node, grad_output, sent)
    grads = grad = None  # the last node's gradients: drop these references, so that unshared() can count
    for key in list(leaves):
        leaf, grad = leaves.pop(key)  # popped: afterwards only ``grad`` here refers to it, unless it is shared
        if leaf._hooks:
            grad = hooks.run_tensor_hooks(leaf._hooks, grad, f"a leaf of shape {leaf.shape}")
        if wanted is None:
            owned = unshared(grad)  # asked on its own line: a call's arguments also hold references
            leaf._accumulate_grad(grad, owned)
        else:
            found[wanted[leaf]] = grad
        if tracer is not None:
            tracer._leaf(leaf, grad)
    return found


def _output_complete(node, grad, wanted, found):
    """The full dL/d(output of ``node``) has arrived: run its tensor's hooks, then keep it if asked."""
    if node._output_hooks:
        grad = hooks.run_tensor_hooks(node._output_hooks, grad, f"the output of {node.name()}")
    retained = node._retained and node._retained()
    if retained is not None and retained.grad_fn is node:
        retained._accumulate_grad(grad)
    if wanted is not None and node in wanted:
        found[wanted[node]] = grad
    return grad


def grad(outputs, inputs, grad_outputs=None, retain_graph=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    Like ``torch.autograd.grad``: ``outputs`` is a tensor (a scalar unless
    ``grad_outputs`` is given), ``inputs`` a tensor or a sequence of tensors.
    An input that the output does not depend on gets a zero gradient.
    """
    Tensor = _tensor.Tensor
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if not outputs.requires_grad:
        raise RuntimeError(
            "autograd.grad: the output does not require grad, so no input can have a gradient; create the "
            "inputs with requires_grad=True and compute the output outside no_grad()."
        )
    seed = outputs._initial_grad(grad_outputs, "autograd.grad")
    found = run_backward(outputs, seed, retain_graph=retain_graph, inputs=inputs)
    result = []
    for tensor, g in zip(inputs, found):
        if g is None:
            g = tensor._data.dtype.type(0) * tensor.xp.zeros(tensor.shape, dtype=tensor._data.dtype)
        result.append(Tensor._from_array(g))
    return result[0] if single else tuple(result)


# Imported last: hooks.py builds its gate on Function, defined above, and tracer.py reads _state.
from . import hooks  # noqa: E402
from .tracer import trace  # noqa: E402,F401  (minigrad.autograd.trace(), the public name)
