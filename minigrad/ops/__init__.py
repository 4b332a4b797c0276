"""Differentiable operations, one family per file.

Each operation is a ``Function`` whose ``forward`` and ``backward`` sit side by
side and work on plain arrays, with the local derivative in its docstring,
followed by the small public function (``tanh(x)``) that calls ``apply``.
"""
