"""(claim, evidence sentence, hard negative) triplets for tuning the retriever's bi-encoder, and their licences.

    triplets = retriever_triplets(Settings().datasets)      # training and dev, by a hash of the claim

Positives are sentences annotated as deciding a claim (either way: a refuting sentence is the evidence a check
needs as much as a supporting one). The negative for each is a hard one: among the BM25 neighbours of the claim
in the same pool, one that is not annotated evidence (a retriever that ranks it first hands the verifier the
wrong sentence). Sources, all with licences that allow shipping a model trained on them:

| source | licence | positives |
|---|---|---|
| FEVER-NLI, FEVER-RTE (nli/) | CC BY-SA 3.0: share-alike | the evidence of SUPPORTS claims |
| FM2 (nli/) | Apache-2.0, Wikipedia text CC BY-SA | the evidence of every claim (true or false) |
| SciFact (nli/) | CC BY 4.0 / ODC-By | the rationale sentences of supported claims |
| Check-COVID train (two thirds) | MIT | the annotated sentences of SUPPORT and REFUTE claims |
| Citation-Integrity train (two thirds) | MIT | the annotated sentences of SUPPORT and CONTRADICT claims |
| WiCE, training half | ODC-BY 1.0 | the supporting sentences |

FinDVer states no licence: it measures, never trains. Claims we report dev scores on are left out, and the
calibration third of each train split too (`training.training_pairs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.trained_claims import stable_hash
from service.domain import Label
from training.nli_pairs import NLI_SETS, normalise, reported_claims
from training.training_pairs import training_claims

LICENCES = {
    "fever-nli-binary": NLI_SETS["fever-nli-binary"], "fever-rte": NLI_SETS["fever-rte"], "fm2": NLI_SETS["fm2"],
    "scifact": NLI_SETS["scifact"], "check-covid": "MIT", "citation-integrity": "MIT",
    "wice": "ODC-BY 1.0 (annotations)",
}
_NLI_POSITIVE = {"fever-nli-binary": {"entailment"}, "fever-rte": {"entailment"},
                 "fm2": {"entailment", "contradiction"}, "scifact": {"entailment"}}
DEV_SHARE = 25  # one claim in DEV_SHARE is dev


@dataclass(frozen=True)
class Triplet:
    source: str
    claim: str
    positive: str
    negative: str

    @property
    def dev(self) -> bool:
        return stable_hash("retriever dev", normalise(self.claim)) % DEV_SHARE == 0


@dataclass(frozen=True)
class _Claim:
    source: str
    claim: str
    positives: tuple[str, ...]


def _nli_claims(root: Path, excluded: set[str]) -> tuple[list[_Claim], dict[str, list[str]]]:
    import json

    by_claim: dict[tuple[str, str], list[str]] = {}
    pools: dict[str, list[str]] = {}
    for name, wanted in _NLI_POSITIVE.items():
        with (root / "nli" / f"{name}.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                premise, hypothesis = row["premise"].strip(), row["hypothesis"].strip()
                pools.setdefault(name, []).append(premise)
                if row["label"] in wanted and normalise(hypothesis) not in excluded:
                    by_claim.setdefault((name, hypothesis), []).append(premise)
    claims = [_Claim(name, claim, tuple(dict.fromkeys(found))) for (name, claim), found in by_claim.items()]
    return claims, {name: list(dict.fromkeys(pool)) for name, pool in pools.items()}


def _domain_claims(root: Path, excluded: set[str]) -> tuple[list[_Claim], dict[str, list[str]]]:
    found, pools = training_claims(root, ("check-covid", "citation-integrity", "wice"))
    claims = [_Claim(c.source, c.claim, c.gold) for c in found
              if c.label in (Label.SUPPORTED, Label.REFUTED) and normalise(c.claim) not in excluded]
    return claims, pools


def _hard_negatives(claims: Sequence[_Claim], pool: Sequence[str], top: int = 8) -> list[str | None]:
    """For each claim, one of its BM25 neighbours in `pool` that is not one of its positives (chosen by hash
    among the first `top`), or None."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(list(pool), stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)
    found, _ = retriever.retrieve(bm25s.tokenize([c.claim for c in claims], stopwords="en", stemmer=stemmer,
                                                 show_progress=False), k=min(len(pool), top + 4),
                                  show_progress=False, n_threads=1)
    out: list[str | None] = []
    for claim, row in zip(claims, np.asarray(found), strict=True):
        candidates = [pool[i] for i in row if pool[i] not in claim.positives][:top]
        out.append(candidates[stable_hash("retriever negative", claim.claim) % len(candidates)] if candidates
                   else None)
    return out


def retriever_triplets(root: Path, sources: Iterable[str] = tuple(LICENCES)) -> list[Triplet]:
    """One triplet per (claim, positive sentence), at most four per claim, each with a hard negative."""
    wanted = set(sources)
    excluded = reported_claims(root)
    nli, nli_pools = _nli_claims(root, excluded)
    domain, domain_pools = _domain_claims(root, excluded)
    triplets: list[Triplet] = []
    pools = nli_pools | domain_pools
    for name in sorted(wanted):
        claims = [c for c in (*nli, *domain) if c.source == name]
        if not claims or name not in pools:
            continue
        for claim, negative in zip(claims, _hard_negatives(claims, pools[name]), strict=True):
            if negative is None:
                continue
            triplets += [Triplet(name, claim.claim, positive, negative) for positive in claim.positives[:4]]
    return triplets
