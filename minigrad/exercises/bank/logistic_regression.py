"""Exercise logistic_regression: the loss of logistic regression, its gradient, and gradient descent on it."""
import numpy as np

from ..compare import Failed, expect_close, returned, vjp
from .kit import Plan, check

NAME = "logistic_regression"
TITLE = "Logistic regression: the loss, its gradient, gradient descent"
TOPIC = "Logistic regression"
DIFFICULTY = "easy"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise logistic_regression: logistic regression trained by gradient descent (lesson 1).

Task
    X has shape (N, D) (one example per row), y has shape (N,) with labels
    0 or 1, the weights w have shape (D,).  The model's probability that
    y_n = 1 is p_n = sigma(x_n . w), with sigma(s) = 1 / (1 + e^-s), and the
    loss is the mean binary cross-entropy

        L(w) = -(1/N) sum_n [ y_n log p_n + (1 - y_n) log(1 - p_n) ]

    1. ``loss(w, X, y)``: L(w), a float, finite even when |x_n . w| is
       large (``log_sigmoid`` below is written for you).
    2. ``gradient(w, X, y)``: dL/dw, an array of w's shape and dtype.
    3. ``gradient_descent(w, X, y, lr, steps)``: ``steps`` steps of
       w <- w - lr * dL/dw from w; return the last w.

'''

DERIVATION = {
    "derive": r'''Derive
    Differentiate one example's term with respect to the score s = x . w,
    using what you know of sigma'(s) in terms of sigma(s), then apply the
    chain rule through s.  The loss is a mean: keep track of the factor
    in front.  Then write the sum over examples as one matrix product and
    check its shape against w's.

''',
    "guided": r'''Derive
    With s_n = x_n . w and p_n = sigma(s_n), sigma'(s) = sigma(s)(1 - sigma(s))
    turns the derivative of one example's term into

        d/ds_n [ -y_n log p_n - (1 - y_n) log(1 - p_n) ] = p_n - y_n

    and ds_n/dw = x_n, so

        dL/dw = (1/N) sum_n (p_n - y_n) x_n = X^T (p - y) / N

    a vector of w's shape (D,).  Gradient descent repeats
    w <- w - lr * dL/dw.

''',
}

GRADED = r'''Graded
    loss's value against the definition; the gradient's values against
    the grader's finite differences of the loss; its shape and dtype
    (float32 in gives float32 out); a few steps of gradient descent: the
    weights they reach, and a loss that goes down.

The library's version is ``minigrad/nn/loss.py`` (``BCEWithLogitsLoss``):
the same loss on the scores, differentiated by the engine, and
``minigrad/optim/sgd.py`` for the step.
'''

SKELETON = r'''import numpy as np


def log_sigmoid(s):
    """log sigma(s) = -log(1 + e^-s), without overflow for any s."""
    return -np.logaddexp(0, -s)


def loss(w, X, y):
    """The mean binary cross-entropy of the probabilities sigma(X w) against the labels y (0 or 1)."""
    raise NotImplementedError("logistic_regression: write loss")


def gradient(w, X, y):
    """dL/dw, of w's shape and dtype."""
    raise NotImplementedError("logistic_regression: write gradient")


def gradient_descent(w, X, y, lr, steps):
    """The weights after ``steps`` steps of gradient descent from w."""
    raise NotImplementedError("logistic_regression: write gradient_descent")
'''

HINTS = [
    "log(1 - sigma(s)) = log sigma(-s): both terms of the loss are log_sigmoid of something.",
    "Differentiate with respect to the score s = x . w first; sigma'(s) is sigma(s) times (1 - sigma(s)).",
    "The loss is a mean over N examples, so its gradient keeps the 1/N; X.T @ (a vector of length N) has shape "
    "(D,).",
]


def forward(w, X, y):
    """The task's loss: softplus(s) - y s is -[y log sigma(s) + (1 - y) log(1 - sigma(s))]."""
    s = X @ w
    return np.mean(np.logaddexp(0, s) - y * s)


def _grad(w, X, y):
    return vjp(forward, [w, X, y], (0,), np.array(1.0))[0]


def _data(rng, n, d, dtype="float64"):
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 0.5).astype(float)
    w = rng.standard_normal(d) * 0.5
    return w.astype(dtype), X.astype(dtype), y.astype(dtype)


@check("loss", 2, "loss matches the definition, also for large scores")
def loss_values(rng, scale):
    plan, cases = Plan(), []
    for n, d, spread in ((12 * scale, 3, 1.0), (7, 4, 300.0)):
        w, X, y = _data(rng, n, d)
        w = w * spread  # large scores: sigma(s) rounds to 0 or 1, the loss must not
        cases.append((plan.call("loss", [w, X, y]), forward(w, X, y)))

    def judge(results):
        for k, want in cases:
            got = returned(results[k], "r", 0, "loss's value")
            if got.shape != ():
                raise Failed(f"loss returned an array of shape {got.shape}; it returns one number.",
                             hint="the loss averages over the examples.")
            expect_close(got, np.asarray(want), "loss's value", rtol=1e-7, atol=1e-10)

    plan.judge = judge
    return plan


@check("gradient", 4, "gradient's values against the grader's finite differences of the loss")
def gradient_values(rng, scale):
    plan, cases = Plan(), []
    for n, d in ((15 * scale, 4), (6, 1)):
        w, X, y = _data(rng, n, d)
        cases.append((plan.call("gradient", [w, X, y]), _grad(w, X, y)))

    def judge(results):
        for k, want in cases:
            expect_close(returned(results[k], "r", 0, "the gradient"), want, "the gradient", rtol=1e-5, atol=1e-8,
                         name="w")

    plan.judge = judge
    return plan


@check("shape", 1, "gradient has w's shape and dtype (float32 in, float32 out)")
def gradient_shape(rng, scale):
    plan = Plan()
    w, X, y = _data(rng, 9 * scale, 5, "float32")
    k = plan.call("gradient", [w, X, y])

    def judge(results):
        got = returned(results[k], "r", 0, "the gradient")
        if got.shape != w.shape:
            raise Failed(f"the gradient has shape {got.shape}; w has shape {w.shape}.",
                         hint="a gradient has the shape of what it differentiates by; sum over the examples.")
        if got.dtype != np.float32:
            raise Failed(f"for float32 inputs the gradient has dtype {got.dtype}.",
                         hint="an array made without dtype= is float64; work from the inputs, or pass dtype=w.dtype.")

    plan.judge = judge
    return plan


@check("descent", 3, "gradient_descent takes the steps of the rule, and the loss goes down")
def descent(rng, scale):
    plan = Plan()
    w, X, y = _data(rng, 20 * scale, 3)
    lr, steps = 0.5, 4
    k = plan.call("gradient_descent", [w, X, y, lr, steps])
    want = w.copy()
    for _ in range(steps):
        want = want - lr * _grad(want, X, y)

    def hint(got, _want):
        if forward(got, X, y) >= forward(w, X, y):
            return "the loss went up: a descent step moves against the gradient."
        return "take exactly the given number of steps, each from the weights the previous step reached."

    def judge(results):
        expect_close(returned(results[k], "r", 0, "the weights after gradient descent"), want,
                     "the weights after gradient descent", rtol=1e-5, atol=1e-8, hint=hint, name="w")

    plan.judge = judge
    return plan


CHECKS = [loss_values, gradient_values, gradient_shape, descent]
