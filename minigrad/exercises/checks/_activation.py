"""Checks shared by the three activation exercises (sigmoid, tanh, relu): backward only."""
from ..checking import compare_backward, gradcheck, graded


def activation_checks(class_name, draw, formula):
    """The checks of an activation whose forward is given.

    ``draw(rng, shape)`` makes inputs; ``draw(rng, shape, kinks=False)``
    inputs safely away from any kink (for finite differences).
    """

    @graded(4, "backward: dL/dx matches the reference (float64)")
    def backward_float64(student, reference, rng):
        x = draw(rng, (3, 4, 5)).astype("float64")
        compare_backward(getattr(student, class_name), getattr(reference, class_name), (x,), ["x"], rng,
                         formulas={"x": formula})

    @graded(2, "backward: float32 in, float32 out")
    def backward_float32(student, reference, rng):
        x = draw(rng, (6, 7)).astype("float32")
        compare_backward(getattr(student, class_name), getattr(reference, class_name), (x,), ["x"], rng,
                         formulas={"x": formula}, rtol=1e-5, atol=1e-6)

    @graded(4, f"gradcheck of {class_name}.apply")
    def gradcheck_apply(student, reference, rng):
        x = draw(rng, (4, 5), kinks=False)
        gradcheck(getattr(student, class_name).apply, [x], ["x"], hint=f"the formula: {formula}.")

    return [backward_float64, backward_float32, gradcheck_apply]
