"""Contrast pairs: evidence about something else is neutral, an opposite word is a contradiction, and SNLI's
different-scene "contradictions" only say "not entailed"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.contrast_pairs import (
    CONTRADICTION,
    NEUTRAL,
    NOT_ENTAILMENT,
    Claim,
    entities,
    flip_word,
    off_topic,
    opposites,
    other_entity,
    overlap,
    same_scene_only,
)
from training.nli_pairs import is_dev, nli_pairs

pytestmark = pytest.mark.unit

NORTHWIND = "Northwind reported a net loss of $6.4 billion for 2025, its first loss since 2019."


def test_a_different_scene_is_not_entailed_but_a_changed_detail_stays_a_contradiction() -> None:
    premise = "A man jogs on green grass with bare feet in the park."

    assert same_scene_only("snli", premise, "People are playing video games indoors.", CONTRADICTION) \
        == NOT_ENTAILMENT
    assert same_scene_only("snli", premise, "A man jogs on grass in shoes.", CONTRADICTION) == CONTRADICTION
    assert same_scene_only("mnli", premise, "People are playing video games.", CONTRADICTION) == CONTRADICTION
    assert same_scene_only("snli", premise, "People are playing video games.", NEUTRAL) == NEUTRAL
    assert overlap("The man jogs.", premise) == 1.0 and overlap("Cats sleep.", premise) == 0.0


@pytest.mark.parametrize(("policy", "expected"), [("two-way", [0, NOT_ENTAILMENT]), ("keep", [0, CONTRADICTION]),
                                                  ("drop", [0])])
def test_the_scene_policy_decides_what_becomes_of_different_scene_contradictions(
        tmp_path: Path, policy: str, expected: list[int]) -> None:
    (tmp_path / "nli").mkdir()
    rows = [("A dog runs on the beach.", "An animal moves.", "entailment"),
            ("A dog runs on the beach.", "Two women sip tea in a cafe.", "contradiction")]
    (tmp_path / "nli" / "snli.jsonl").write_text("".join(
        json.dumps({"premise": p, "hypothesis": h, "label": label}) + "\n" for p, h, label in rows))

    assert [p.target for p in nli_pairs(tmp_path, set(), ["snli"], policy)] == expected


def test_opposite_words_make_contradictions_only_where_the_evidence_lacks_the_opposite() -> None:
    assert flip_word("Northwind made a loss in 2025.", NORTHWIND) == "Northwind made a profit in 2025."
    assert flip_word("Sales Rose sharply.", "Sales rose.") == "Sales Fell sharply."
    assert flip_word("Cases increased after May.", "Cases decreased in April and increased after May.") \
        == "Cases increased before May."  # "decreased" is in the evidence: the next opposable word is flipped
    assert flip_word("Paris is in France.", "Paris is the capital of France.") is None

    claims = [Claim("nli:fm2", "g1", "Northwind made a loss in 2025.", NORTHWIND, 0),
              Claim("nli:fm2", "g2", "Northwind made a loss in 2025.", NORTHWIND, 1)]  # only entailed claims flip
    assert [(p.hypothesis, p.target, p.source, p.group) for p in opposites(claims)] == [
        ("Northwind made a profit in 2025.", CONTRADICTION, "nli:fm2/opposite", "g1")]


def test_another_entity_against_the_same_evidence_is_neutral() -> None:
    claims = [Claim("nli:fm2", "g1", "Northwind reported a loss for 2025.", NORTHWIND, 0),
              Claim("nli:fm2", "g2", "Contoso opened an office in Lisbon.", "Contoso opened an office in Lisbon.", 0)]

    made = other_entity(claims)

    assert entities("The firm Northwind met Contoso in New York.") == ["Northwind", "Contoso", "New York"]
    by_group = {p.group: p for p in made}
    # another claim's entity of as many words, one the evidence never names
    assert by_group["g1"].hypothesis in {"Contoso reported a loss for 2025.", "Lisbon reported a loss for 2025."}
    assert by_group["g1"].target == NEUTRAL
    assert by_group["g1"].premise == NORTHWIND and by_group["g1"].source == "nli:fm2/other-entity"


def test_off_topic_evidence_comes_from_another_document_and_keeps_the_claims_split() -> None:
    claim = Claim("domain:check-covid", "c1", "Masks reduce the spread of influenza in schools.",
                  "Masks reduced influenza spread in schools by a third.", 0, document="doc-a")
    pool = [("doc-a", "Masks reduced influenza spread in schools by a third."),
            ("doc-a", "Schools with masks saw fewer influenza cases."),
            ("doc-b", "Influenza vaccination in schools was studied in 2019."),
            ("doc-c", "The bridge was built of granite.")]

    made = off_topic([claim], {"domain:check-covid": pool}, top=1)

    assert [(p.premise, p.target, p.source) for p in made] == [
        ("Influenza vaccination in schools was studied in 2019.", NEUTRAL, "domain:check-covid/off-topic")]
    from training.nli_pairs import Pair

    original = Pair("domain:check-covid", "c1", claim.evidence, claim.claim, 0)
    derived = Pair(made[0].source, made[0].group, made[0].premise, made[0].hypothesis, made[0].target)
    assert is_dev(original) == is_dev(derived)  # a dev claim's contrast pairs are dev too
