"""Matrix multiplication, the workhorse of every layer.

For matrices, y = A @ B with A (n, k) and B (k, m) gives

    dL/dA = g @ B^T   (n, m) @ (m, k) -> (n, k)
    dL/dB = A^T @ g   (k, n) @ (n, m) -> (k, m)

A quick check on shapes is the easiest way to remember which side the
transpose goes on.  Vectors and batches follow NumPy's ``matmul``: a 1-D
first argument is a row vector, a 1-D second argument a column vector, and
leading dimensions broadcast as a batch.
"""
from ..autograd import Function
from ..errors import ShapeError
from ._util import as_tensor, promote


class MatMul(Function):
    """y = a @ b;   dL/da = g @ b^T,   dL/db = a^T @ g   (batched over leading dimensions)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        xp = ctx.xp
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        # Treat vectors as matrices: a as one row, b as one column.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if a.ndim == 1:
            g = xp.expand_dims(g, -2)
        if b.ndim == 1:
            g = xp.expand_dims(g, -1)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = g @ xp.swapaxes(b2, -1, -2)
            if a.ndim == 1:
                grad_a = grad_a[..., 0, :]
        if ctx.needs_input_grad[1]:
            grad_b = xp.swapaxes(a2, -1, -2) @ g
            if b.ndim == 1:
                grad_b = grad_b[..., 0]
        return grad_a, grad_b


def matmul(input, other):
    input, other = promote(as_tensor(input), as_tensor(other))
    if input.ndim == 0 or other.ndim == 0:
        raise ShapeError("matmul: both operands need at least one dimension; use * to multiply by a scalar")
    inner_a = input.shape[-1]
    inner_b = other.shape[-2] if other.ndim > 1 else other.shape[0]
    if inner_a != inner_b:
        hint = " (did you mean the transpose of the second, .T?)" if other.ndim == 2 and other.shape[-1] == inner_a else ""
        raise ShapeError(
            f"matmul: cannot multiply shapes {input.shape} and {other.shape}: the last dimension of the first "
            f"({inner_a}) must equal the {'second-to-last' if other.ndim > 1 else 'only'} dimension of the "
            f"second ({inner_b}){hint}."
        )
    try:
        return MatMul.apply(input, other)
    except ValueError:
        raise ShapeError(
            f"matmul: the batch dimensions of shapes {input.shape} and {other.shape} cannot be broadcast together"
        ) from None
