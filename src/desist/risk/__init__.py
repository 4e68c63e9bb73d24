"""The published risk calculators, for analysts: ``from desist.risk import ogrs3``.

A thin re-export of :mod:`desist.core.risk` (plain Python, no Django): OGRS3, OGP, OVP, the RSR and RoSH
bands, OASys needs and pathways, and the two tiering models. See docs/risk.md.
"""

from desist.core.risk import *  # noqa: F403
from desist.core.risk import __all__ as __all__
