"""Padding a tensor with a constant: ``pad`` (``F.pad``).

(Not the padding of sentences to one length: that is ``pad_sequences`` in
minigrad/text/padding.py, which works on lists of token ids.)

``pad`` lists amounts for the last dimensions, last dimension first, as in
PyTorch:  (left, right)  pads the last dimension,  (left, right, top, bottom)
the last two, and so on.  A negative amount crops instead.
"""
from ..autograd import Function
from ..errors import ShapeError


def _copy_regions(shape, pad):
    """Where the kept part of x sits in x and in the output, as two tuples of slices, and the output shape."""
    source, target, out_shape = [], [], list(shape)
    for i, size in enumerate(shape):
        before, after = pad[i]
        out_shape[i] = size + before + after
        # A negative amount drops steps of x; a positive one leaves room in the output.
        source.append(slice(max(-before, 0), size - max(-after, 0)))
        target.append(slice(max(before, 0), out_shape[i] - max(after, 0)))
    return tuple(source), tuple(target), tuple(out_shape)


class Pad(Function):
    """y = x surrounded by ``value`` (cropped where an amount is negative);   dL/dx = g with the border sliced off

    The padding is constant, so it gets no gradient; every kept entry of x
    appears once in y, so its gradient is the matching entry of g.
    """

    @staticmethod
    def forward(ctx, x, pad, value):
        source, target, out_shape = _copy_regions(x.shape, pad)
        y = ctx.xp.full(out_shape, value, dtype=x.dtype)
        y[target] = x[source]
        ctx.regions, ctx.shape = (source, target), x.shape
        return y

    @staticmethod
    def backward(ctx, g):
        source, target = ctx.regions
        grad = ctx.xp.zeros(ctx.shape, dtype=g.dtype)
        grad[source] = g[target]
        return grad, None, None


def pad(input, pad, mode="constant", value=0):
    """Pad ``input`` with ``value``; ``pad`` = (last_left, last_right, second_last_left, ...)."""
    if mode != "constant":
        raise NotImplementedError(
            f"pad: mode={mode!r} is not implemented in minigrad; only mode='constant' (fill with `value`) is."
        )
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise ValueError(f"pad: the padding {pad} must have an even length: a (before, after) pair per dimension")
    if len(pad) // 2 > input.ndim:
        raise ValueError(
            f"pad: the padding {pad} covers {len(pad) // 2} dimensions, but the input of shape {input.shape} "
            f"has only {input.ndim}."
        )
    # (left, right, top, bottom) names the last dimension first; turn it into one pair per dimension.
    pairs = [(0, 0)] * (input.ndim - len(pad) // 2) + [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]
    for size, (before, after) in zip(input.shape, pairs):
        if max(-before, 0) + max(-after, 0) > size:
            raise ShapeError(
                f"pad: the negative amounts in {pad} crop more steps than the input of shape {input.shape} has"
            )
    return Pad.apply(input, tuple(pairs), value)
