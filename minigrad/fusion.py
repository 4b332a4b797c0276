"""Fusion: an elementwise formula written once in plain array arithmetic, run as one pass.

On a GPU each array operation is a kernel launch, and with small arrays the
launch costs the host more than the arithmetic costs the GPU: a formula of
five operators is five launches, each 10 to 20 microseconds of Python and
CUDA bookkeeping.  On the CPU each operator is a pass over memory with a
full-size temporary.  The two functions here run such a formula once:

- ``fused(formula)``: an *update* that changes its array arguments in place
  and returns nothing (an optimizer's step: ``m *= beta1; m += (1 - beta1) * g``);
  all arrays have one shape.  On NumPy it runs block by block so that its
  temporaries stay in the cache.
- ``elementwise(formula)``: a formula that *returns* a new array from
  arrays of broadcastable shapes (a gradient: ``g * (y > 0)``).  On NumPy it
  simply runs as written.

On CuPy both compile the formula with ``cupy.fuse`` into one kernel.  The
formula must be a named function (CuPy names the kernel after it) using
arithmetic and comparison operators only: ``x ** 0.5``, not ``sqrt(x)``,
since a function of one library would not run on the other's arrays.  Pass
numbers as values of the arrays' dtype (``x.dtype.type(scale)``): CuPy gives
a Python float beside a boolean array the smallest float type, float16.
The plain function stays readable as ``.formula``, and the tests compare
the two on the stand-in device and, where there is one, on a GPU.
"""
from .backend import cpu, get_array_module, is_array

# Elements per block on NumPy: the block's arrays and temporaries (a dozen of them at 4 or 8
# bytes an element) stay in the CPU's cache, so the formula's many passes cost about one trip to
# memory.  ``python benchmarks/fused.py`` times Adam on the TextCNN's 2.9 M parameter values; on
# the 2-core development machine (AMD EPYC, 512 KiB L2 per core, 32 MiB L3; busy): blocks of
# 4,096: 24 ms, 16,384: 13 ms, 65,536: 12 ms, 262,144: 14 ms; unblocked: 32 ms.
FUSED_BLOCK = 65536


def _kernel(kernels, formula, xp):
    """The formula compiled for the GPU library ``xp`` (once per library)."""
    kernel = kernels.get(xp)
    if kernel is None:
        kernel = kernels[xp] = xp.fuse(formula)
    return kernel


def _named(run, formula):
    run.__name__ = getattr(formula, "__name__", "fused")
    run.__doc__ = formula.__doc__
    run.formula = formula  # the plain function, to run it unfused (tests compare the two)
    return run


def fused(formula):
    """``formula(*arrays_and_numbers)``, an elementwise update written with in-place operators, run in one pass.

    The formula updates some of its array arguments in place and returns
    nothing.  The arrays must all have one shape; numbers are passed as they are.

    - On CuPy it is one GPU kernel: one launch per call instead of one per operator.
    - On NumPy the formula itself runs, block by block over the flattened
      arrays (``FUSED_BLOCK`` elements at a time), so its temporaries stay in
      the cache; arrays that are not contiguous (or smaller than a block) are
      handed to the formula whole.  The result is the same either way: every
      element's arithmetic is the same, only the order of the blocks differs.
    """
    kernels = {}

    def run(*args):
        xp = get_array_module(*args)
        if xp is not cpu:
            return _kernel(kernels, formula, xp)(*args)
        arrays = [a for a in args if is_array(a)]
        size = arrays[0].size
        if size <= FUSED_BLOCK or not all(a.flags.c_contiguous and a.size == size for a in arrays):
            return formula(*args)
        flat = [a.reshape(-1) if is_array(a) else a for a in args]  # views: writes reach the arrays
        for start in range(0, size, FUSED_BLOCK):
            block = slice(start, start + FUSED_BLOCK)
            formula(*(a[block] if is_array(a) else a for a in flat))

    return _named(run, formula)


def elementwise(formula):
    """``formula(*arrays)``, elementwise arithmetic that returns a new array, as one GPU kernel.

    The arrays may have any shapes that broadcast together.  On CuPy the
    formula is one kernel; on NumPy it runs as written (NumPy has no
    launches to save, and its result is the reference).
    """
    kernels = {}

    def run(*args):
        xp = get_array_module(*args)
        return formula(*args) if xp is cpu else _kernel(kernels, formula, xp)(*args)

    return _named(run, formula)
