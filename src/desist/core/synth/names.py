"""Name pools for synthetic people: Faker's en_GB lists, read as data (Faker is never called to generate)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from faker.providers.person.en_GB import Provider as _PersonProvider
from nicknames import NickNamer

from ._util import Arr


@dataclass(frozen=True)
class NamePools:
    """First names by sex and last names, each with sampling weights."""

    male: tuple[str, ...]
    male_weights: Arr
    female: tuple[str, ...]
    female_weights: Arr
    last: tuple[str, ...]
    last_weights: Arr


def _zipf(n: int) -> Arr:
    # Faker's en_GB first-name lists run roughly from the most to the least common name; a gentle Zipf
    # curve gives the familiar shape (many Davids and Sarahs, few Ottos) without claiming exact ranks.
    ranks = np.arange(1, n + 1, dtype=np.float64)
    weights: Arr = 1.0 / (ranks + 8.0) ** 0.9
    out: Arr = weights / weights.sum()
    return out


def _dedupe(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name in names:
        seen.setdefault(str(name), None)
    return tuple(seen)


@lru_cache(maxsize=1)
def name_pools() -> NamePools:
    """The en_GB name pools (cached)."""
    male = _dedupe(tuple(_PersonProvider.first_names_male))
    female = _dedupe(tuple(_PersonProvider.first_names_female))
    last_items = list(_PersonProvider.last_names.items())
    last = tuple(str(name) for name, _ in last_items)
    last_w = np.array([float(w) for _, w in last_items], dtype=np.float64)
    return NamePools(
        male=male,
        male_weights=_zipf(len(male)),
        female=female,
        female_weights=_zipf(len(female)),
        last=last,
        last_weights=last_w / last_w.sum(),
    )


# Diminutives that do not share their name's first letter but are in everyday English use.
_CLASSIC = frozenset(
    {
        "bill",
        "billy",
        "bob",
        "bobby",
        "dick",
        "dickie",
        "ted",
        "teddy",
        "ned",
        "peggy",
        "polly",
        "molly",
        "sally",
        "harry",
        "hal",
        "jack",
        "bess",
        "bessie",
        "betty",
        "liz",
        "lizzie",
        "libby",
        "beth",
        "patsy",
        "nan",
        "nancy",
        "daisy",
        "sadie",
        "sandy",
        "sasha",
    }
)


@lru_cache(maxsize=1)
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Nicknames of every pool first name (from the ``nicknames`` package), sorted for determinism.

    The package's lists are generous (Robert -> Hobkin, Paul -> Polly); a nickname is kept only where it
    shares the name's first letter or is a classic diminutive, and where most of the pool names it can
    stand for are of the same sex as this name.
    """
    namer = NickNamer()
    pools = name_pools()
    male = {n.lower() for n in pools.male}
    female = {n.lower() for n in pools.female}
    table: dict[str, tuple[str, ...]] = {}
    for name in pools.male + pools.female:
        own, other = (male, female) if name.lower() in male else (female, male)
        kept: list[str] = []
        for nick in sorted(namer.nicknames_of(name.lower())):
            if len(nick) < 3 or not nick.isalpha() or nick in other:
                continue
            if nick[0] != name[0].lower() and nick not in _CLASSIC:
                continue
            stands_for = namer.canonicals_of(nick)
            if len(stands_for & other) > len(stands_for & own):
                continue
            kept.append(nick.capitalize())
        if kept:
            table[name] = tuple(kept)
    return table


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(name: str, draws: tuple[float, float, float]) -> str:
    """One single-character edit (substitute, delete, insert or swap neighbours), chosen by ``draws``.

    The edit is never made to the first letter, which clerks rarely get wrong and blocking keys rely on.
    """
    if len(name) < 3:
        return name
    kind, where, what = draws
    pos = 1 + int(where * (len(name) - 1))
    pos = min(pos, len(name) - 1)
    letter = _LETTERS[int(what * 26) % 26]
    if name[pos].isupper():
        letter = letter.upper()
    if kind < 0.35:
        if name[pos].lower() == letter.lower():
            letter = _LETTERS[(int(what * 26) + 1) % 26]
        return name[:pos] + letter + name[pos + 1 :]
    if kind < 0.6:
        return name[:pos] + name[pos + 1 :]
    if kind < 0.8:
        return name[:pos] + letter + name[pos:]
    if pos >= len(name) - 1:
        pos = len(name) - 2
    if pos < 1 or name[pos] == name[pos + 1]:
        return name[:pos] + name[pos + 1 :]
    return name[:pos] + name[pos + 1] + name[pos] + name[pos + 2 :]
