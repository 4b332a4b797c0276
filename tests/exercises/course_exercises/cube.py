"""An instructor's own exercise, kept outside the package: a plain function that returns an array.

It shows the format the bank uses (minigrad/exercises/README.md, "Adding an
exercise") for a task that is not a Function: the grader checks the
student's ``cube_backward(x, g)`` against its own finite differences of
the public ``forward``.
"""
import numpy as np

from minigrad.exercises.bank.kit import Plan, check, upstream
from minigrad.exercises.compare import expect_close, returned, vjp

NAME = "cube"
TITLE = "The backward of y = x^3"
TOPIC = "Warm-up"
DIFFICULTY = "easy"
TASK = """Exercise cube: write cube_backward(x, g), the gradient of L = sum(g * x^3) with respect to x.

"""
DERIVATION = {"derive": "", "guided": "The derivative of x^3 is 3 x^2.\n\n"}
GRADED = "Graded: the result against finite differences of x^3.\n"
SKELETON = '''import numpy as np  # noqa: F401


def cube_backward(x, grad_output):
    raise NotImplementedError("cube: write cube_backward")
'''
HINTS = ["Differentiate x^3 entry by entry, then multiply by grad_output."]


def forward(x):
    return x**3


@check("values", 3, "cube_backward matches finite differences")
def values(rng, scale):
    plan = Plan()
    x = rng.standard_normal((4 * scale, 3))
    g = upstream(rng, x.shape)
    k = plan.call("cube_backward", [x, g])
    want = vjp(forward, [x], [0], g)[0]
    plan.judge = lambda results: expect_close(returned(results[k], "r", 0, "cube_backward's result"), want,
                                              "cube_backward's result", 1e-5, 1e-7, name="x")
    return plan


CHECKS = [values]
