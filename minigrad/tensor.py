"""``Tensor``: an array that remembers how it was made, so gradients can flow back.

A Tensor holds

- its values, an array of the backend in ``_data``: NumPy on the CPU, CuPy
  on a GPU (``device`` is read from that array; ``to('cuda')`` moves it);
- ``requires_grad``: whether gradients should be computed for it;
- ``grad``: after ``backward()``, dL/d(this tensor) as a Tensor (leaves only,
  accumulated across calls as in PyTorch: call ``zero_grad`` between steps);
- ``grad_fn``: the Function node that produced it (None for leaves, which
  are the tensors you created yourself).

The operations themselves live in ``minigrad/ops``.  The methods that only
hand over to them (``x + y``, ``x.tanh()``, ``x.sum()``, ``x.float()``, ...)
are in tensor_methods.py, installed on ``Tensor`` below, so that this file holds
what a tensor is and how its gradient is started; ``x.tanh()`` and
``minigrad.tanh(x)`` are one thing.
"""
import weakref

from . import autograd, backend, dtypes, hooks
from .errors import ShapeError
from .ops import elementwise
from .ops import shape as shape_ops
from . import tensor_methods


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    Create tensors with ``minigrad.tensor(data)`` or the factories
    (``zeros``, ``randn``, ...).  ``Tensor(data)`` does the same as
    ``minigrad.tensor(data)``.
    """

    __slots__ = ("_data", "_requires_grad", "grad", "grad_fn", "_retains_grad", "_version", "_hooks",
                 "__weakref__")
    # Make NumPy hand `array * tensor` to Tensor.__rmul__ instead of looping over the tensor.
    __array_ufunc__ = None

    def __init__(self, data, dtype=None, requires_grad=False, device=None):
        host_data = isinstance(data, backend.cpu.ndarray) or not (isinstance(data, Tensor) or backend.is_array(data))
        if device is None and host_data:
            device = backend.get_default_device()  # host data (lists, NumPy arrays) goes to the default device
        array = as_array(data, dtype, device)
        self._data = array
        self._requires_grad = False
        self.grad = None
        self.grad_fn = None
        self._retains_grad = False
        self._version = [0]
        self._hooks = None
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _from_array(cls, array):
        """Wrap an array that an operation just made (no copy, no checks)."""
        t = cls.__new__(cls)
        t._data = array
        t._requires_grad = False
        t.grad = None
        t.grad_fn = None
        t._retains_grad = False
        t._version = [0]
        t._hooks = None
        return t

    # ----------------------------------------------------------- attributes
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self.grad_fn is not None and value:
            return  # a tensor made by an operation already requires grad (PyTorch allows this no-op)
        if self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors (ones you created); this tensor was made by "
                f"{self.grad_fn.name()}. Use .detach() to get a leaf with the same values."
            )
        if value and self._data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients; this one is {self.dtype}. "
                "Convert it first with .float() or .double()."
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def xp(self):
        """The array module (NumPy or CuPy) that holds this tensor's values."""
        return backend.get_array_module(self._data)

    @property
    def device(self):
        """Where the values live: ``device(type='cpu')`` or ``device(type='cuda', index=0)``.

        Compares equal to strings: ``t.device == 'cuda'``.
        """
        return backend.device_of(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def data(self):
        """The same values without history: a leaf that shares memory with this tensor.

        ``p.data.zero_()`` or ``p.data.copy_(w)`` change ``p`` in place without
        being recorded; that is how parameters are initialised.
        """
        t = Tensor._from_array(self._data)
        t._version = self._version
        return t

    @data.setter
    def data(self, value):
        array = value._data if isinstance(value, Tensor) else as_array(value, None)
        self._data = array
        self._version[0] += 1

    def size(self, dim=None):
        if dim is None:
            return self.shape
        return self.shape[_check_dim(dim, self.ndim, "size")]

    def dim(self):
        return self.ndim

    def numel(self):
        return int(self._data.size)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it holds a single value; use .item() to read it")
        return self.shape[0]

    @property
    def T(self):
        """The tensor with its dimensions reversed (for a matrix, its transpose)."""
        return shape_ops.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self):
        """The last two dimensions swapped (a batch of matrices transposed)."""
        return shape_ops.transpose(self, -2, -1)

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    # -------------------------------------------------------- host transfer
    # item(), numpy(), tolist() and printing are the only places where values
    # come to the host from a GPU; nothing else converts behind your back.
    def item(self):
        """The single value of a one-element tensor as a Python number (copied from the GPU if there)."""
        if self._data.size != 1:
            raise ValueError(
                f"item() needs a tensor with exactly one element; this one has shape {self.shape}. "
                "Reduce it first (for example .sum() or .mean()) or index one element."
            )
        return backend.to_numpy(self._data).reshape(()).item()

    def numpy(self):
        """The values as a NumPy array: shared memory on the CPU (as in PyTorch), a host copy from a GPU."""
        if self._requires_grad:
            raise RuntimeError(
                "numpy() on a tensor that requires grad would let its values change behind autograd's back; "
                "call tensor.detach().numpy() instead."
            )
        return backend.to_numpy(self._data)

    def tolist(self):
        return backend.to_numpy(self._data).tolist()

    def __array__(self, dtype=None, copy=None):
        if not isinstance(self._data, backend.cpu.ndarray):
            raise TypeError(
                f"numpy.asarray() of a tensor on {self.device}: minigrad never copies GPU values to the host "
                "implicitly. Call t.cpu() or t.numpy() (or t.item() for one value) to bring them over explicitly."
            )
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors can be used as an index; this one is {self.dtype}")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self._data.size} elements is ambiguous; "
                "use .any() or .all() to reduce it to one value."
            )
        return bool(self.item())

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __hash__(self):
        return id(self)

    def __repr__(self):
        xp = backend.cpu
        body = xp.array2string(
            backend.to_numpy(self._data), separator=", ", prefix="tensor(", precision=4, threshold=100
        )
        parts = [f"tensor({body}", f"dtype={self.dtype!r}"]
        if self.device.type != "cpu":
            parts.append(f"device='{self.device}'")
        if self.grad_fn is not None:
            parts.append(f"grad_fn={self.grad_fn!r}")
        elif self._requires_grad:
            parts.append("requires_grad=True")
        return ", ".join(parts) + ")"

    # ---------------------------------------------------------------- graph
    def backward(self, gradient=None, retain_graph=False):
        """Compute d(self)/d(leaf) for every leaf that requires grad, into ``leaf.grad``.

        ``self`` must be a single value (a loss) unless ``gradient`` - the
        dL/d(self) to start from, of self's shape - is given.  Gradients add
        up across calls; zero them between optimisation steps.
        """
        if not self._requires_grad:
            raise RuntimeError(
                "backward() was called on a tensor that does not require grad: none of the tensors it was "
                "computed from had requires_grad=True, or it was computed inside no_grad(). Create your "
                "parameters with requires_grad=True."
            )
        seed = self._initial_grad(gradient, "backward")
        autograd.run_backward(self, seed, retain_graph=retain_graph)

    def _initial_grad(self, gradient, caller):
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"{caller}: the gradient can only be created implicitly for a single value, but this "
                    f"tensor has shape {self.shape}. Reduce it to a scalar first (.sum() or .mean()), or "
                    f"pass the starting gradient: {caller}(gradient=minigrad.ones_like(t))."
                )
            return self.xp.ones(self.shape, dtype=self._data.dtype)
        grad = gradient._data if isinstance(gradient, Tensor) else self.xp.asarray(gradient)
        if type(grad) is not type(self._data):
            backend.check_same_device(caller, (self._data, grad))
        if grad.shape != self.shape:
            raise RuntimeError(
                f"{caller}: the gradient has shape {tuple(grad.shape)} but the tensor has shape {self.shape}; "
                "they must match."
            )
        return grad.astype(self._data.dtype, copy=False)

    def _accumulate_grad(self, grad, owned=False):
        if self.grad is None:
            # Copy, unless the caller knows that nothing else refers to ``grad`` (grad_ownership.unshared):
            # the same array may also be flowing to other tensors.
            self.grad = Tensor._from_array(grad if owned else grad.copy())
        else:
            self.grad._data = self.grad._data + grad

    def retain_grad(self):
        """Keep ``.grad`` on this non-leaf tensor too after backward (a no-op on a leaf, which keeps it anyway).

        The kept gradient is the total over every use of the tensor, after
        its hooks: as in PyTorch, retaining always comes last.
        """
        if self.grad_fn is not None and not self._retains_grad:
            self._retains_grad = True
            self.grad_fn._retained = weakref.ref(self)
        return self

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """Call ``hook(grad)`` whenever dL/d(this tensor) has been computed; return a handle to remove it.

        ``grad`` is the total over every use of the tensor (one call per
        backward, not one per path).  If ``hook`` returns a tensor, that
        tensor replaces the gradient: it is what flows on, what the next hook
        sees, what ``retain_grad`` keeps and - on a leaf, whose hooks run
        before accumulation - what is added into ``.grad``::

            h = x.register_hook(lambda g: g.clamp(-1, 1))   # clip this gradient
            loss.backward()
            h.remove()

        Hooks also run for ``minigrad.autograd.grad``.
        """
        if not self._requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require gradient; "
                               "create it with requires_grad=True (or hook a tensor computed from one)")
        if self._hooks is None:
            self._hooks = {}
            if self.grad_fn is not None:
                self.grad_fn._output_hooks = self._hooks  # the engine meets the node, not the tensor
        return hooks.add(self._hooks, hook)

    def detach(self):
        """The same values, cut from the graph: a new leaf sharing memory."""
        return self.data

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    def clone(self):
        """A copy of the values; gradients flow back to the original."""
        return elementwise.clone(self)

    # ----------------------------------------------------- in-place helpers
    def _inplace_allowed(self, what):
        if self._requires_grad and (autograd.is_grad_enabled() or self.grad_fn is not None):
            raise RuntimeError(
                f"{what}: this tensor requires grad, and changing it in place would corrupt its gradient. "
                f"Change its values through .data (for example p.data.{what}(...)), or do it inside "
                "`with minigrad.no_grad():`."
            )

    def zero_(self):
        self._inplace_allowed("zero_")
        self._data[...] = 0
        self._version[0] += 1
        return self

    def fill_(self, value):
        self._inplace_allowed("fill_")
        self._data[...] = value
        self._version[0] += 1
        return self

    def copy_(self, src):
        """Copy ``src``'s values into this tensor, broadcasting them to its shape.

        ``src`` may live on another device (as in PyTorch): the copy is the transfer.
        """
        self._inplace_allowed("copy_")
        values = src._data if isinstance(src, Tensor) else src
        values = backend.to_device(values, self.device) if backend.is_array(values) else self.xp.asarray(values)
        try:
            target_shape = backend.cpu.broadcast_shapes(values.shape, self.shape)
        except ValueError:
            target_shape = None
        if target_shape != self.shape:
            raise ValueError(f"copy_: cannot copy values of shape {tuple(values.shape)} into shape {self.shape}")
        self._data[...] = values
        self._version[0] += 1
        return self

    def _inplace(self, name, op, other):
        """``self op= other`` in place: the way an optimizer step changes a parameter."""
        self._inplace_allowed(name)
        with autograd.no_grad():
            result = op(self, other)
        if result.shape != self.shape:
            raise ShapeError(
                f"{name}: the result has shape {result.shape} but an in-place operation must keep the tensor's "
                f"shape {self.shape}"
            )
        self._data[...] = result._data
        self._version[0] += 1
        return self

    def __setitem__(self, index, value):
        self._inplace_allowed("__setitem__")
        index = shape_ops._array_index(index, self.xp)
        if isinstance(value, Tensor):
            value = value._data
            if type(value) is not type(self._data):
                backend.check_same_device("__setitem__", (self._data, value))
        self._data[index] = value
        self._version[0] += 1

    # ---------------------------------------------------------- conversions
    def to(self, target=None, dtype=None, *, device=None):
        """Move to a device and/or convert to a dtype, as PyTorch's ``Tensor.to``.

        ``t.to('cuda')``, ``t.to(minigrad.float64)``, ``t.to('cuda', minigrad.float64)``,
        ``t.to(other)`` (other's device and dtype), ``t.to(device='cpu')``.
        Returns ``self`` when nothing changes; otherwise a new tensor, and
        gradients flow back across the move.
        """
        if isinstance(target, Tensor):
            device, dtype = target.device, dtype or target.dtype
        elif backend.is_device(target):
            device = target
        elif target is not None:
            dtype = target
        result = self
        if dtype is not None:
            result = elementwise.to_dtype(result, dtypes.to_numpy_dtype(dtype))
        if device is not None and backend.as_device(device) != result.device:
            result = elementwise.to_device(result, backend.as_device(device))
        return result


# x + y, x.sum(), x.float(), ...: the methods that hand over to an operation.
tensor_methods.install(Tensor)


def _check_dim(dim, ndim, op):
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(
            f"{op}: dimension {dim} is out of range for a tensor with {ndim} dimension(s) "
            f"(valid: {-max(ndim, 1)} to {max(ndim, 1) - 1})"
        )
    return dim % max(ndim, 1)


# Imported last: creation.py builds on Tensor, defined above.
from .creation import as_array  # noqa: E402
