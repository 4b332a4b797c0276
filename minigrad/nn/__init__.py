"""Neural-network building blocks with PyTorch's names: ``minigrad.nn`` is ``torch.nn``."""
from . import functional, init, utils
from .module import Module, ModuleDict, ModuleList, Parameter, Sequential
