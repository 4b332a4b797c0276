"""Hostile: read dunder attributes through a class pattern of ``match`` (its attribute names are strings, not
attribute nodes), climb to the builtins, then os."""


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
