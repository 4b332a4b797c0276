"""Shape-only layers: ``Flatten``, ``Unflatten`` and ``Identity``.

They learn nothing; they let a reshape sit inside ``Sequential``, e.g.
between convolution features (N, C, L) and a ``Linear`` that wants (N, C*L).
"""
import math

from ..errors import ShapeError
from ..ops._util import normalize_dims
from .module import Module


class Flatten(Module):
    """Merge dimensions ``start_dim``..``end_dim`` into one: (N, C, L) -> (N, C*L) with the defaults.

    ``start_dim=1`` keeps the batch dimension, unlike ``minigrad.flatten``
    (start_dim=0), as in PyTorch.
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        start, end = (normalize_dims(d, input.ndim, "Flatten")[0] for d in (self.start_dim, self.end_dim))
        if start > end:
            raise ValueError(
                f"Flatten: start_dim={self.start_dim} comes after end_dim={self.end_dim} for an input of shape "
                f"{input.shape}; flattening runs from start_dim up to end_dim."
            )
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``: Unflatten(1, (2, 5)) maps (N, 10) -> (N, 2, 5).

    One entry of ``unflattened_size`` may be -1, to be inferred.
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input):
        (dim,) = normalize_dims(self.dim, input.ndim, "Unflatten")
        sizes = self.unflattened_size
        known = math.prod(n for n in sizes if n != -1)
        fits = known == input.shape[dim] if -1 not in sizes else known > 0 and input.shape[dim] % known == 0
        if sizes.count(-1) > 1 or not fits:
            raise ShapeError(
                f"Unflatten: cannot split dimension {self.dim} (size {input.shape[dim]}) of an input of shape "
                f"{input.shape} into {sizes}; the sizes must multiply to {input.shape[dim]} (at most one may be -1)."
            )
        return input.reshape(input.shape[:dim] + sizes + input.shape[dim + 1 :])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Identity(Module):
    """Return the input unchanged (a placeholder, e.g. to switch a layer off). Accepts and ignores any arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input
