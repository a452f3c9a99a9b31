"""Hybrid retrieval over a real store with the hashing embedder: ranking, numbers, filters, MMR, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.dates import DateRange, first_day, last_day
from index.library import Library
from index.retriever import HybridRetriever
from index.snapshot import written_figures
from index.store import Snapshot
from service.bootstrap import build, retriever_config
from service.config import RetrievalSettings, Settings
from service.domain import Document, Passage
from service.fakes import HashingEmbedder, KeywordJudge

pytestmark = pytest.mark.unit

ACME = Document(
    "reports/acme.txt",
    "Acme Corporation reported revenue of $6.4 billion in 2023. The weather in Paris was mild that spring.\n\n"
    "Acme employs 200,000 people worldwide. Its head office is in Ohio.",
    title="Acme annual report",
)
NATURE = Document(
    "nature.md",
    "# Nature notes\r\n\r\nBananas are yellow fruit. Penguins live in Antarctica.\r\n"
    "The river flooded in 1998, and 6,400 homes were damaged.",
)
CAFE = Document("café.txt", "  Le café coûte 2,50 € à Paris.  Über 200 Gäste kamen.\n")


def library_with(tmp_path: Path, documents: list[Document]) -> Library:
    library = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge()).library
    library.ingest(documents)
    return library


def retriever_for(library: Library, **overrides: float) -> HybridRetriever:
    return HybridRetriever(library.embedder, retriever_config(RetrievalSettings(**overrides)))  # type: ignore[arg-type]


def assert_exact_offsets(snapshot: Snapshot, passages: list[Passage]) -> None:
    for passage in passages:
        assert snapshot.documents[passage.doc_id].text[passage.start:passage.end] == passage.text


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return library_with(tmp_path, [ACME, NATURE, CAFE])


def test_the_sentence_sharing_words_and_numbers_ranks_first(library: Library) -> None:
    snapshot = library.snapshot()
    passages = retriever_for(library).search(snapshot, "Acme revenue was $6.4 billion in 2023", k=3)

    assert passages[0].text == "Acme Corporation reported revenue of $6.4 billion in 2023."
    assert passages[0].doc_id == "reports/acme.txt"
    assert passages[0].title == "Acme annual report"
    assert passages[0].scores["numbers"] == 1.0
    assert passages[0].score == max(p.score for p in passages)  # MMR may reorder the rest, never the best
    assert set(passages[0].scores) == {"dense", "lexical", "numbers", "figures", "chunk", "document"}


def test_a_telling_figure_earns_its_own_score_where_a_year_does_not(tmp_path: Path) -> None:
    """FinDVer: a sentence that shares only the claim's year ("… YEARS ENDED DECEMBER 31, 2023 AND 2022") had
    scored as high on figures as the table row holding its "$1,237,548"."""
    library = library_with(tmp_path, [
        Document("a.txt", "Notes to the statements for the years ended December 31, 2023 and 2022."),
        Document("b.txt", "Receipts from EMI were 1,237,548 dollars."),
        Document("c.txt", "CO2 levels rose by 52.8 million tonnes."),
    ])
    passages = retriever_for(library).search(library.snapshot(), "In 2023 the Trust received $1,237,548, 52.8% more",
                                             k=3)
    scores = {p.doc_id: (p.scores["numbers"], p.scores["figures"]) for p in passages}

    assert scores["a.txt"] == (pytest.approx(1 / 3, abs=1e-4), 0.0)  # the year: a figure, not a telling one
    assert scores["b.txt"] == (pytest.approx(1 / 3, abs=1e-4), 0.5)
    assert scores["c.txt"] == (0.0, 0.0)  # "52.8%" is not the "52.8" of "52.8 million"; "CO2" holds no figure


@pytest.mark.parametrize(("text", "figures"), [
    ("In 2023 revenue rose 4.5 percent, to $1,237,548", {"2023", "4.5%", "1,237,548"}),
    ("| Gross margin | 52.8 | % |", {"52.8%"}),
    ("| 2024 | 2023 | % Change |", {"2024", "2023"}),  # a header's "% Change" marks no year a percentage
    ("CO2 and COVID-19 at H100 sites in FY2023", {"2023"}),  # digits of names are no figures; a fiscal year's are
])
def test_written_figures_marks_percentages_and_skips_the_digits_of_names(text: str, figures: set[str]) -> None:
    assert written_figures(text) == figures


@pytest.mark.parametrize(
    ("number", "sentence"),
    [
        ("6.4", "Acme Corporation reported revenue of $6.4 billion in 2023."),
        ("200,000", "Acme employs 200,000 people worldwide."),
        ("6,400", "The river flooded in 1998, and 6,400 homes were damaged."),
    ],
)
def test_bm25_finds_an_exact_number_token(library: Library, number: str, sentence: str) -> None:
    passages = retriever_for(library).search(library.snapshot(), number, k=3)

    assert passages[0].text == sentence
    assert passages[0].scores["lexical"] == 1.0


def test_doc_ids_filter_restricts_results(library: Library) -> None:
    snapshot = library.snapshot()
    query = "Acme revenue was $6.4 billion in 2023"

    passages = retriever_for(library).search(snapshot, query, k=5, doc_ids={"nature.md"})

    assert passages
    assert {p.doc_id for p in passages} == {"nature.md"}
    assert_exact_offsets(snapshot, passages)
    assert retriever_for(library).search(snapshot, query, k=5, doc_ids={"missing.txt"}) == []


DATED = [
    Document("2023.txt", "Acme revenue was $5 billion in fiscal 2023.", date="2023-06-30"),
    Document("2024.txt", "Acme revenue was $6 billion in fiscal 2024.", date="2024"),
    Document("march.txt", "Acme revenue was $7 billion in March.", date="2025-03"),
    Document("undated.txt", "Acme revenue was $8 billion, analysts say."),
    Document("vague.txt", "Acme revenue was $9 billion last spring.", date="last spring"),
]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2024", None, {"2024.txt", "march.txt"}),
        (None, "2023-06-30", {"2023.txt"}),
        ("2023-07", "2024-06", {"2024.txt"}),  # a document dated 2024 overlaps the first half of 2024
        ("2025-03-31", "2025-03-31", {"march.txt"}),
        ("2026", None, set()),
    ],
)
def test_a_date_range_keeps_only_documents_dated_within_it(
    tmp_path: Path, since: str | None, until: str | None, expected: set[str]
) -> None:
    library = library_with(tmp_path, DATED)
    snapshot = library.snapshot()
    dates = DateRange.of(since and first_day(since), until and last_day(until))

    passages = retriever_for(library).search(snapshot, "Acme revenue in billions", k=5, dates=dates)

    assert {p.doc_id for p in passages} == expected
    assert_exact_offsets(snapshot, passages)


def test_dates_and_doc_ids_filter_together(tmp_path: Path) -> None:
    library = library_with(tmp_path, DATED)
    dates = DateRange(since=first_day("2024"))

    passages = retriever_for(library).search(library.snapshot(), "Acme revenue", k=5,
                                             doc_ids={"2023.txt", "march.txt"}, dates=dates)

    assert {p.doc_id for p in passages} == {"march.txt"}


def test_k_limits_the_number_of_passages(library: Library) -> None:
    retriever = retriever_for(library)
    assert len(retriever.search(library.snapshot(), "Acme", k=1)) == 1
    assert len(retriever.search(library.snapshot(), "Acme", k=4)) == 4


def test_mmr_keeps_a_different_relevant_sentence_in_the_top_two(tmp_path: Path) -> None:
    # the same sentence in five files that differ only in trailing newlines (exact copies are stored once)
    copies = [Document(f"copy{i}.txt", "Acme revenue rose sharply in 2023." + "\n" * i) for i in range(5)]
    distinct = Document("distinct.txt", "Acme revenue in 2023 was a record high.")
    library = library_with(tmp_path, [*copies, distinct])
    snapshot, query = library.snapshot(), "Acme revenue in 2023"

    diverse = retriever_for(library, mmr_lambda=0.7).search(snapshot, query, k=2)
    relevance_only = retriever_for(library, mmr_lambda=1.0).search(snapshot, query, k=2)

    assert "distinct.txt" in [p.doc_id for p in diverse]
    assert [p.doc_id for p in relevance_only] != [p.doc_id for p in diverse]  # the control: no MMR, no diversity
    assert all(p.doc_id.startswith("copy") for p in relevance_only)


def test_an_empty_collection_returns_nothing(tmp_path: Path) -> None:
    library = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge()).library
    snapshot = library.store().load(library.embedder.dimension)  # what a store holds before its first write

    assert snapshot.version == "empty"
    assert retriever_for(library).search(snapshot, "Acme revenue", k=5) == []


@pytest.mark.parametrize(
    "query",
    ["Acme revenue 2023", "penguins Antarctica", "café Paris 2,50", "Über Gäste 200", "flood 1998 homes", "zzz"],
)
def test_every_passage_is_the_stored_text_at_its_offsets(library: Library, query: str) -> None:
    snapshot = library.snapshot()
    passages = retriever_for(library).search(snapshot, query, k=10)

    assert passages
    assert_exact_offsets(snapshot, passages)
    assert len({(p.doc_id, p.start) for p in passages}) == len(passages)  # no sentence twice


def test_results_survive_a_reload_from_disk(library: Library, tmp_path: Path) -> None:
    query = "Acme employs how many people"
    before = retriever_for(library).search(library.snapshot(), query, k=3)
    reloaded = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge()).library

    after = retriever_for(reloaded).search(reloaded.snapshot(), query, k=3)

    assert [(p.doc_id, p.start, p.end) for p in after] == [(p.doc_id, p.start, p.end) for p in before]
    assert after[0].text == "Acme employs 200,000 people worldwide."


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the texts it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.encoded.extend(texts)
        return super().encode(texts)


def test_a_query_embeds_only_the_query(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    library = build(Settings(home=tmp_path), embedder=embedder, judge=KeywordJudge()).library
    library.ingest([ACME, NATURE, CAFE])
    embedder.encoded.clear()

    retriever = HybridRetriever(embedder, retriever_config(RetrievalSettings()))
    passages = retriever.search(library.snapshot(), "Acme revenue", k=5)

    assert passages
    assert embedder.encoded == ["Acme revenue"]


def test_dense_is_the_cosine_of_the_sentence_as_read(library: Library) -> None:
    """As embedded: the sentence with its heading context (`Passage.as_read`), the sentence itself without one."""
    snapshot = library.snapshot()
    query = "Penguins live in the cold"
    passages = retriever_for(library).search(snapshot, query, k=5)

    query_vector = library.embedder.encode([query])[0]
    for passage in passages:
        expected = float(library.embedder.encode([passage.as_read])[0] @ query_vector)
        assert passage.scores["dense"] == pytest.approx(expected, abs=1e-3)


def test_a_neighbouring_sentence_lifts_the_one_beside_it(tmp_path: Path) -> None:
    """Context: of two equally matching sentences, the one whose chunk also matches the query ranks first."""
    lonely = Document("lonely.txt", "The board approved the plan. Apples grow on trees in Kent.")
    framed = Document("framed.txt", "The board approved the plan. Acme merger talks ended in March.")
    library = library_with(tmp_path, [lonely, framed])

    passages = retriever_for(library).search(library.snapshot(), "board approved the Acme merger plan", k=4)
    approved = [p for p in passages if p.text == "The board approved the plan."]

    assert [p.doc_id for p in approved] == ["framed.txt", "lonely.txt"]
    assert approved[0].scores["dense"] == approved[1].scores["dense"]
    assert approved[0].scores["chunk"] > approved[1].scores["chunk"]
