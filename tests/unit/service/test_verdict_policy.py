"""service/verdict_policy.py on its own: who decides under each source, and when the LLM is asked."""

from __future__ import annotations

import pytest

from service.domain import Decider, Decision, Label, Signals
from service.verdict_policy import NO_EVIDENCE_PRIOR, NUMERIC_PRIOR, LlmCall, VerdictPolicy, VerdictSource

pytestmark = pytest.mark.unit

LEANS_REFUTED = {Label.SUPPORTED: 0.1, Label.REFUTED: 0.6, Label.NOT_ENOUGH_INFO: 0.3}
LLM_SAYS_SUPPORTED = {Label.SUPPORTED: 0.7, Label.REFUTED: 0.2, Label.NOT_ENOUGH_INFO: 0.1}


def policy(source: VerdictSource = VerdictSource.VERIFIER, llm_call: LlmCall = LlmCall.AUTO,
           verifier: str | None = "v", numeric: bool = True) -> VerdictPolicy:
    def no_hash() -> str:
        raise AssertionError("the LLM file is hashed only when a calibration needs it")

    return VerdictPolicy(source=source, llm_call=llm_call, fast_path_confidence=0.85, numeric_decides=numeric,
                         calibration=None, verifier_name=verifier, llm_sha256=no_hash)


def signals(**changes: object) -> Signals:
    values: dict[str, object] = {"retrieval_score": 0.5, "retrieval_dense": 0.6, "evidence_count": 2,
                                 "verifier": LEANS_REFUTED}
    return Signals(**{**values, **changes})  # type: ignore[arg-type]


def test_the_rules_come_first_with_their_priors_when_nothing_is_calibrated() -> None:
    assert policy().decide(signals(evidence_count=0)) == Decision.by_rule(
        Label.NOT_ENOUGH_INFO, NO_EVIDENCE_PRIOR, Decider.NO_EVIDENCE)
    numeric = policy().decide(signals(numeric=Label.SUPPORTED))
    assert (numeric.label, numeric.confidence, numeric.decided_by) == (Label.SUPPORTED, NUMERIC_PRIOR,
                                                                        Decider.NUMERIC)
    assert policy(numeric=False).decide(signals(numeric=Label.SUPPORTED)).decided_by is Decider.VERIFIER


def test_the_verifier_decides_by_default_and_the_llm_when_chosen_or_when_there_is_no_verifier() -> None:
    by_verifier = policy().decide(signals(llm=LLM_SAYS_SUPPORTED))
    assert (by_verifier.label, by_verifier.decided_by) == (Label.REFUTED, Decider.VERIFIER)
    for chosen in (policy(VerdictSource.LLM), policy(verifier=None)):
        assert chosen.source is VerdictSource.LLM
        assert chosen.decide(signals(llm=LLM_SAYS_SUPPORTED)).label is Label.SUPPORTED
        not_asked_yet = chosen.decide(signals())
        assert (not_asked_yet.label, not_asked_yet.confidence) == (Label.NOT_ENOUGH_INFO, 0.0)


def test_calibrated_without_a_calibration_file_falls_back_to_the_verifier() -> None:
    assert policy(VerdictSource.CALIBRATED).source is VerdictSource.VERIFIER
    assert policy(VerdictSource.CALIBRATED).name() == "verifier:v+llm:auto"


def test_when_the_llm_is_asked() -> None:
    sure = policy().decide(signals())
    llm_decides = policy(VerdictSource.LLM).decide(signals())

    assert not policy().asks_llm(sure, explain=False)  # no calibration shows the LLM helps
    assert policy().asks_llm(sure, explain=True)  # a rationale was asked for
    assert not policy(llm_call=LlmCall.NEVER).asks_llm(sure, explain=True)
    assert policy(llm_call=LlmCall.ALWAYS).asks_llm(sure, explain=False)
    assert policy(VerdictSource.LLM, llm_call=LlmCall.NEVER).asks_llm(llm_decides, explain=False)
    assert policy().unsure(sure)  # 0.6 is below the fast path's 0.85


def test_the_name_says_who_decides_and_when_the_llm_is_asked() -> None:
    assert policy().name() == "verifier:v+llm:auto"
    assert policy(llm_call=LlmCall.NEVER).name() == "verifier:v+llm:never"
    assert policy(VerdictSource.LLM).name() == "llm"
    assert policy(verifier=None).name() == "llm"


def test_settings_copied_without_validation_still_name_their_source() -> None:
    """`model_copy(update=…)` leaves plain strings where the settings hold enums."""
    copied = VerdictPolicy(source="llm", llm_call="never", fast_path_confidence=0.85,  # type: ignore[arg-type]
                           numeric_decides=True, calibration=None, verifier_name="v", llm_sha256=lambda: "")

    assert copied.source is VerdictSource.LLM and copied.llm_call is LlmCall.NEVER


# ---- the figures guard (issue 26, part 3) -----------------------------------------------------------------

@pytest.mark.parametrize("figures", [{"numeric_other_period": True}, {"numeric_consistent": True},
                                     # other periods only: its conflicts are with other periods' figures
                                     {"numeric_other_period": True, "numeric_conflict": 2}])
def test_no_model_calls_refuted_what_the_figures_found_no_conflict_in(figures: dict[str, object]) -> None:
    for source in (VerdictSource.VERIFIER, VerdictSource.LLM):
        decision = policy(source).decide(signals(llm={**LEANS_REFUTED}, **figures))

        assert decision.label is Label.NOT_ENOUGH_INFO
        assert decision.probabilities[Label.REFUTED] == 0.0
        assert decision.probabilities[Label.NOT_ENOUGH_INFO] == pytest.approx(0.9)
        assert decision.decided_by in (Decider.VERIFIER, Decider.LLM)


def test_no_model_supports_a_claim_whose_amount_no_evidence_gives() -> None:
    """"Valued at $30 billion" beside "raised $4 billion": nothing there bears the claim out."""
    for source in (VerdictSource.VERIFIER, VerdictSource.LLM):
        guarded = policy(source).decide(signals(verifier=LLM_SAYS_SUPPORTED, llm={**LLM_SAYS_SUPPORTED},
                                                numeric_unmatched=True))

        assert guarded.label is Label.NOT_ENOUGH_INFO and guarded.probabilities[Label.SUPPORTED] == 0.0
    refuted = policy().decide(signals(numeric_unmatched=True))  # a REFUTED is the verifier's to give
    assert refuted.label is Label.REFUTED


def test_a_conflicting_figure_or_another_label_is_left_as_it_is() -> None:
    conflicting = policy().decide(signals(numeric_consistent=True, numeric_conflict=1))
    plain = policy().decide(signals())
    supported = policy().decide(signals(numeric_consistent=True, verifier=LLM_SAYS_SUPPORTED))

    assert conflicting.label is Label.REFUTED and plain.label is Label.REFUTED
    assert supported.label is Label.SUPPORTED
