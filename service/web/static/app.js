// vericlaim's page: plain JavaScript over the HTTP API (/openapi.json). Every text from the server or from a
// document is set with textContent, never as HTML: documents are untrusted.
"use strict";

const LABELS = ["SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"];
const LABEL_NAMES = { SUPPORTED: "Supported", REFUTED: "Refuted", NOT_ENOUGH_INFO: "Not enough info" };
const state = {
  token: localStorage.getItem("vericlaim.token") || "",
  collection: localStorage.getItem("vericlaim.collection") || "",
  openJob: null,
  shownResults: null,
  polling: null,
};

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "style") Object.assign(node.style, value);  // CSSOM: allowed by the page's CSP
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    const detail = body && typeof body === "object" ? body.detail : body;
    const text = Array.isArray(detail)
      ? detail.map((d) => (d.loc ? `${d.loc.join(".")}: ${d.msg}` : JSON.stringify(d))).join("; ")
      : String(detail || "");
    const code = body && body.error ? body.error : `HTTP ${status}`;
    super(status === 401 ? "This server needs its API token for that: set it with “API token” above."
                         : `${code}: ${text}`);
    this.status = status;
  }
}

async function api(path, { method = "GET", json, body, headers = {} } = {}) {
  const sent = { ...headers };
  if (state.token) sent.Authorization = `Bearer ${state.token}`;
  if (json !== undefined) {
    sent["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers: sent, body });
  const type = response.headers.get("content-type") || "";
  const isJson = type.split(";")[0].trim() === "application/json";  // not application/jsonl (job results)
  const data = isJson ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function withCollection(path, extra = {}) {
  const params = new URLSearchParams(extra);
  if (state.collection) params.set("collection", state.collection);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

function say(target, message, isError = false) {
  const node = $(target);
  node.textContent = message;
  node.classList.toggle("error", isError);
}

function percent(value) {
  return `${Math.round(value * 100)}%`;
}

function badge(label, small = false) {
  return el("span", { class: `badge ${label}${small ? " small" : ""}`, text: LABEL_NAMES[label] || label });
}

// ---- tabs, token, collections ------------------------------------------------------------------------

function showTab(name) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !selected;
  }
  if (name === "documents") loadDocuments();
  if (name === "batch") loadJobs();
}

function showToken() {
  const pill = $("#token-state");
  pill.textContent = state.token ? "set" : "none";
  pill.classList.toggle("on", Boolean(state.token));
}

async function loadServer() {
  try {
    const health = await api("/v1/info");
    const select = $("#collection");
    const names = health.collections.length ? health.collections : ["default"];
    if (state.collection && !names.includes(state.collection)) names.push(state.collection);
    select.replaceChildren(...names.map((name) => el("option", { value: name, text: name })));
    select.value = state.collection || names[0];
    state.collection = select.value;
    $("#server-info").textContent = `vericlaim ${health.version} · judge ${health.judge_model} · ` +
      `verifier ${health.verifier || "none"} · embeddings ${health.embedding_model}`;
  } catch (error) {
    $("#server-info").textContent = `The server did not answer: ${error.message}`;
  }
}

// ---- checking a claim ----------------------------------------------------------------------------------

async function checkClaim(event) {
  event.preventDefault();
  const claim = $("#claim").value.trim();
  if (!claim) return;
  const button = $("#check-button");
  button.disabled = true;
  say("#check-status", "Checking…");
  $("#result").replaceChildren();
  try {
    const verdict = await api("/v1/check", {
      method: "POST",
      json: { claim, explain: $("#explain").checked, ...(state.collection ? { collection: state.collection } : {}) },
    });
    say("#check-status", `Checked in ${Math.round(verdict.timings.total_ms)} ms.`);
    $("#result").replaceChildren(renderVerdict(verdict));
  } catch (error) {
    say("#check-status", error.message, true);
  } finally {
    button.disabled = false;
  }
}

function renderVerdict(verdict) {
  const card = el("article", { class: "card verdict", "data-verdict": verdict.verdict, "data-testid": "verdict" },
    el("div", { class: "verdict-head" },
      badge(verdict.verdict),
      el("span", { class: "confidence", text: `${percent(verdict.confidence)} confidence` }),
      verdict.decided_by ? el("span", { class: "decided", text: `decided by ${verdict.decided_by}` }) : null),
    el("p", { class: "claim-text", text: verdict.claim }));
  if (Object.keys(verdict.probabilities || {}).length) card.append(renderProbabilities(verdict.probabilities));
  if (verdict.reason) card.append(el("p", { class: "reason", text: verdict.reason }));
  if (verdict.rationale) card.append(el("p", { class: "rationale", text: verdict.rationale }));
  if (verdict.numeric.length) card.append(el("h3", { text: "Figures compared" }), renderNumeric(verdict.numeric));
  if (verdict.parts.length) {
    card.append(el("h3", { text: "Parts of the claim" }), el("ul", {}, verdict.parts.map((part) =>
      el("li", {}, badge(part.result.verdict, true), " ", part.text))));
  }
  if (verdict.citations.length) {
    const documents = documentFetcher();
    card.append(el("h3", { text: "Evidence" }),
      ...verdict.citations.map((c) => renderCitation(c, verdict.passages, documents)));
  } else if (verdict.passages.length) {
    card.append(el("h3", { text: "Closest passages (not cited)" }),
      ...verdict.passages.slice(0, 3).map((p) => el("figure", { class: "citation passage" },
        el("blockquote", { text: p.text }), el("figcaption", {}, documentLink(p.doc_id, p.title, null)))));
  }
  return card;
}

function renderProbabilities(probabilities) {
  return el("div", { class: "probabilities", "aria-label": "Probabilities" }, LABELS.flatMap((label) => {
    const value = probabilities[label] || 0;
    return [
      el("span", { text: LABEL_NAMES[label] }),
      el("span", { class: "bar" }, el("span", { class: label, style: { width: `${(value * 100).toFixed(1)}%` } })),
      el("span", { class: "pct", text: percent(value) }),
    ];
  }));
}

function renderNumeric(items) {
  return el("ul", { class: "figures" }, items.map((item) => el("li", { class: `figure ${item.relation}` },
    el("div", {},
      el("span", { class: "figure-label", text: "claim " }), el("strong", { text: item.claim_value }),
      el("span", { class: "figure-label", text: " · document " }), el("strong", { text: item.evidence_value }),
      " ", el("span", { class: "relation", text: item.relation.replaceAll("_", " ") })),
    item.gap ? el("div", { class: "gap", text: item.gap }) : null)));
}

function renderCitation(citation, passages, documents) {
  // the quote first, then in its context: the paragraph around it, read from the stored document
  const passage = passages.find((p) => p.doc_id === citation.doc_id && p.start <= citation.start && citation.end <= p.end);
  const quoteBlock = el("blockquote", {}, el("mark", { text: citation.quote }));
  documents(citation.doc_id).then((doc) => {
    const [start, end] = quoteUnits(doc.text, citation);
    if (start === null) return;
    const [from, to, cutBefore, cutAfter] = contextAround(doc.text, start, end);
    quoteBlock.replaceChildren(cutBefore ? "…" : "", doc.text.slice(from, start),
      el("mark", { text: citation.quote }), doc.text.slice(end, to), cutAfter ? "…" : "");
  }).catch(() => {});  // the quote alone is still right
  return el("figure", { class: "citation", "data-testid": "citation" }, quoteBlock,
    el("figcaption", {}, documentLink(citation.doc_id, passage && passage.title, citation),
      ` · characters ${citation.start}–${citation.end}`));
}

function quoteUnits(text, citation) {
  // the citation's offsets count code points (as Python and JSON do); JavaScript strings index UTF-16 units,
  // which differ after any character above U+FFFF (an emoji). [null, null] when the quote is not there.
  let units = 0;
  let seen = 0;
  for (const character of text) {
    if (seen === citation.start) break;
    units += character.length;
    seen += 1;
  }
  const end = units + citation.quote.length;
  return text.slice(units, end) === citation.quote ? [units, end] : [null, null];
}

function contextAround(text, start, end, reach = 260) {
  // up to `reach` characters each side, within the quote's paragraph, cut at a word boundary; and whether
  // each side was cut short of the paragraph
  const found = text.lastIndexOf("\n\n", start);
  const paragraphStart = found < 0 ? 0 : found + 2;
  const after = text.indexOf("\n\n", end);
  const paragraphEnd = after < 0 ? text.length : after;
  let from = Math.max(start - reach, paragraphStart);
  let to = Math.min(end + reach, paragraphEnd);
  const cutBefore = from > paragraphStart;
  const cutAfter = to < paragraphEnd;
  if (cutBefore) from = Math.min(start, text.indexOf(" ", from) + 1 || start);
  if (cutAfter) to = Math.max(end, text.lastIndexOf(" ", to));
  return [from, to, cutBefore, cutAfter];
}

function documentFetcher() {
  // each cited document read once per verdict
  const cache = new Map();
  return (docId) => {
    if (!cache.has(docId)) cache.set(docId, api(withCollection(documentPath(docId))));
    return cache.get(docId);
  };
}

function documentPath(docId) {
  // the whole id as one segment (its slashes too), so that "a/../b" cannot become another document's path
  return `/v1/documents/${encodeURIComponent(docId)}`;
}

function safeLink(url) {
  // a document's URL is untrusted metadata: only web links become links
  try {
    return ["http:", "https:"].includes(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}

function documentLink(docId, title, citation) {
  return el("button", { type: "button", class: "doc-link", text: title || docId,
    onclick: () => openDocument(docId, citation) });
}

async function openDocument(docId, citation) {
  const dialog = $("#document-dialog");
  try {
    const doc = await api(withCollection(documentPath(docId)));
    $("#document-title").textContent = doc.title || doc.doc_id;
    const meta = [doc.doc_id, doc.date, `${doc.chars.toLocaleString()} characters`].filter(Boolean).join(" · ");
    const link = doc.url ? safeLink(doc.url) : null;
    $("#document-meta").replaceChildren(meta, link ? " · " : "",
      link ? el("a", { href: link, target: "_blank", rel: "noopener noreferrer", text: "source" }) : "");
    const body = $("#document-text");
    let mark = null;
    const [start, end] = citation ? quoteUnits(doc.text, citation) : [null, null];
    if (start !== null) {
      mark = el("mark", { text: citation.quote });
      body.replaceChildren(doc.text.slice(0, start), mark, doc.text.slice(end));
    } else {
      body.replaceChildren(doc.text);
    }
    dialog.showModal();
    if (mark) mark.scrollIntoView({ block: "center" });
  } catch (error) {
    say("#check-status", error.message, true);
  }
}

// ---- documents ------------------------------------------------------------------------------------------

async function loadDocuments() {
  const body = $("#documents-table tbody");
  try {
    const listing = await api(withCollection("/v1/documents"));
    body.replaceChildren(...listing.documents.map(renderDocumentRow));
    $("#documents-empty").hidden = listing.documents.length > 0;
    say("#documents-status", `${listing.documents.length} documents in “${listing.collection}”.`);
  } catch (error) {
    body.replaceChildren();
    $("#documents-empty").hidden = false;
    if (error.status !== 404) say("#documents-status", error.message, true);
    else say("#documents-status", "");
  }
}

function renderDocumentRow(doc) {
  const remove = el("button", { type: "button", class: "small danger", text: "Delete" });
  remove.addEventListener("click", async () => {
    if (remove.dataset.armed !== "yes") {  // a second click confirms
      remove.dataset.armed = "yes";
      remove.textContent = "Delete — sure?";
      return;
    }
    try {
      await api(withCollection(documentPath(doc.doc_id)), { method: "DELETE" });
      say("#documents-status", `Deleted ${doc.doc_id}.`);
      loadDocuments();
    } catch (error) {
      say("#documents-status", error.message, true);
    }
  });
  return el("tr", { "data-doc-id": doc.doc_id },
    el("td", {}, documentLink(doc.doc_id, doc.title || doc.doc_id, null),
      doc.title ? el("div", { class: "hint", text: doc.doc_id }) : null),
    el("td", { text: doc.date || "—" }),
    el("td", { class: "num", text: doc.chars.toLocaleString() }),
    el("td", {}, remove));
}

async function uploadDocument(event) {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  const docId = $("#upload-id").value.trim();
  if (docId) form.append("doc_id", docId);
  if (state.collection) form.append("collection", state.collection);
  say("#documents-status", `Adding ${file.name}…`);
  try {
    const change = await api("/v1/documents", { method: "POST", body: form });
    const what = change.added.length ? `Added ${change.added.join(", ")}`
      : change.updated.length ? `Updated ${change.updated.join(", ")}`
      : Object.keys(change.duplicates).length ? `Already stored as ${Object.values(change.duplicates).join(", ")}`
      : "Unchanged";
    $("#upload-form").reset();
    await loadServer();
    await loadDocuments();
    say("#documents-status", `${what} (${change.chunks} passages indexed).`);
  } catch (error) {
    say("#documents-status", error.message, true);
  }
}

// ---- batch jobs -----------------------------------------------------------------------------------------

async function submitJob(event) {
  event.preventDefault();
  const file = $("#job-file").files[0];
  const text = file ? await file.text() : $("#job-lines").value;
  if (!text.trim()) {
    say("#jobs-status", "Paste JSONL lines or choose a file first.", true);
    return;
  }
  try {
    const job = await api(withCollection("/v1/jobs"), {
      method: "POST", body: text, headers: { "Content-Type": "application/jsonl" } });
    say("#jobs-status", `Job started: ${job.lines} lines` +
      (job.failed ? `, ${job.failed} refused (see the results)` : "") + ".");
    $("#job-form").reset();
    state.openJob = job.id;
    await loadJobs();
  } catch (error) {
    say("#jobs-status", error.message, true);
  }
}

async function loadJobs() {
  try {
    const { jobs } = await api("/v1/jobs");
    $("#jobs-table tbody").replaceChildren(...jobs.map(renderJobRow));
    $("#jobs-empty").hidden = jobs.length > 0;
    const open = jobs.find((job) => job.id === state.openJob);
    const progress = open ? `${open.id}:${open.checked + open.failed}:${open.state}` : null;
    if (open && progress !== state.shownResults) {  // results again only when there are new ones
      await showResults(open);
      state.shownResults = progress;
    }
    const running = jobs.some((job) => job.state === "queued" || job.state === "running");
    clearTimeout(state.polling);
    if (running && !$("#panel-batch").hidden) state.polling = setTimeout(loadJobs, 1000);
  } catch (error) {
    say("#jobs-status", error.message, true);
  }
}

function renderJobRow(job) {
  const created = new Date(job.created).toLocaleString();
  return el("tr", { "data-job-id": job.id, "data-state": job.state },
    el("td", { text: created }),
    el("td", { text: job.state }),
    el("td", {}, el("div", { class: "progress", title: percent(job.progress) },
      el("span", { style: { width: `${(job.progress * 100).toFixed(1)}%` } }))),
    el("td", { class: "num", text: `${job.checked} / ${job.lines}` }),
    el("td", { class: "num", text: String(job.failed) }),
    el("td", {},
      el("button", { type: "button", class: "small ghost", text: "Results",
        onclick: () => { state.openJob = job.id; showResults(job); } }),
      job.state === "queued" || job.state === "running"
        ? el("button", { type: "button", class: "small danger", text: "Cancel",
          onclick: () => api(`/v1/jobs/${job.id}`, { method: "DELETE" }).then(loadJobs)
            .catch((error) => say("#jobs-status", error.message, true)) })
        : null));
}

async function showResults(job) {
  const text = await api(job.results);
  const lines = text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  const download = el("button", { type: "button", class: "small ghost", text: "Download JSONL",
    onclick: () => {
      const link = el("a", { href: URL.createObjectURL(new Blob([text], { type: "application/jsonl" })),
        download: `${job.id}.jsonl` });
      link.click();
      URL.revokeObjectURL(link.href);
    } });
  $("#job-results").replaceChildren(el("div", { class: "card table-card", "data-testid": "job-results" },
    el("div", { class: "row spread" },
      el("h2", { text: `Results: ${job.checked} checked, ${job.failed} failed, ${job.state}` }), download),
    el("table", {},
      el("thead", {}, el("tr", {}, ["Line", "Id", "Claim", "Verdict", "Confidence"].map((h) => el("th", { text: h })))),
      el("tbody", {}, lines.map((line) => el("tr", {},
        el("td", { class: "num", text: String(line.line) }),
        el("td", { text: line.id === null || line.id === undefined ? "" : String(line.id) }),
        el("td", { text: line.claim || "" }),
        line.result ? el("td", {}, badge(line.result.verdict, true))
          : el("td", { class: "reason", text: `${line.error}: ${line.detail}` }),
        el("td", { class: "num", text: line.result ? percent(line.result.confidence) : "" })))))));
}

// ---- start ----------------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => showTab(tab.id.replace("tab-", "")));
  }
  $("#token-toggle").addEventListener("click", () => {
    const form = $("#token-form");
    form.hidden = !form.hidden;
    $("#token-toggle").setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) $("#token").focus();
  });
  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("#token").value.trim();
    localStorage.setItem("vericlaim.token", state.token);
    $("#token-form").hidden = true;
    showToken();
  });
  $("#token-clear").addEventListener("click", () => {
    state.token = "";
    localStorage.removeItem("vericlaim.token");
    $("#token").value = "";
    showToken();
  });
  $("#collection").addEventListener("change", (event) => {
    state.collection = event.target.value;
    localStorage.setItem("vericlaim.collection", state.collection);
    if (!$("#panel-documents").hidden) loadDocuments();
  });
  $("#check-form").addEventListener("submit", checkClaim);
  $("#claim").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("#check-form").requestSubmit();
  });
  $("#upload-form").addEventListener("submit", uploadDocument);
  $("#job-form").addEventListener("submit", submitJob);
  $("#document-close").addEventListener("click", () => $("#document-dialog").close());
  $("#token").value = state.token;
  showToken();
  loadServer();
});
