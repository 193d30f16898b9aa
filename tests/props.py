"""How many random cases a test tries, and with which seed.

CI and ``make test`` run every property test derandomised: hypothesis draws
the same examples on every run (the "ci" profile in ``conftest.py``) and the
explorer tests' random combinations come from a fixed seed. ``make fuzz``
sets ``D2LCONV_FUZZ_SCALE`` (more examples) and ``D2LCONV_FUZZ_SEED`` (a new
seed each run, printed so that a failure can be replayed).
"""

import os
import random

from hypothesis import settings

SCALE = max(1, int(os.environ.get("D2LCONV_FUZZ_SCALE", "1")))
SEED = int(os.environ.get("D2LCONV_FUZZ_SEED", "0"))


def examples(n):
    """Hypothesis settings for ``n`` examples (times the fuzz scale), no deadline."""
    return settings(max_examples=n * SCALE, deadline=None)


def combinations(n):
    """How many random control combinations an explorer test tries."""
    return n * SCALE


def rng(name):
    """A ``random.Random`` for one test, seeded from the run's seed and ``name``.

    The seed goes into the failure message through ``describe(rng)``.
    """
    generator = random.Random(f"{SEED}:{name}")
    generator.d2lconv_seed = f"D2LCONV_FUZZ_SEED={SEED} (test {name})"
    return generator


def describe(generator):
    """The words that replay a random run: put them in an assert message."""
    return f"replay with {generator.d2lconv_seed}"


def ours(fn, *args, **kwargs):
    """What d2lconv's ``fn`` gives, or None when it refuses with a ValueError
    (where PyTorch refuses too: any other error fails the test)."""
    try:
        return fn(*args, **kwargs)
    except ValueError:
        return None
