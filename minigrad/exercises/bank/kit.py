"""What the exercises of the bank are made of: a graded check, the calls it asks for, and the usual checks.

A check is built, in the grader, from a seeded generator and the course's
``scale`` (how much larger graded inputs are than a student's self-check):
``check.build(rng, scale)`` returns a ``Plan`` - the calls the child must
run on the student's code, the input arrays they use, and ``judge``, a
function of the results that returns when the check passes and raises
``Failed`` otherwise.  The child only ever runs calls; everything in a
Plan besides its calls stays in the grader.

A call is one of

- ``plan.forward("Linear", args)``: a fresh ctx, ``Linear.forward(ctx, *args)``;
- ``plan.backward("Linear", args, g)``: the same, then ``backward(ctx, g)``
  with ``g`` read-only, as in the engine;
- ``plan.call("adam_step", args, kwargs)``: a plain function; array
  arguments are writable copies, returned afterwards as ``arg<i>``;
- ``plan.time("Linear", args, g, budget)``: CPU seconds of backward alone;
- ``plan.time_call("gradients", args, budget)``: CPU seconds of a plain function's call.

An argument is an array, a plain value, ``generator(seed)`` (a NumPy
Generator made in the child) or ``helper(name, *args)`` (an object the
exercise module builds in the child, such as a function to differentiate).
"""
import time
from dataclasses import dataclass

import numpy as np

from ..compare import SLOW, Failed, count_of, expect_close, is_none, raise_error, returned, vjp

FLOOR = 2.0  # CPU seconds a timed backward may always take
TIMES_FORWARD = 20  # ... or this many times the forward's own time on the same input, whichever is more


@dataclass
class Check:
    key: str  # the name a course file uses to set its points
    points: int
    description: str
    build: object  # build(rng, scale) -> Plan
    timed: bool = False  # runs after the others, and counts only when what it times is right:
    right_first: str = "backward"  # ... every check whose key starts with this passed (a fast wrong answer earns nothing)


def check(key, points, description, timed=False, right_first="backward"):
    """Decorator: ``@check("forward", 2, "forward matches the definition")`` over ``build(rng, scale)``."""
    return lambda build: Check(key, points, description, build, timed, right_first)


def generator(seed):
    return {"generator": int(seed)}


def helper(name, *args):
    return {"helper": name, "args": list(args)}


class Plan:
    """The calls of one check and the arrays they use; ``judge`` is set by the check."""

    def __init__(self):
        self.calls = []
        self.arrays = {}
        self.judge = None

    def _arg(self, value):
        if isinstance(value, dict):
            return value
        if isinstance(value, np.ndarray):
            name = f"a{len(self.arrays)}"
            self.arrays[name] = value
            return {"array": name}
        if isinstance(value, np.generic):
            value = value.item()
        return {"value": value}

    def _add(self, call):
        self.calls.append(call)
        return len(self.calls) - 1

    def forward(self, cls, args):
        return self._add({"op": "forward", "target": cls, "args": [self._arg(a) for a in args]})

    def backward(self, cls, args, grad_output):
        return self._add({"op": "backward", "target": cls, "args": [self._arg(a) for a in args],
                          "grad": self._arg(grad_output)["array"]})

    def call(self, function, args, kwargs=None):
        return self._add({"op": "call", "target": function, "args": [self._arg(a) for a in args],
                          "kwargs": {k: self._arg(v) for k, v in (kwargs or {}).items()}})

    def time(self, cls, args, grad_output, budget):
        return self._add({"op": "time", "target": cls, "args": [self._arg(a) for a in args],
                          "grad": self._arg(grad_output)["array"], "budget": budget})

    def time_call(self, function, args, budget):
        return self._add({"op": "time_call", "target": function, "args": [self._arg(a) for a in args],
                          "budget": budget})


def upstream(rng, shape, dtype="float64"):
    """A random grad_output (never all ones, so a forgotten factor shows)."""
    return np.asarray(rng.standard_normal(shape) if shape else rng.uniform(0.5, 2.0), dtype=dtype)


def cpu_seconds(function, repeats=3):
    """The best CPU time of ``function()`` over ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


# --------------------------------------------------------------------------- the usual checks of a Function
def function_checks(cls, forward, inputs, names, wrt, large, write_forward=True, hints=None, points=None,
                    rtol=1e-5, atol=1e-7, differentiable=None, timed=True):
    """The standard checks of a Function exercise whose forward is ``forward(*args)`` in NumPy.

    ``inputs(rng, dtype, scale)`` draws the arguments, ``names`` names them,
    ``wrt`` lists the indices that get a gradient, ``large(rng)`` draws
    the timing input.  ``hints`` maps a check key to ``hint(got, want, args,
    g)``, a function that recognises a known mistake.  Returns the list of
    checks: forward (float64 and float32) when the student writes it,
    backward against the grader's own finite differences, backward in
    float32, and the timed backward.  ``differentiable`` is the forward the
    gradients are taken of, when it differs (a padding row held constant).
    """
    differentiable = differentiable or forward
    hints = hints or {}
    points = points or {}
    checks = []

    def hint_for(key, args, g=None):
        chosen = hints.get(key)
        return None if chosen is None else (lambda got, want: chosen(got, want, args, g))

    if write_forward:
        @check("forward", points.get("forward", 2), f"forward: {cls}.forward matches the definition (float64)")
        def forward_values(rng, scale):
            plan, args = Plan(), inputs(rng, "float64", scale)
            k = plan.forward(cls, args)
            want = np.asarray(forward(*args))
            plan.judge = lambda r: expect_close(returned(r[k], "out", 0, "forward's output"), want,
                                                "forward's output", rtol=1e-6, atol=1e-8,
                                                hint=hint_for("forward", args))
            return plan

        @check("forward_float32", points.get("forward_float32", 1), "forward: float32 in, float32 out")
        def forward_float32(rng, scale):
            plan, args = Plan(), inputs(rng, "float32", scale)
            k = plan.forward(cls, args)
            want = np.asarray(forward(*args)).astype(np.float32)
            plan.judge = lambda r: expect_close(returned(r[k], "out", 0, "forward's output"), want,
                                                "forward's output for float32 input", rtol=1e-4, atol=1e-5)
            return plan

        checks += [forward_values, forward_float32]

    def judge_grads(r, k, args, g, dtype, tolerance):
        n = count_of(r[k], "grad")
        if n != len(args):
            raise Failed(f"backward returned {n} value(s), but forward takes {len(args)} argument(s).",
                         hint="return one gradient per argument of forward, in order, with None for the "
                         "arguments that have no gradient.")
        expected = vjp(differentiable, args, wrt, g)
        for i in wrt:
            want = expected[i].astype(dtype)
            if is_none(r[k], "grad", i):
                raise Failed(f"backward returned None as the gradient for {names[i]}.",
                             hint=f"{names[i]} takes part in forward, so it has a gradient.")
            got = returned(r[k], "grad", i, f"the gradient for {names[i]}")
            expect_close(got, want, f"the gradient for {names[i]}", *tolerance, name=names[i],
                         hint=hint_for(f"backward_{names[i]}", args, g))

    @check("backward", points.get("backward", 4), "backward: every gradient's shape, dtype and values (float64)")
    def backward_values(rng, scale):
        plan, args = Plan(), inputs(rng, "float64", scale)
        g = upstream(rng, np.shape(forward(*args)))
        k = plan.backward(cls, args, g)
        plan.judge = lambda r: judge_grads(r, k, args, g, np.float64, (rtol, atol))
        return plan

    @check("backward_float32", points.get("backward_float32", 1), "backward: float32 in, float32 gradients")
    def backward_float32(rng, scale):
        plan, args = Plan(), inputs(rng, "float32", scale)
        g = upstream(rng, np.shape(forward(*args)), "float32")
        k = plan.backward(cls, args, g)
        plan.judge = lambda r: judge_grads(r, k, args, g, np.float32, (1e-3, 1e-4))
        return plan

    checks += [backward_values, backward_float32]
    if timed:
        checks.append(timed_backward(cls, forward, large, points.get("fast", 2)))
    return checks


def timed_backward(cls, forward, large, points=2):
    """The check that a backward is analytic: on a large input it must cost about what forward costs."""

    @check("fast", points, "backward is analytic: on a large input it takes at most "
           f"{TIMES_FORWARD} times the forward's CPU time (or {FLOOR:g} s)", timed=True)
    def fast(rng, scale):
        plan, args = Plan(), large(rng)
        budget = max(FLOOR, TIMES_FORWARD * cpu_seconds(lambda: forward(*args)))
        g = upstream(rng, np.shape(forward(*args)))
        k = plan.time(cls, args, g, budget)

        def judge(r):
            raise_error(r[k])
            seconds = float(r[k]["cpu"])
            if seconds > budget:
                raise Failed(f"backward took {seconds:.2f} s of CPU time on a large input; the budget is "
                             f"{budget:.2f} s.", hint=SLOW)

        plan.judge = judge
        return plan

    return fast



# ------------------------------------------------------------------------- the usual check of an update rule
def expect_step(result, want, names, variants, what):
    """Fail unless the returned tuple matches ``want``; name the wrong rule when one of ``variants`` matches."""
    got = [returned(result, "r", i, f"{what}: the new {name}") for i, name in enumerate(names)]
    if count_of(result, "r") != len(names):
        raise Failed(f"{what}: the step returned {count_of(result, 'r')} value(s); it returns ({', '.join(names)}).")
    for mine, right, name in zip(got, want, names):
        if mine.shape != right.shape:
            raise Failed(f"{what}: the new {name} has shape {mine.shape}; it should have {right.shape}.",
                         hint="each returned array has the parameter's shape.")
        if not np.allclose(mine, right, rtol=1e-7, atol=1e-12):
            hint = next((text for rule, text in variants
                         if all(np.allclose(m, r, rtol=1e-7, atol=1e-12) for m, r in zip(got, rule))), None)
            raise Failed(f"{what}: the new {name} differs from the published rule.",
                         hint=hint or "follow the update rule in the docstring line by line, in order.")
