"""The evaluation set (`tests/orientation/evaluation.py`) against the demo territory: top-3 rate ≥ 90 %."""

import pytest

from .evaluation import QUESTIONS, TARGET_RATE, evaluate, top3_rate


@pytest.mark.django_db
def test_the_set_has_forty_questions_or_more():
    assert len(QUESTIONS) >= 40


@pytest.mark.django_db
def test_an_expected_place_comes_in_the_top_three_for_ninety_percent(demo_territory):
    outcomes = evaluate()
    misses = [f"{o.question!r}: {o.got} (attendu : {o.expected})" for o in outcomes if not o.passed]
    assert top3_rate(outcomes) >= TARGET_RATE, "\n".join(misses)
