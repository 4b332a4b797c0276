"""Hooks: your own function, called when a tensor's gradient or a module's output is computed.

Two kinds, with PyTorch's names and semantics:

- on a tensor, ``t.register_hook(fn)``: ``fn(grad)`` is called once per
  backward pass with dL/dt - the *total*, so a tensor used twice gets one
  call with the sum of both paths, and a leaf gets it before the sum is
  added into ``.grad``.  Returning a tensor replaces the gradient from there
  on (hooks run in the order they were registered, each seeing the
  previous one's result; ``retain_grad`` always sees the final one);
- on a module, ``register_forward_pre_hook(fn)`` (``fn(module, args)``, may
  return new args), ``register_forward_hook(fn)`` (``fn(module, args,
  output)``, may return a new output) and ``register_full_backward_hook(fn)``
  (``fn(module, grad_input, grad_output)``, may return a new grad_input).

Every ``register_*`` returns a ``RemovableHandle``: ``handle.remove()``
unregisters the hook, and ``with handle:`` removes it at the end of the block.
"""
import itertools

from . import autograd

_ids = itertools.count()


class RemovableHandle:
    """What ``register_*`` returns: ``remove()`` takes the hook out of its registry again."""

    def __init__(self, registry):
        self._registry = registry
        self.id = next(_ids)

    def remove(self):
        self._registry.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False


def add(registry, hook, prepend=False, **extra):
    """Put ``hook`` in ``registry`` (a dict id -> (hook, extra)), last or first; return its handle."""
    if not callable(hook):
        raise TypeError(f"a hook must be callable (a function); got {type(hook).__name__}")
    handle = RemovableHandle(registry)
    registry[handle.id] = (hook, extra)
    if prepend:
        for key in [k for k in registry if k != handle.id]:
            registry[key] = registry.pop(key)  # dicts keep insertion order: move the others behind
    return handle


# ------------------------------------------------------------- tensor hooks
def run_tensor_hooks(registry, grad, what):
    """Call each hook of a tensor with its gradient (a Tensor); return the final gradient array."""
    from .tensor import Tensor

    for hook, _ in list(registry.values()):
        result = hook(Tensor._from_array(grad))
        if result is None:
            continue
        if not isinstance(result, Tensor):
            raise TypeError(f"a hook on {what} returned {type(result).__name__}; return a Tensor (the new "
                            "gradient) or None (keep it)")
        if result.shape != grad.shape:
            raise RuntimeError(f"a hook on {what} returned a gradient of shape {result.shape} for a tensor "
                               f"of shape {tuple(grad.shape)}; the gradient must keep the tensor's shape")
        grad = result._data.astype(grad.dtype, copy=False)
    return grad


# ------------------------------------------------------------- module hooks
class _BackwardHookGate(autograd.Function):
    """y = x;   dL/dx = dL/dy (an identity that lets a module's backward hook see the gradient pass by)"""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad_output):
        return ctx.on_grad(grad_output)


def _gate(tensor, on_grad):
    out = _BackwardHookGate.apply(tensor)
    out.grad_fn.on_grad = on_grad
    out._version = tensor._version  # the same memory: an in-place change of one is a change of both
    return out


def _tensors_in(output):
    """The tensors a module returned: the output itself, or those in a tuple or list."""
    from .tensor import Tensor

    if isinstance(output, Tensor):
        return [output]
    if isinstance(output, (tuple, list)):
        return [t for t in output if isinstance(t, Tensor)]
    return []


def _setup_backward_hooks(module, args, hooks):
    """Route the gradients of ``args`` and of the output through gates that call ``hooks`` (see below)."""
    from .tensor import Tensor

    name = type(module).__name__
    wanted = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if len(wanted) > 1:
        raise RuntimeError(
            f"register_full_backward_hook: {name} was called with {len(wanted)} tensors that require grad; "
            "minigrad's full backward hooks support modules with one such input (every layer in minigrad.nn). "
            "Hook the tensors themselves instead (t.register_hook)."
        )
    state = {"grad_output": None}

    def call_hooks(grad_input):
        grad_input = tuple(grad_input)
        for hook, _ in list(hooks.values()):
            result = hook(module, grad_input, tuple(_wrap(g) for g in state["grad_output"]))
            if result is None:
                continue
            if not wanted:
                raise RuntimeError(f"a full backward hook on {name} returned a grad_input, but no input of this "
                                   "call requires grad, so there is nothing to replace; return None")
            result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            if len(result) != len(grad_input):
                raise RuntimeError(f"a full backward hook on {name} returned {len(result)} gradient(s); "
                                   f"grad_input has {len(grad_input)} (one per positional argument)")
            grad_input = result
        return grad_input

    def on_input_grad(grad):
        (index,) = wanted
        grad_input = [None] * len(args)
        grad_input[index] = _wrap(grad)
        replaced = call_hooks(grad_input)[index]
        if replaced is not None and not isinstance(replaced, Tensor):
            raise TypeError(f"a full backward hook on {name} put {type(replaced).__name__} in grad_input; "
                            "each entry must be a Tensor (or None to keep the gradient)")
        return grad if replaced is None else replaced._data

    args = tuple(_gate(a, on_input_grad) if i in wanted else a for i, a in enumerate(args))

    def gate_outputs(output):
        tensors = _tensors_in(output)
        state["grad_output"] = [None] * len(tensors)
        if not any(t.requires_grad for t in tensors):
            return output

        waiting = [sum(t.requires_grad for t in tensors)]

        def on_output_grad(slot):
            def seen(grad):
                state["grad_output"][slot] = grad
                waiting[0] -= 1
                if not wanted and waiting[0] == 0:
                    call_hooks([None] * len(args))  # no input needs a gradient: fire once the outputs' arrive
                return grad
            return seen

        gated = [_gate(t, on_output_grad(i)) if t.requires_grad else t for i, t in enumerate(tensors)]
        if isinstance(output, (tuple, list)):
            it = iter(gated)
            return type(output)(next(it) if isinstance(o, Tensor) else o for o in output)
        return gated[0]

    return args, gate_outputs


def _wrap(array):
    from .tensor import Tensor

    return None if array is None else Tensor._from_array(array)


def call_module(module, args, kwargs):
    """``module(*args, **kwargs)`` with its hooks, in PyTorch's order.

    forward pre-hooks (may replace args) -> backward gates on the inputs ->
    ``forward`` -> forward hooks (may replace the output) -> backward gates
    on the output.
    """
    for hook, extra in list(module._forward_pre_hooks.values()):
        if extra.get("with_kwargs"):
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"a forward pre-hook with with_kwargs=True on {type(module).__name__} "
                                       "must return None or a tuple (args, kwargs)")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    gate_outputs = None
    if module._backward_hooks and autograd.is_grad_enabled():
        args, gate_outputs = _setup_backward_hooks(module, args, module._backward_hooks)
    output = module.forward(*args, **kwargs)
    for hook, extra in list(module._forward_hooks.values()):
        result = hook(module, args, kwargs, output) if extra.get("with_kwargs") else hook(module, args, output)
        if result is not None:
            output = result
    if gate_outputs is not None:
        output = gate_outputs(output)
    return output
