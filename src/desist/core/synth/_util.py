"""Vectorised helpers shared by the generator modules: random streams, dates, sampling, arrow columns."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Arr = npt.NDArray[Any]
# Day numbers count from 1900 so that every real date is positive: -1 marks "no date" throughout the
# generator, which a 1970 epoch would confuse with 31 December 1969 (and older people's histories).
EPOCH = date(1900, 1, 1)
_NUMPY_OFFSET = (date(1970, 1, 1) - EPOCH).days  # numpy and arrow count days from 1970


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent PCG64 generator for one part of the generator.

    Each part draws from its own stream (keyed by a stable hash of its name), so a change in one part
    does not shift the numbers every later part sees.
    """
    key = int.from_bytes(name.encode("utf-8"), "little") % (2**63)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, key])))


def to_days(value: date) -> int:
    """Days since 1900-01-01."""
    return (value - EPOCH).days


def from_days(days: int) -> date:
    """The date ``days`` after 1900-01-01."""
    return date.fromordinal(EPOCH.toordinal() + int(days))


def ymd(days: Arr) -> tuple[Arr, Arr, Arr]:
    """Year, month (1-12) and day (1-31) arrays of day numbers."""
    d = (np.asarray(days, dtype="int64") - _NUMPY_OFFSET).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    month = (months - years).astype(np.int64) + 1
    day = (d - months).astype(np.int64) + 1
    return year, month, day


def add_months(days: Arr, months: Arr | int) -> Arr:
    """Calendar month arithmetic on day numbers (31 January + 1 month = 28 or 29 February)."""
    d = (np.asarray(days, dtype="int64") - _NUMPY_OFFSET).astype("datetime64[D]")
    start = d.astype("datetime64[M]")
    day0 = (d - start).astype(np.int64)
    target = start + np.asarray(months, dtype="int64").astype("timedelta64[M]")
    month_len = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    out: Arr = target.astype("datetime64[D]") + np.minimum(day0, month_len - 1).astype("timedelta64[D]")
    return out.astype(np.int64) + _NUMPY_OFFSET


def add_years(days: Arr, years: Arr | int) -> Arr:
    """Calendar year arithmetic on day numbers (29 February + 1 year = 28 February)."""
    return add_months(days, np.asarray(years, dtype="int64") * 12)


def whole_years(born: Arr, on: Arr | int) -> Arr:
    """Age in whole years on a date (a birthday counts from the day itself)."""
    by, bm, bd = ymd(born)
    oy, om, od = ymd(np.broadcast_to(np.asarray(on, dtype="int64"), np.shape(born)))
    before = (om < bm) | ((om == bm) & (od < bd))
    return np.asarray(oy - by - before.astype(np.int64))


def choice_index(rng: np.random.Generator, weights: Arr, size: int) -> Arr:
    """Indices drawn with replacement in proportion to ``weights``."""
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w / w.sum())
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(size), side="right").astype(np.int64)


def categorical_rows(rng: np.random.Generator, probs: Arr) -> Arr:
    """One category per row of a (rows, categories) probability matrix."""
    p = np.asarray(probs, dtype=np.float64)
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    u = rng.random((int(p.shape[0]), 1))
    out: Arr = (u >= cdf).sum(axis=1).astype(np.int64)
    return out


def top_k(rng: np.random.Generator, weights: Arr, k: int) -> Arr:
    """Indices of a weighted sample of exactly ``k`` items without replacement (Gumbel top-k)."""
    w = np.asarray(weights, dtype=np.float64)
    k = int(min(max(k, 0), int((w > 0).sum())))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    with np.errstate(divide="ignore"):
        keys = np.log(w) + rng.gumbel(size=w.shape[0])
    picked = np.argpartition(-keys, k - 1)[:k]
    return np.sort(picked).astype(np.int64)


def ragged_arange(counts: Arr) -> Arr:
    """0..n-1 for each n in ``counts``, concatenated: [2, 3] -> [0, 1, 0, 1, 2]."""
    c = np.asarray(counts, dtype=np.int64)
    total = int(c.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(c) - c, c)
    return np.arange(total, dtype=np.int64) - starts


def group_starts(sorted_keys: Arr) -> Arr:
    """Boolean mask, True where a new run of equal keys starts in a sorted array."""
    k = np.asarray(sorted_keys)
    out = np.ones(k.shape[0], dtype=bool)
    if k.shape[0] > 1:
        out[1:] = k[1:] != k[:-1]
    return out


def date_col(days: Arr, valid: Arr | None = None) -> pa.Array:
    """A date32 arrow column from day numbers, null where ``valid`` is False."""
    values = (np.asarray(days, dtype=np.int64) - _NUMPY_OFFSET).astype(np.int32)
    if valid is None:
        return pa.array(values, type=pa.int32()).cast(pa.date32())
    mask = ~np.asarray(valid, dtype=bool)
    return pa.array(values, type=pa.int32(), mask=mask).cast(pa.date32())


def int_col(values: Arr, valid: Arr | None = None) -> pa.Array:
    """An int64 arrow column, null where ``valid`` is False."""
    v = np.asarray(values, dtype=np.int64)
    if valid is None:
        return pa.array(v, type=pa.int64())
    return pa.array(v, type=pa.int64(), mask=~np.asarray(valid, dtype=bool))


def str_col(pool: list[str] | tuple[str, ...] | pa.Array, index: Arr, valid: Arr | None = None) -> pa.Array:
    """A string column taking ``pool[index]``, null where ``valid`` is False."""
    arr = pool if isinstance(pool, pa.Array) else pa.array(list(pool), type=pa.string())
    idx = np.asarray(index, dtype=np.int64)
    if valid is None:
        return arr.take(pa.array(idx))
    return arr.take(pa.array(idx, mask=~np.asarray(valid, dtype=bool)))


def digits(values: Arr, width: int) -> pa.Array:
    """Non-negative integers as zero-padded strings."""
    import pyarrow.compute as pc

    return pc.utf8_lpad(pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string()), width, "0")


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string columns and literals."""
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*parts, "")


def with_nulls(column: pa.Array, valid: Arr) -> pa.Array:
    """``column`` with nulls where ``valid`` is False."""
    import pyarrow.compute as pc

    return pc.if_else(pa.array(np.asarray(valid, dtype=bool)), column, pa.scalar(None, type=column.type))


def take_or(values: Arr, index: Arr, fill: Any) -> Arr:
    """``values[index]`` where ``index >= 0``, else ``fill`` (safe when ``values`` is empty)."""
    idx = np.asarray(index, dtype=np.int64)
    if values.shape[0] == 0:
        return np.full(idx.shape, fill, dtype=values.dtype)
    out: Arr = np.where(idx >= 0, values[np.maximum(idx, 0)], fill)
    return out
