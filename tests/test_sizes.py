"""The size rules in extensions/sizes.py, tested with plain Jinja2."""

from __future__ import annotations

from itertools import product

import jinja2
import pytest
import yaml

from .conftest import ROOT
from .extension_modules import sizes


@pytest.fixture
def env() -> jinja2.Environment:
    return jinja2.Environment(extensions=[sizes.SizesExtension], undefined=jinja2.StrictUndefined)


@pytest.mark.parametrize("ratings", list(product(sizes.RATINGS, repeat=3)))
def test_recommendation_is_the_most_severe_rating(ratings) -> None:
    expected = max((sizes.RATINGS[r] for r in ratings), key=sizes.SIZES.index)
    assert sizes.recommend_size(ratings) == expected


def test_recommendation_examples() -> None:
    assert sizes.recommend_size(["low", "low", "low"]) == "small"
    assert sizes.recommend_size(["low", "moderate", "low"]) == "medium"
    assert sizes.recommend_size(["moderate", "low", "high"]) == "large"


def test_unknown_rating_is_an_error_not_a_smaller_size() -> None:
    with pytest.raises(ValueError, match="unknown rating 'hgih'"):
        sizes.recommend_size(["low", "hgih"])


def test_rubric_questions_rate_with_the_known_ratings_and_recommend_once() -> None:
    """Each size_* question offers exactly the ratings; one computed answer recommends."""
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    rubric = [name for name in questions if name.startswith("size_")]
    assert rubric == ["size_scope", "size_impact", "size_risk"]
    for name in rubric:
        assert set(questions[name]["choices"].values()) == set(sizes.RATINGS), name
    computed = questions["recommended_size"]
    assert computed["when"] is False, "computed, never asked nor recorded"
    assert computed["default"] == f"{{{{ [{', '.join(rubric)}] | recommend_size }}}}"
    assert questions["project_size"]["default"] == "{{ recommended_size }}"


@pytest.mark.parametrize(("size", "minimum"), list(product(sizes.SIZES, repeat=2)))
def test_at_least_in_jinja(env, size: str, minimum: str) -> None:
    template = env.from_string("{{ size is at_least(minimum) }}")
    expected = sizes.SIZES.index(size) >= sizes.SIZES.index(minimum)
    assert template.render(size=size, minimum=minimum) == str(expected)


def test_at_least_rejects_unknown_sizes(env) -> None:
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        env.from_string("{{ 'huge' is at_least('small') }}").render()


def test_recommend_size_in_jinja(env) -> None:
    assert env.from_string("{{ ['low', 'high'] | recommend_size }}").render() == "large"
