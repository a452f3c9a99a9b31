"""The page at `/` in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against a real
`vericlaim serve` with an API token: check a claim and see the verdict and the highlighted quote, open the
cited document, upload a document with the token, run a small job, and look at it on a phone-sized screen.
Screenshots go to the test's folder and, when VERICLAIM_SCREENSHOTS names a folder, there too (the README's
come from `make screenshots`)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import DEMO, serving

pytestmark = pytest.mark.integration
CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "page-test-token-0123456789"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
CLAIM = "Veridian Labs spent less than $1 billion on cloud compute in FY2024."  # the document: over $1.5 billion

if not CHROMIUM.exists():
    # CI installs it (`make browser`) and sets VERICLAIM_REQUIRE_BROWSER, so there a missing browser fails
    if os.environ.get("VERICLAIM_REQUIRE_BROWSER"):
        raise RuntimeError("VERICLAIM_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (make browser)")
    pytest.skip("Debian's chromium is not installed (make browser)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def site(cli_home: Path, tmp_path: Path) -> Iterator[str]:
    with serving(cli_home, tmp_path / "server.log", env={"VERICLAIM_API_TOKEN": TOKEN}) as served:
        for path in sorted((DEMO / "docs").iterdir()):
            if path.name != "gpu-rental-prices.txt":  # uploaded from the page
                with path.open("rb") as handle:
                    response = served.client.post("/v1/documents", files={"file": (path.name, handle)},
                                                  headers={"Authorization": f"Bearer {TOKEN}"})
                assert response.status_code == 200, response.text
        yield str(served.client.base_url)


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / name, full_page=True)
    if os.environ.get("VERICLAIM_SCREENSHOTS"):
        target = Path(os.environ["VERICLAIM_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / name, target / name)


def watch(page: Page) -> list[str]:
    """Script errors, console errors (a CSP violation is one) and answers of 400 or more the page runs into."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    return problems


def test_check_a_claim_see_the_quote_and_open_the_document(browser: Browser, site: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(site)

    page.fill("#claim", CLAIM)
    page.click("#check-button")

    verdict = page.locator('[data-testid="verdict"]')
    expect(verdict).to_be_visible(timeout=60_000)
    label = verdict.get_attribute("data-verdict")
    names = {"SUPPORTED": "Supported", "REFUTED": "Refuted", "NOT_ENOUGH_INFO": "Not enough info"}
    expect(verdict.locator(".badge").first).to_have_text(names[str(label)])
    expect(verdict.locator(".confidence")).to_contain_text("% confidence")
    expect(verdict.locator(".probabilities")).to_contain_text("Not enough info")
    figure = verdict.locator(".figure").first  # the figures compared, with the gap between them
    expect(figure).to_contain_text("under $1B")
    expect(figure).to_contain_text("over $1.5B")
    expect(figure.locator(".gap")).to_contain_text("higher")
    quote = verdict.locator('[data-testid="citation"] mark').first
    expect(quote).to_contain_text("$1.5 billion")
    context = verdict.locator('[data-testid="citation"] blockquote').first  # the quote's paragraph around it
    expect(context).to_have_text("Compute was the largest cost line. Veridian spent well over $1.5 billion on cloud "
                                 "compute during the year, most of it on training runs rather than serving "
                                 "customers. Management said inference costs alone came to about $480 million.")
    shoot(page, tmp_path, "check.png")

    verdict.locator('[data-testid="citation"] .doc-link').first.click()
    dialog = page.locator("#document-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("mark")).to_have_text(quote.inner_text())
    expect(dialog.locator("#document-text")).to_contain_text("Veridian")
    shoot(page, tmp_path, "document.png")
    page.click("#document-close")
    assert problems == []


def test_upload_needs_the_token_then_a_job_runs_to_its_results(browser: Browser, site: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(site)
    page.click("#tab-documents")
    expect(page.locator("#documents-table tbody tr")).to_have_count(6)

    page.set_input_files("#upload-file", str(DEMO / "docs" / "gpu-rental-prices.txt"))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#documents-status")).to_contain_text("API token")  # 401 without it: said, not hidden
    page.click("#token-toggle")
    page.fill("#token", TOKEN)
    page.click("#token-form button[type=submit]")
    expect(page.locator("#token-state")).to_have_text("set")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#documents-status")).to_contain_text("Added gpu-rental-prices.txt")
    expect(page.locator('#documents-table tr[data-doc-id="gpu-rental-prices.txt"]')).to_be_visible()
    shoot(page, tmp_path, "documents.png")

    claims = [json.loads(line) for line in (DEMO / "claims.jsonl").read_text(encoding="utf-8").splitlines()[:4]]
    page.click("#tab-batch")
    page.fill("#job-lines", "\n".join([*map(json.dumps, claims), "{not a claim"]))
    page.click("#job-submit")
    job = page.locator("#jobs-table tbody tr").first
    expect(job).to_have_attribute("data-state", "done", timeout=120_000)
    results = page.locator('[data-testid="job-results"]')
    expect(results.locator("tbody tr")).to_have_count(5)
    expect(results.locator("tbody tr .badge")).to_have_count(4)
    expect(results.locator("tbody tr").nth(4)).to_contain_text("invalid_line")
    expect(results).to_contain_text(claims[0]["id"])
    shoot(page, tmp_path, "batch.png")
    assert [p.split(" ")[0] for p in problems] == ["401"]  # the upload without the token, and nothing else


def test_a_quote_after_an_emoji_is_marked_in_its_paragraph(browser: Browser, site: str) -> None:
    """Offsets count code points; the page's strings count UTF-16 units, which differ after an emoji."""
    import httpx

    text = "🚀🚀 Launch note. Orbital Dynamics raised $42 million in March 2025 to build a second plant."
    added = httpx.post(f"{site}/v1/documents", json={"doc_id": "orbital.md", "text": text},
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert added.status_code == 200, added.text
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site)

    page.fill("#claim", "Orbital Dynamics raised $42 million in March 2025.")
    page.click("#check-button")

    citation = page.locator('[data-testid="citation"]', has_text="Orbital").first
    expect(citation.locator("mark")).to_contain_text("Orbital Dynamics raised $42 million", timeout=60_000)
    expect(citation.locator("blockquote")).to_contain_text("🚀🚀 Launch note.")  # its context, from the document
    citation.locator(".doc-link").click()
    expect(page.locator("#document-dialog mark")).to_contain_text("Orbital Dynamics raised $42 million")


def test_the_page_fits_a_phone_screen(browser: Browser, site: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(site)
    page.fill("#claim", "Northwind has spent more than half a billion dollars on compute hardware since 2022.")
    page.click("#check-button")
    expect(page.locator('[data-testid="verdict"]')).to_be_visible(timeout=60_000)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    shoot(page, tmp_path, "check-phone.png")


ATTACK = """<!doctype html><meta charset="utf-8"><title>cat pictures</title>
<script>
const target = "TARGET";
const planted = JSON.stringify({doc_id: "planted.txt", text: "Planted by another site."});
const form = new FormData();
form.append("file", new Blob(["Planted by another site."], {type: "text/plain"}), "planted-upload.txt");
Promise.allSettled([
  fetch(target + "/v1/documents", {method: "POST", mode: "no-cors", body: planted}),
  fetch(target + "/v1/documents", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
                                   body: planted}),
  fetch(target + "/v1/documents", {method: "POST", mode: "no-cors", body: form}),
  fetch(target + "/v1/jobs", {method: "POST", mode: "no-cors", body: '{"claim": "Planted."}'}),
  fetch(target + "/v1/documents/veridian-fy2024-results.md", {method: "DELETE", mode: "no-cors"}),
]).then(() => { document.title = "sent"; });
</script>"""


def test_a_page_from_another_site_cannot_write_but_the_page_itself_can(browser: Browser, cli_home: Path,
                                                                      tmp_path: Path) -> None:
    """Issue 28, item 1: with no token (the default on loopback), a page on another site sends the writes a
    browser allows without a preflight; none of them lands, and a rebinding host name is refused. The page
    served by vericlaim itself still uploads a document."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    with serving(cli_home, tmp_path / "server.log") as served:
        target = str(served.client.base_url)
        with (DEMO / "docs" / "veridian-fy2024-results.md").open("rb") as handle:
            assert served.client.post("/v1/documents", files={"file": ("veridian-fy2024-results.md", handle)}) \
                .status_code == 200
        (tmp_path / "attacker").mkdir()
        (tmp_path / "attacker" / "index.html").write_text(ATTACK.replace("TARGET", target), encoding="utf-8")
        attacker = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler,
                                                                 directory=str(tmp_path / "attacker")))
        threading.Thread(target=attacker.serve_forever, daemon=True).start()
        try:
            page = browser.new_page()
            page.goto(f"http://localhost:{attacker.server_address[1]}/index.html")  # another site than 127.0.0.1
            expect(page).to_have_title("sent", timeout=30_000)
        finally:
            attacker.shutdown()
            attacker.server_close()
        listed = served.client.get("/v1/documents").json()["documents"]
        assert [d["doc_id"] for d in listed] == ["veridian-fy2024-results.md"]
        assert served.client.get("/v1/jobs").json()["jobs"] == []
        rebound = served.client.get("/v1/documents", headers={"Host": "attacker-rebind.example"})
        assert rebound.status_code == 400 and rebound.json()["error"] == "invalid_host"

        own = browser.new_page()
        problems = watch(own)
        own.goto(target)
        own.click("#tab-documents")
        own.set_input_files("#upload-file", str(DEMO / "docs" / "gpu-rental-prices.txt"))
        own.click("#upload-form button[type=submit]")
        expect(own.locator("#documents-table tbody tr")).to_have_count(2, timeout=60_000)
        assert problems == []
