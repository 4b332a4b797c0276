"""The array-module seam: the one place that knows which array library runs.

Every operation works on plain arrays through an *array module* ``xp`` -
NumPy today, CuPy for a GPU - chosen from the arrays themselves, the way
Chainer's ``get_array_module`` does.  Operations never write ``numpy.``
directly; they ask this module, so that swapping the library touches this
file and nothing else.

The few primitives whose spelling differs between array libraries live here,
once each:

- ``scatter_add``: ``out[index] += values`` where repeated indices must
  accumulate (the gradient of indexing and of an embedding lookup);
- ``sliding_window``: a strided view of every window along one axis
  (the heart of 1-D convolution and pooling);
- ``erf``: the Gauss error function (for the exact GELU);
- ``default_rng``: a seeded random generator;
- ``to_numpy``: the explicit transfer of an array to the host.
"""
import math

import numpy

# What this module hands out as the CPU array library.
cpu = numpy


def get_array_module(*arrays):
    """Return the array module (``numpy`` or ``cupy``) that owns ``arrays``.

    Plain Python numbers belong to no module and are skipped; with no array
    at all the answer is NumPy.
    """
    for array in arrays:
        module = type(array).__module__
        if module.startswith("cupy"):
            import cupy

            return cupy
    return numpy


def is_array(value):
    """True for an ndarray of any supported array library."""
    return isinstance(value, numpy.ndarray) or type(value).__module__.startswith("cupy")


def to_numpy(array):
    """Bring ``array`` to the host as a NumPy array (a copy only when needed)."""
    if isinstance(array, numpy.ndarray):
        return array
    if type(array).__module__.startswith("cupy"):
        return array.get()
    return numpy.asarray(array)


def scatter_add(target, index, values):
    """In place: ``target[index] += values``, accumulating repeated indices.

    Plain ``target[index] += values`` writes each repeated index only once
    (the last write wins), which silently loses gradient.  ``numpy.add.at``
    and ``cupyx.scatter_add`` add every occurrence.
    """
    xp = get_array_module(target)
    if xp is numpy:
        numpy.add.at(target, index, values)
    else:
        import cupyx

        cupyx.scatter_add(target, index, values)
    return target


def sliding_window(x, window, axis):
    """A read-only strided view of every length-``window`` window along ``axis``.

    The windows become a new last axis: an input of shape (N, C, L) with
    ``axis=-1`` gives (N, C, L - window + 1, window) without copying.
    """
    xp = get_array_module(x)
    return xp.lib.stride_tricks.sliding_window_view(x, window, axis=axis)


def erf(x):
    """The Gauss error function, elementwise, to double precision.

    NumPy has no ``erf``; SciPy does, but minigrad does not depend on SciPy, so
    on NumPy this falls back to Python's ``math.erf`` element by element
    (exact, and fast enough for teaching-sized tensors).
    """
    xp = get_array_module(x)
    if xp is numpy:
        try:
            from scipy.special import erf as scipy_erf
        except ImportError:
            # asarray: on a 0-d input frompyfunc returns a bare Python float.
            return numpy.asarray(numpy.frompyfunc(math.erf, 1, 1)(x), dtype=x.dtype)
        return scipy_erf(x).astype(x.dtype, copy=False)
    import cupyx.scipy.special

    return cupyx.scipy.special.erf(x)


def default_rng(seed, xp=numpy):
    """A random generator of the array module ``xp``, seeded with ``seed``."""
    return xp.random.default_rng(seed)
