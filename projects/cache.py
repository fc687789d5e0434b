"""A cache for figures computed across the whole portfolio, emptied by every write.

Every save or deletion of portfolio data moves a generation counter on; cached figures are
keyed by the generation they were computed at, so a write makes them unreachable at once.
The cache lives in the database, in the same transaction as the data: the counter moves when
the write commits, and every app server sees it.
"""

from django.core.cache import cache

GENERATION_KEY = "portfolio:generation"
TIMEOUT = 15 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def portfolio_changed(**kwargs) -> None:
    """Receiver for model signals, and called after bulk writes that send none."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def cached(name: str, compute):
    """`compute()`'s result for the current generation of the portfolio."""
    key = f"portfolio:{name}:{generation()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
