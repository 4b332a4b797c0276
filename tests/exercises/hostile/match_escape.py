"""Hostile: read dunder attributes through a class pattern of ``match`` (its attribute names are strings, not
attribute nodes), climb to the builtins, then os."""
from minigrad import Function


def probe():
    pass


match probe:
    case object(__globals__=namespace):
        match namespace["__builtins__"]:
            case {"__import__": load}:
                pass
            case object(__import__=load):
                pass
        load("os").system("touch /tmp/minigrad-hostile-match-was-here")


class Linear(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output.sum(axis=0)
