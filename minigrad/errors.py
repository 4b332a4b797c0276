"""The errors minigrad raises on its own account."""


class ShapeError(RuntimeError, ValueError):
    """Shapes that do not fit an operation (a RuntimeError, as in PyTorch, and a ValueError)."""


class GradcheckError(AssertionError):
    """A gradient check failed; the message is the report to read."""
