"""Project sizes and the rubric that recommends one.

Copier loads this file by path (through ``copier_template_extensions``), so it
stays importable on its own: standard library and Jinja2 only.

Why a module: the size decides how much process a project carries, and both
the questionnaire (``copier.yml``) and the templates ask the same two things
of it, so the rules live here once:

* filter ``recommend_size``: the size the rubric recommends for a list of
  ratings (``low`` / ``moderate`` / ``high``). The most severe rating wins,
  because an artefact that is too light is the failure we want to avoid.
  ``copier.yml`` computes it once, as the ``recommended_size`` answer.
* test ``at_least``: ``{% if project_size is at_least("medium") %}``.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import Environment
from jinja2.ext import Extension

SIZES: tuple[str, ...] = ("small", "medium", "large")
"""Project sizes, lightest first. Artefacts accumulate from left to right."""

RATINGS: dict[str, str] = {"low": "small", "moderate": "medium", "high": "large"}
"""What one rubric answer implies on its own."""


def recommend_size(ratings: Iterable[str]) -> str:
    """Return the size implied by the most severe rating.

    Unknown ratings raise ``ValueError`` rather than being ignored: a typo in
    the questionnaire must not quietly shrink a project's process.
    """
    sizes = []
    for rating in ratings:
        if rating not in RATINGS:
            raise ValueError(f"unknown rating {rating!r}; expected one of {list(RATINGS)}")
        sizes.append(SIZES.index(RATINGS[rating]))
    return SIZES[max(sizes, default=0)]


def size_at_least(size: str, minimum: str) -> bool:
    """Tell whether ``size`` gets everything a ``minimum``-sized project gets."""
    for value in (size, minimum):
        if value not in SIZES:
            raise ValueError(f"unknown size {value!r}; expected one of {list(SIZES)}")
    return SIZES.index(size) >= SIZES.index(minimum)


class SizesExtension(Extension):
    """Register ``recommend_size`` and the ``at_least`` test."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["recommend_size"] = recommend_size
        environment.tests["at_least"] = size_at_least
