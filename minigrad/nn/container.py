"""The containers: ``Sequential``, ``ModuleList`` and ``ModuleDict``, Modules that hold other Modules.

Each registers its children under their position ("0", "1", ...) or their
name, so ``parameters()`` and ``state_dict()`` reach every weight inside,
with the names PyTorch gives them (``0.weight``, ``encoder.bias``).
"""
from .module import Module


class _ModuleSequence(Module):
    """What ``Sequential`` and ``ModuleList`` share: numbered children, reached by position."""

    def __getitem__(self, index):
        return list(self._modules.values())[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self


class Sequential(_ModuleSequence):
    """Modules applied one after another: ``Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))``.

    Also accepts a dict of name -> module, so the parameters get those names.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(modules):
                self.add_module(str(index), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(dict(list(self._modules.items())[index]))
        return super().__getitem__(index)


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered (a plain list would hide them)."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def __setitem__(self, index, module):
        self.add_module(str(index % len(self)), module)

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self


class ModuleDict(Module):
    """A dict of modules whose parameters are registered, named by their keys."""

    def __init__(self, modules=None):
        super().__init__()
        for name, module in (modules or {}).items():
            self[name] = module

    def __getitem__(self, name):
        return self._modules[name]

    def __setitem__(self, name, module):
        self.add_module(name, module)

    def __contains__(self, name):
        return name in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()
