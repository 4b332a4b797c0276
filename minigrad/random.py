"""The random generator behind every random draw in minigrad.

``minigrad.manual_seed(n)`` reseeds the default generator, so that
initialisation, ``randn``, dropout masks and ``DataLoader`` shuffling all
repeat exactly from one run to the next.  Even without a call the default
generator starts from a fixed seed, so two runs of the same script agree.
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
        self.rng = backend.default_rng(seed)
        return self

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The generator's full state as plain data (for checkpoints)."""
        return self.rng.bit_generator.state

    def set_state(self, state):
        self.rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed):
    """Reseed the default generator; every later random draw repeats exactly."""
    return default_generator.manual_seed(seed)


def initial_seed():
    return default_generator.initial_seed()


def rng(generator=None):
    """The NumPy-style generator to draw from: ``generator``'s, or the default."""
    return (generator or default_generator).rng
