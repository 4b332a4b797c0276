"""``Optimizer``: the base class that turns gradients into parameter updates.

An optimizer holds

- ``param_groups``: a list of dicts, each with its ``'params'`` and its own
  hyperparameters (``'lr'``, ``'momentum'``, ...), so that, for example, the
  embeddings can learn with a smaller rate than the classifier::

      SGD([{"params": model.embedding.parameters(), "lr": 1e-3},
           {"params": model.fc.parameters()}], lr=1e-2)

- ``state``: a dict from each parameter to its own dict of running values
  (Adam's moving averages, SGD's momentum buffer).  The arrays live on the
  parameter's array module (NumPy, or CuPy on a GPU).

A subclass writes its update rule once, in ``_update(p, grad, state, group)``,
on plain arrays; ``step()`` here walks the groups and skips parameters that
received no gradient.  ``state_dict()`` uses PyTorch's layout, so a training
run can be saved with ``minigrad.save`` and resumed exactly.
"""
from .. import backend
from ..autograd import enable_grad
from ..tensor import Tensor


class _RequiredParameter:
    """Marks a hyperparameter that has no default and must be given."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

# A set has no fixed order, and state_dict() numbers parameters by their order.
_SET_MESSAGE = "optimizer parameters must be an ordered collection such as a list, not a set (sets have no fixed order)"


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of Parameters (``model.parameters()``), or of
            dicts that each hold ``'params'`` and per-group options.
        defaults: the hyperparameters a group gets when it does not set them.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts, but got a single Tensor; "
                "wrap it in a list: SGD([w], lr=0.1)."
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE)
        params = list(params)
        if not params:
            raise ValueError(
                "the optimizer got an empty parameter list. Did the model register its layers as attributes "
                "(self.fc = Linear(...)) and call super().__init__()? A generator such as model.parameters() "
                "can also only be used once: call it again for each optimizer."
            )
        if not isinstance(params[0], dict):
            params = [{"params": params}]
        for group in params:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (e.g. unfrozen layers when fine-tuning)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a param group must be a dict with a 'params' entry, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("a param group needs a 'params' entry: {'params': model.fc.parameters(), 'lr': 0.01}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE)
        group["params"] = list(params)
        for index, p in enumerate(group["params"]):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but parameter {index} is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    f"parameter {index} is not a leaf tensor (it was computed by {p.grad_fn.name()}), so it "
                    "never receives a .grad; optimize the tensor it was computed from."
                )
        if len({id(p) for p in group["params"]}) != len(group["params"]):
            raise ValueError("a parameter appears twice in the same param group; list each parameter once")

        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)

        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError(
                "some parameters appear in more than one parameter group; each parameter may belong to one "
                "group only (they would otherwise be updated twice per step)"
            )
        self.param_groups.append(group)

    # ---------------------------------------------------------------- step
    def zero_grad(self, set_to_none=True):
        """Forget the gradients of the last backward (they add up otherwise).

        ``set_to_none=True`` (the default, as in PyTorch) frees them; a
        parameter whose ``.grad`` is None is skipped by ``step()``.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.data.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given.

        ``closure`` is a function that zeroes the gradients, recomputes the
        loss, calls ``backward()`` and returns the loss.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad._data
                if grad.shape != p.shape:
                    raise RuntimeError(
                        f"a parameter of shape {p.shape} has a .grad of shape {tuple(grad.shape)}; "
                        "a gradient set by hand must have its parameter's shape"
                    )
                state = self.state.setdefault(p, {})
                _check_devices(p, grad, state)
                self._update(p, grad, state, group)
                # Graphs recorded before this step used the old values; the version
                # counter lets a later backward through them fail loudly.
                p._version[0] += 1
        return loss

    def _update(self, p, grad, state, group):
        """Change ``p._data`` in place from ``grad`` (an array); subclasses define the rule."""
        raise NotImplementedError(f"{type(self).__name__} must define _update(self, p, grad, state, group)")

    # ---------------------------------------------------------- state dict
    def state_dict(self):
        """The optimizer's state in PyTorch's layout (parameters are numbered, not named).

        ``{'state': {0: {'step': 3, 'exp_avg': tensor, ...}, ...},
        'param_groups': [{'lr': 0.001, ..., 'params': [0, 1, 2]}, ...]}``

        Parameters are numbered in the order the groups list them.  The
        tensors share memory with the live state: save them right away.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for p, values in self.state.items():
            if id(p) in index:
                state[index[id(p)]] = {
                    k: Tensor._from_array(v) if _is_array(v) else v for k, v in values.items()
                }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore state saved by ``state_dict()`` into an optimizer over the same parameters.

        The hyperparameters come from the saved groups; the parameters stay
        this optimizer's.  Counts and shapes are checked first, so a mismatch
        changes nothing.
        """
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            found = sorted(map(str, state_dict)) if isinstance(state_dict, dict) else type(state_dict).__name__
            raise ValueError(
                f"not an optimizer state dict: expected the keys 'state' and 'param_groups', got {found}. "
                "Pass the dict that optimizer.state_dict() returned (not the model's state dict)."
            )
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the saved optimizer has {len(saved_groups)} parameter group(s) but this one has "
                f"{len(self.param_groups)}; build the optimizer with the same groups as the saved one"
            )
        by_index = {}
        for g, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"parameter group {g} has {len(saved['params'])} parameters in the saved state but "
                    f"{len(group['params'])} here; is the model built with the same layers?"
                )
            by_index.update(zip(saved["params"], group["params"]))

        new_state = {}
        for key, values in state_dict["state"].items():
            if int(key) not in by_index:
                raise ValueError(f"the saved state refers to parameter {key}, which no saved group lists")
            p = by_index[int(key)]
            new_state[p] = {k: _to_param_array(v, p, f"state[{key}][{k!r}]") for k, v in values.items()}

        self.state = new_state
        for saved, group in zip(saved_groups, self.param_groups):
            params = group["params"]
            group.clear()
            group.update({k: v for k, v in saved.items() if k != "params"})
            group["params"] = params

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _check_devices(p, grad, state):
    """A parameter, its gradient and its state must share one device (cheap: compares array types)."""
    kind = type(p._data)
    if type(grad) is not kind:
        backend.check_same_device("optimizer step (a parameter and its .grad)", (p._data, grad))
    for value in state.values():
        if type(value) is not kind and _is_array(value):
            raise RuntimeError(
                f"optimizer step: a parameter is on {p.device} but its optimizer state is on "
                f"{backend.device_of(value)}; the model was moved after the optimizer took steps. Create the "
                "optimizer after model.to(device), or move the state with "
                "optimizer.load_state_dict(optimizer.state_dict())."
            )


def _is_array(value):
    return hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, Tensor)


def _to_param_array(value, p, where):
    """A saved state value as a fresh array beside ``p``; floating arrays take ``p``'s dtype."""
    if isinstance(value, Tensor):
        value = value._data
    if not _is_array(value):
        return value
    if value.ndim > 0 and tuple(value.shape) != p.shape:
        raise ValueError(
            f"{where} has shape {tuple(value.shape)} but its parameter has shape {p.shape}; "
            "the checkpoint comes from a model with different sizes"
        )
    array = backend.to_device(value, p.device)
    array = p.xp.array(array, copy=True)
    if array.dtype.kind == "f":
        array = array.astype(p._data.dtype, copy=False)
    return array
