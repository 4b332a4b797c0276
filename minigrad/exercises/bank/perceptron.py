"""Exercise perceptron: the prediction rule, the update rule as an SGD step, training until separated."""
import numpy as np

from ..compare import Failed, expect_close, returned, vjp
from .kit import Plan, check

NAME = "perceptron"
TITLE = "The perceptron: prediction, update, training"
TOPIC = "The perceptron"
DIFFICULTY = "easy"

# The student file's docstring: the task, then the derivation at the file's level, then what is graded.
TASK = r'''Exercise perceptron: the perceptron's rules, and what they can and cannot learn (lesson 3).

Task
    Labels are -1 or +1 here (lesson 3 writes them 0 / 1; the rule is the
    same up to that relabelling).  The weights w have shape (D,), the bias
    b is a float, an example x has shape (D,), X has shape (N, D).  The
    score is s = w . x + b.

    1. ``predict(w, b, X)``: +1 where the score is >= 0, -1 where it is
       < 0 (0 counts as +1, as in ``minigrad.step``); an array of shape (N,).
    2. ``update(w, b, x, y, lr)``: one step of SGD, with learning rate lr,
       on the perceptron loss of one example

           loss(w, b) = max(0, -y (w . x + b))

       Where the loss has a kink (a score of exactly 0) take the slope of
       the active side -y (w . x + b), so that a perceptron starting from
       w = 0, b = 0 moves (a score of 0 is a mistake for update, whatever
       the label, though predict says +1 there).  Return the new (w, b).
    3. ``train(X, y, max_epochs)``: from w = 0, b = 0 and lr = 1, visit the
       examples in order, ``update`` on each; an epoch in which no example
       changed (w, b) ends the training, and so does reaching max_epochs.
       Return (w, b, updates), updates being how many examples changed
       (w, b) in all.

'''

DERIVATION = {
    "derive": r'''Derive
    The loss is a maximum of two pieces: on which side of the kink is a
    correctly classified example, and what is the loss's slope there?
    And for a misclassified one?  The SGD step follows from the slope.
    Then: why must training end on a set that a line separates, and why
    can no (w, b) classify XOR?

''',
    "guided": r'''Derive
    The loss is 0 when y (w . x + b) > 0 (classified right, nothing to
    learn), and -y (w . x + b) otherwise, whose gradient is -y x for w and
    -y for b.  The SGD step w - lr dloss/dw is therefore

        if y (w . x + b) <= 0:   w <- w + lr y x,   b <- b + lr y
        else:                    no change

    On a separable set the number of updates is at most (R / gamma)^2
    (Novikoff), R the largest |(x, 1)|, gamma the best margin.  XOR has
    no separating line, so an update happens in every epoch.

''',
}

GRADED = r'''Graded
    predict against the rule, points on the boundary included; update
    against the grader's SGD step on the loss (from its finite
    differences), for misclassified, correctly classified and boundary
    examples; train on a separable set: the result separates it, within
    the number of updates the perceptron convergence theorem allows; train
    on XOR: it is never separated, and every epoch of the budget updates.

The library's version is ``minigrad/ops/activation.py`` (``step``): the
perceptron's threshold as a Function, whose gradient is zero wherever it
is defined - which is why the perceptron learns by this loss's SGD step
and not by backpropagating through its own output.
'''

SKELETON = r'''import numpy as np


def predict(w, b, X):
    """+1 where X w + b >= 0, else -1."""
    raise NotImplementedError("perceptron: write predict")


def update(w, b, x, y, lr=1.0):
    """One SGD step on max(0, -y (w . x + b)): the new (w, b)."""
    raise NotImplementedError("perceptron: write update")


def train(X, y, max_epochs):
    """Perceptron training from zero, in order, until an epoch changes nothing: (w, b, updates)."""
    raise NotImplementedError("perceptron: write train")
'''

HINTS = [
    "A correctly classified example has zero loss around it, so its step is zero.",
    "For a misclassified example the loss is -y (w . x + b): differentiate that with respect to w and b.",
    "train: count the updates of each epoch and stop after an epoch with none.",
]


def forward(w, b, x, y):
    """The perceptron loss of one example."""
    return np.maximum(0.0, -y * (w @ x + b))


def sgd_step(w, b, x, y, lr):
    """The grader's SGD step, from its finite differences of the loss; at the kink, the active side's slope."""
    if y * (w @ x + b) == 0:
        return w + lr * y * x, b + lr * y
    grads = vjp(forward, [w, np.array(b), x, y], (0, 1), np.array(1.0))
    return w - lr * grads[0], b - lr * float(grads[1])


def backwards(got, want, start):
    """The hint when the step was taken the wrong way."""
    if np.allclose(got - start, -(want - start), rtol=1e-6, atol=1e-9):
        return "the step goes the wrong way: a sign error (SGD moves against the loss's slope)."
    return None


def separates(w, b, X, y):
    return bool(np.all(y * (X @ w + b) > 0))


@check("predict", 2, "predict follows the rule, also on the boundary")
def predict_rule(rng, scale):
    plan = Plan()
    w, b = rng.standard_normal(3), float(rng.standard_normal())
    X = rng.standard_normal((10 * scale, 3))
    X[:2] = 0.0  # the score is b there
    cases = []
    for w_, b_ in ((w, b), (np.zeros(3), 0.0)):  # the second puts every score at exactly 0
        score = X @ w_ + b_
        cases.append((plan.call("predict", [w_, b_, X]), np.where(score >= 0, 1, -1), score == 0))

    def judge(results):
        for k, want, on_zero in cases:
            got = returned(results[k], "r", 0, "predict's result")
            if got.shape != want.shape:
                raise Failed(f"predict returned shape {got.shape} for {len(X)} examples.",
                             hint="one label per row of X.")
            if not np.array_equal(got, want):
                right_elsewhere = np.array_equal(got[~on_zero], want[~on_zero])
                hint = ("a score of exactly 0 is predicted +1, as minigrad.step does." if right_elsewhere
                        else "the label is +1 or -1, the sign of the score.")
                raise Failed(f"predict is wrong for {int((got != want).sum())} of {len(want)} examples.", hint=hint)

    plan.judge = judge
    return plan


@check("update", 3, "one update is the SGD step on the perceptron loss")
def update_rule(rng, scale):
    plan, cases = Plan(), []
    d, lr = 4, 0.5
    for kind in ("wrong", "right", "zero"):
        w = np.zeros(d) if kind == "zero" else rng.standard_normal(d)
        b = 0.0 if kind == "zero" else float(rng.standard_normal())
        x = rng.standard_normal(d)
        y = 1.0 if rng.random() < 0.5 else -1.0
        if kind != "zero" and (y * (w @ x + b) > 0) != (kind == "right"):
            y = -y  # the kind of example asked for
        want = sgd_step(w, b, x, y, lr)
        cases.append((plan.call("update", [w, b, x, y, lr]), want, kind, (w, b)))

    def judge(results):
        for k, (w_want, b_want), kind, (w, b) in cases:
            got_w = returned(results[k], "r", 0, "update's new w")
            got_b = returned(results[k], "r", 1, "update's new b")
            moved = not (np.allclose(got_w, w) and np.allclose(got_b, b))
            if kind == "right" and moved:
                raise Failed("update changed (w, b) for an example the model already classifies correctly.",
                             hint="the loss is flat (zero) around a correctly classified example: its SGD step is "
                             "zero.")
            if kind == "zero" and not moved:
                raise Failed("from w = 0, b = 0 update did not move: a score of exactly 0 counts as a mistake.",
                             hint="on the boundary take the active side's slope, as the task says.")
            what = {"wrong": "a misclassified example", "right": "a correctly classified example",
                    "zero": "a score of exactly 0"}[kind]
            expect_close(got_w, w_want, f"update's new w for {what}", rtol=1e-6, atol=1e-9, name="w",
                         hint=lambda got, want, start=w: backwards(got, want, start))
            expect_close(np.asarray(got_b, dtype=np.float64), np.asarray(b_want), f"update's new b for {what}",
                         rtol=1e-6, atol=1e-9, name="b", hint=lambda got, want, start=b: backwards(got, want, start))

    plan.judge = judge
    return plan


def _separable(rng, n):
    w_true, b_true = rng.standard_normal(2), 0.3 * float(rng.standard_normal())
    X = rng.uniform(-1, 1, (4 * n, 2))
    score = X @ w_true + b_true
    keep = np.abs(score) > 0.15 * np.linalg.norm(w_true)  # a margin, so the bound is modest
    X, score = X[keep][:n], score[keep][:n]
    return X, np.where(score > 0, 1.0, -1.0), w_true, b_true


@check("separates", 3, "train separates a linearly separable set in finitely many updates")
def separable(rng, scale):
    plan = Plan()
    X, y, w_true, b_true = _separable(rng, 30 * scale)
    augmented = np.hstack([X, np.ones((len(X), 1))])
    unit = np.append(w_true, b_true) / np.linalg.norm(np.append(w_true, b_true))
    bound = (np.linalg.norm(augmented, axis=1).max() / (y * (augmented @ unit)).min()) ** 2
    k = plan.call("train", [X, y, 10_000])

    def judge(results):
        w = returned(results[k], "r", 0, "train's w")
        b = returned(results[k], "r", 1, "train's b")
        updates = returned(results[k], "r", 2, "train's count of updates")
        if w.shape != (2,) or b.size != 1 or updates.size != 1:
            raise Failed("train returns (w, b, updates): w of shape (D,), a float and an integer.")
        if not separates(w, float(b), X, y):
            raise Failed(f"after train, (w, b) misclassifies some of the {len(y)} examples of a separable set.",
                         hint="keep going, epoch after epoch, until an epoch updates nothing.")
        if not 1 <= float(updates) <= bound:
            raise Failed(f"train reports {float(updates):g} updates; on this set the convergence theorem allows "
                         "between 1 and its bound.", hint="count each example that changed (w, b), once.")

    plan.judge = judge
    return plan


@check("xor", 2, "train never separates XOR, and updates in every epoch of its budget")
def xor(rng, scale):
    plan, epochs = Plan(), int(rng.integers(15, 30))
    X = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]]) * rng.uniform(0.5, 2.0)
    y = np.array([-1.0, 1.0, 1.0, -1.0])
    k = plan.call("train", [X, y, epochs])

    def judge(results):
        w = returned(results[k], "r", 0, "train's w")
        b = returned(results[k], "r", 1, "train's b")
        updates = float(returned(results[k], "r", 2, "train's count of updates"))
        if w.shape == (2,) and b.size == 1 and separates(w, float(b), X, y):
            raise Failed("train returned a (w, b) that separates XOR, which no line can.")
        if not epochs <= updates <= 4 * epochs:
            raise Failed(f"on XOR with a budget of {epochs} epochs, train reports {updates:g} updates.",
                         hint="no line separates XOR, so every epoch updates at least once and training runs "
                         "the whole budget; stop early only after an epoch with no update.")

    plan.judge = judge
    return plan


CHECKS = [predict_rule, update_rule, separable, xor]
