"""``Module`` and ``Parameter`` (the containers ``Sequential``, ``ModuleList``, ``ModuleDict``: container.py).

A Module is a piece of a network: it owns Parameters (tensors to be
learned), buffers (tensors that are state but not learned, such as
BatchNorm's running mean) and sub-modules.  Assigning one of those as an
attribute registers it, so ``parameters()`` finds every weight in the tree
and ``state_dict()`` names them with dotted paths (``fc1.weight``) exactly as
PyTorch does.
"""
import difflib
from collections import namedtuple

from .. import autograd, backend, dtypes, hooks
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module learns: it requires grad and is found by ``parameters()``."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


# What load_state_dict returns (PyTorch's name for it).
IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class of every layer and model: subclass it and define ``forward``.

    ::

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 2)

            def forward(self, x):
                return self.fc(x)
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_buffer_names", set())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)
        for registry in ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks"):
            object.__setattr__(self, registry, {})

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, ...)")

    def __call__(self, *args, **kwargs):
        start = next(autograd._sequence)
        if self._forward_pre_hooks or self._forward_hooks or self._backward_hooks:
            output = hooks.call_module(self, args, kwargs)
        else:
            output = self.forward(*args, **kwargs)
        if isinstance(output, Tensor) and output.grad_fn is not None:
            # The operations numbered after `start` up to this output were this call's: plot_graph's collapse="module".
            node = output.grad_fn
            node._made_by = (*node._made_by, (self, start))
        return output

    # ------------------------------------------------------------- hooks
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call ``hook(module, args)`` before each ``forward``; a non-None return replaces ``args``.

        A return that is not a tuple is taken as the one argument.  With
        ``with_kwargs=True`` the hook is ``hook(module, args, kwargs)`` and may
        return ``(args, kwargs)``.  Returns a handle: ``handle.remove()``.
        """
        return hooks.add(self._forward_pre_hooks, hook, prepend, with_kwargs=with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call ``hook(module, args, output)`` after each ``forward``; a non-None return replaces the output.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs, output)``.
        Returns a handle: ``handle.remove()``.
        """
        return hooks.add(self._forward_hooks, hook, prepend, with_kwargs=with_kwargs)

    def register_full_backward_hook(self, hook, prepend=False):
        """Call ``hook(module, grad_input, grad_output)`` when the gradients of a call's inputs are known.

        ``grad_input`` has one entry per positional argument (None where it
        is not a tensor that requires grad), ``grad_output`` one per output
        tensor; a non-None return (a tuple like ``grad_input``) replaces
        ``grad_input``.  If no input requires grad (a first layer fed with
        data), the hook fires with ``grad_input = (None, ...)`` as soon as
        ``grad_output`` is known.  A module used twice fires once per call.
        minigrad differs from PyTorch in one case: a call with several
        tensors that require grad raises an error (hook those tensors with
        ``register_hook``).  Returns a handle: ``handle.remove()``.
        """
        return hooks.add(self._backward_hooks, hook, prepend)

    # ------------------------------------------------------ registration
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() is called: "
                f"add super().__init__() at the top of {type(self).__name__}.__init__"
            )
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self.__dict__.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        elif isinstance(value, Tensor) and name in self._buffer_names:
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only reached when normal lookup fails: look in the registries, then fail loudly.
        for registry in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        known = list(self.__dict__.get("_parameters", {})) + list(self.__dict__.get("_buffers", {}))
        known += list(self.__dict__.get("_modules", {})) + [k for k in self.__dict__ if not k.startswith("_")]
        close = difflib.get_close_matches(name, known, n=1)
        suggestion = f" Did you mean {close[0]!r}?" if close else ""
        raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}.{suggestion}")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                return
        object.__delattr__(self, name)

    def register_buffer(self, name, tensor, persistent=True):
        """Keep ``tensor`` as state that is saved in ``state_dict`` but not learned."""
        self._buffer_names.add(name)
        if not persistent:
            self._non_persistent.add(name)
        if tensor is None:
            self._buffers[name] = None
        else:
            setattr(self, name, tensor)

    def register_parameter(self, name, param):
        if param is None:
            self._parameters[name] = None
        else:
            setattr(self, name, param)

    def add_module(self, name, module):
        setattr(self, name, module)

    # ------------------------------------------------------------ walking
    def named_modules(self, prefix=""):
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop(0)
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            stack[0:0] = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module._modules.items()
                if child is not None
            ]

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry, recurse):
        seen = set()
        walk = self.named_modules() if recurse else [("", self)]
        for module_name, module in walk:
            for name, value in getattr(module, registry).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(self, recurse=True):
        """(dotted name, Parameter) for every parameter, each shared one once."""
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse):
            yield p

    def named_buffers(self, recurse=True):
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse):
            yield b

    # -------------------------------------------------------------- modes
    def train(self, mode=True):
        """Training mode (dropout active, BatchNorm uses batch statistics); returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        """Evaluation mode: dropout off, BatchNorm uses its running statistics."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.data.zero_()

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def apply(self, fn):
        """Call ``fn(module)`` on every sub-module and then on self (for custom initialisation)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ---------------------------------------------------- devices, dtypes
    def to(self, target=None, dtype=None, *, device=None):
        """Move parameters, buffers and their gradients to a device and/or dtype, in place; returns self.

        ``model.to('cuda')``, ``model.to(minigrad.float64)``, ``model.to(device='cpu')``,
        as in PyTorch.  The parameters stay the same objects (only their
        values move), so an optimizer made before the move still holds them;
        make it after the move, though, as PyTorch advises, so that its state
        is created on the new device.  Only floating-point values change dtype.
        """
        if backend.is_device(target):
            device = target
        elif target is not None:
            dtype = target
        where = None if device is None else backend.as_device(device)
        if where is not None:
            backend.array_module_for(where)  # fail before moving anything if the device is unusable
        np_dtype = None if dtype is None else dtypes.to_numpy_dtype(dtype)
        for module in self.modules():
            for registry in (module._parameters, module._buffers):
                for value in registry.values():
                    if value is None:
                        continue
                    moved = _converted(value._data, np_dtype, where)
                    if moved is not value._data:
                        value.data = moved
                    if value.grad is not None:
                        value.grad = Tensor._from_array(_converted(value.grad._data, np_dtype, where))
        return self

    def cuda(self, device=None):
        """Move every parameter and buffer to the GPU (``to('cuda')``)."""
        return self.to(f"cuda:{device}" if isinstance(device, int) else (device or "cuda"))

    def cpu(self):
        """Move every parameter and buffer to the host (``to('cpu')``)."""
        return self.to("cpu")

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    # --------------------------------------------------------- state dict
    def state_dict(self):
        """Every parameter and persistent buffer by dotted name, as tensors without history."""
        state = {}
        for module_name, module in self.named_modules():
            for registry in (module._parameters, module._buffers):
                for name, value in registry.items():
                    if value is None or (registry is module._buffers and name in module._non_persistent):
                        continue
                    state[f"{module_name}.{name}" if module_name else name] = value.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        Values may be Tensors or NumPy arrays (so a PyTorch state dict converts
        with ``{k: v.numpy() for k, v in sd.items()}``).  With ``strict=True``,
        missing or unexpected names are an error; a wrong shape always is.
        """
        own = self.state_dict()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        wrong = []
        for key, target in own.items():
            if key in state_dict:
                value = state_dict[key]
                shape = tuple(getattr(value, "shape", ()))
                if shape != target.shape:
                    wrong.append(f"{key}: the checkpoint has shape {shape}, the model {target.shape}")
        problems = []
        if strict and missing:
            problems.append("missing keys (in the model, not in the state dict): " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys (in the state dict, not in the model): " + ", ".join(unexpected))
        if wrong:
            problems.append("shape mismatches: " + "; ".join(wrong))
        if problems:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n  "
                + "\n  ".join(problems)
                + "\nIs this checkpoint from a model built with the same layers and sizes?"
            )
        for key, target in own.items():
            if key in state_dict:
                value = state_dict[key]
                array = value._data if isinstance(value, Tensor) else value
                # A checkpoint on the host loads into a model on the GPU (and back): an explicit copy.
                array = backend.to_device(array, target.device) if backend.is_array(array) else target.xp.asarray(array)
                # `target` shares its array with the real parameter: write into it, don't rebind it.
                target._data[...] = array
                target._version[0] += 1
        return IncompatibleKeys(missing, unexpected)

    # --------------------------------------------------------------- repr
    def extra_repr(self):
        """The text inside the parentheses of this module's line in ``repr``."""
        return ""

    def __repr__(self):
        lines = []
        for name, child in self._modules.items():
            child_text = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child_text}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}({extra}" if extra else f"{type(self).__name__}("
        return head + "\n" + "\n".join(lines) + "\n)"


def _converted(array, np_dtype, where):
    """``array`` in ``np_dtype`` (floating arrays only) on device ``where`` (either may be None: unchanged)."""
    if np_dtype is not None and array.dtype.kind == "f" and array.dtype != np_dtype:
        array = array.astype(np_dtype)
    return array if where is None else backend.to_device(array, where)


# The containers live in container.py (as in PyTorch); imported here so old import paths keep working.
from .container import ModuleDict, ModuleList, Sequential  # noqa: E402,F401
