"""Hostile: reach the builtins through a generator's frame (no underscore attribute, no forbidden name), then os."""


def frames():
    yield


builtins = frames().gi_frame.f_builtins
builtins["__import__"]("os").system("touch /tmp/minigrad-hostile-frame-was-here")
