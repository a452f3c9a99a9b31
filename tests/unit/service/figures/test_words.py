"""The words the figures engine and `ask` compare: Latin letters with their accents make one word ("Årdal",
"Tromsø"), a footnote mark or an underscore does not join a word ("Revenue¹", "net_income")."""

from __future__ import annotations

import pytest

from service.figures import content_words, named_entities

pytestmark = pytest.mark.unit


def test_accented_letters_are_part_of_the_word_and_of_the_name() -> None:
    assert {"årdal", "tromsø"} <= content_words("Årdal and Tromsø")
    assert named_entities("Construction at the Årdal site starts in May.") >= {"årdal"}


def test_a_footnote_mark_or_an_underscore_is_no_part_of_a_word() -> None:
    assert "revenue" in content_words("Revenue¹ rose")
    assert {"net", "income"} <= content_words("net_income")
