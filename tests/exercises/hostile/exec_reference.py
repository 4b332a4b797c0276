"""Hostile: run the source of the reference solution, found through the package."""
import minigrad

source = minigrad.__file__.replace("__init__.py", "exercises/solutions/linear.py")
exec(open(source).read())
