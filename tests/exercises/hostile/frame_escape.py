"""Hostile: reach the builtins through a generator's frame (no underscore attribute, no forbidden name), then os."""
from minigrad import Function


def frames():
    yield


builtins = frames().gi_frame.f_builtins
builtins["__import__"]("os").system("touch /tmp/minigrad-hostile-frame-was-here")


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output.sum(axis=0)
