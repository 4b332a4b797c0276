"""The random generator behind every random draw in minigrad.

``minigrad.manual_seed(n)`` reseeds the default generator, so that
initialisation, ``randn``, dropout masks and ``DataLoader`` shuffling all
repeat exactly from one run to the next.  Even without a call the default
generator starts from a fixed seed, so two runs of the same script agree.

A generator keeps one stream per array library: NumPy's for the CPU, and,
made on first use from the same seed, CuPy's for the GPU.  The two draw
different numbers from the same seed (as CPU and GPU generators do in
PyTorch), so a model initialised on the CPU and then moved with ``to('cuda')``
starts from the same weights as on the CPU, but dropout masks drawn on the
GPU differ from the CPU's.
"""
from . import backend

DEFAULT_SEED = 0


class Generator:
    """A seeded source of random numbers (``torch.Generator``'s role).

    Give a ``DataLoader`` or ``random_split`` its own ``Generator`` to keep
    their randomness apart from the model's.
    """

    def __init__(self, seed=DEFAULT_SEED):
        self.manual_seed(seed)

    def manual_seed(self, seed):
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"manual_seed: the seed must be a non-negative int, got {seed!r}")
        self._seed = seed
        self.rng = backend.default_rng(seed)  # the CPU's (NumPy) stream
        self._device_seed = seed
        self._device_rngs = {}  # array module name -> that library's stream, made on first use
        return self

    def rng_for(self, xp):
        """The stream that draws arrays of the array module ``xp`` (NumPy's, or CuPy's on a GPU)."""
        if xp is backend.cpu:
            return self.rng
        if xp.__name__ not in self._device_rngs:
            self._device_rngs[xp.__name__] = backend.default_rng(self._device_seed, xp)
        return self._device_rngs[xp.__name__]

    def restart_device_streams(self, *key):
        """Start the GPU streams again, from the seed and ``key`` (ints); the CPU stream goes on as it is.

        A GPU generator's state lives on the GPU and cannot be written to a
        checkpoint, so ``fit`` calls this at the start of each epoch with the
        epoch's number: a run resumed from a checkpoint then draws the same
        dropout masks as one that never stopped.
        """
        mixed = backend.cpu.random.SeedSequence([self._seed, *key]).generate_state(1)[0]
        self._device_seed = int(mixed)
        self._device_rngs = {}

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The CPU stream's full state as plain data (for checkpoints)."""
        return self.rng.bit_generator.state

    def set_state(self, state):
        self.rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed):
    """Reseed the default generator; every later random draw repeats exactly."""
    return default_generator.manual_seed(seed)


def initial_seed():
    return default_generator.initial_seed()


def rng(generator=None, xp=None):
    """The NumPy-style generator to draw from: ``generator``'s, or the default; for arrays of ``xp`` if given.

    NumPy's and CuPy's generators share ``random``, ``standard_normal``,
    ``uniform`` and ``integers``; draw with those so one body serves both.
    """
    generator = generator or default_generator
    return generator.rng if xp is None or xp is backend.cpu else generator.rng_for(xp)
