"""The llama.cpp judge.

The reply is the JSON object `{"verdict": LABEL, "rationale": TEXT}` (`JudgeReply`), produced in two steps
inside one `Llama` object, so the prompt is evaluated once (and the prompt's fixed opening, the same for every
claim, once per process where the model allows it: `_keep_prefix`):

1. The prompt, then the forced opening `{"verdict": "`, is evaluated and the next-token logits are read:
   a softmax over the first token of each label gives the label probabilities (one forward pass, no
   sampling; the label with the highest probability is the verdict).
2. With that label written in, the model continues `, "rationale": "` greedily until the string's closing
   quote (or a line break, or `rationale_tokens`); control characters and backslashes are dropped and the
   reply is validated against `JudgeReply` (a failure gives a stock rationale). Generation is short on
   purpose. It runs without a GBNF grammar: with Gemma's 262k-token vocabulary a grammar-constrained token
   costs several times an unconstrained one, for the same greedy text (`bench/judge.py`).

Passages are quoted as data inside `<passage>` blocks and the prompt says never to follow instructions
found there. The model is not thread-safe: every call holds `self._lock`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from service.checksums import sha256_file
from service.domain import Label, Passage
from service.errors import ModelUnavailableError
from service.ports import AnswerOutput, JudgeOutput

log = logging.getLogger(__name__)
PASSAGE_CHARS = 600
ANSWER_PROMPT = "answer_question.v1"
_CITE = re.compile(r"\[(\d+)\]")
_PASSAGE_NUMBER = re.compile(r"(?:passage|\[)\s*(\d+)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f]")


class JudgeReply(BaseModel):
    verdict: Label
    rationale: str = Field(max_length=400)


def load_prompt(name: str) -> tuple[str, str]:
    """(template text, sha256) of `prompts/NAME.txt`."""
    resource = files("prompts").joinpath(f"{name}.txt")
    if not resource.is_file():
        raise ModelUnavailableError(f"no prompt template named {name!r} in prompts/")
    text = resource.read_text(encoding="utf-8")
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()



def format_evidence(evidence: Sequence[Passage]) -> str:
    """Passages as numbered, quoted data blocks; text that could close a block is neutralised."""
    blocks = []
    for number, passage in enumerate(evidence, start=1):
        text = passage.as_read[:PASSAGE_CHARS].replace("<", "‹").replace(">", "›")
        source = passage.doc_id.replace('"', "'")
        blocks.append(f'<passage number="{number}" source="{source}">\n{text}\n</passage>')
    return "\n".join(blocks)


@functools.cache
def _route_llama_logs() -> object:
    """Send llama.cpp's own log lines (printed straight to stderr by default) to Python logging."""
    import ctypes

    import llama_cpp

    @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]  # llama_cpp has no type information
    def forward(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        log.debug("llama.cpp: %s", text.decode("utf-8", "replace").rstrip())

    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))
    return forward  # cached, so the C callback stays alive


class LlamaJudge:
    """A GGUF model behind llama-cpp-python, used as verdict judge and answer writer.

    Constructing one is cheap: the file is checked to be a GGUF and the prompts are read, but the model is
    loaded on the first `judge` or `answer`, and its sha256 (for the verdict stamp) computed when first asked,
    so commands and verdicts that never ask the LLM do not pay for it. A file llama.cpp cannot load is
    `ModelUnavailableError` then."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        n_gpu_layers: int = 0,
        n_batch: int = 256,
        prompt_name: str = "verify_claim.v1",
        rationale_tokens: int = 40,
    ) -> None:
        _check_gguf(model_path)
        self._path = model_path
        self._options = {"n_ctx": n_ctx, "n_threads": n_threads, "n_gpu_layers": n_gpu_layers, "n_batch": n_batch}
        self._loaded: Any = None
        self._load_lock = threading.Lock()
        self._lock = threading.Lock()
        self.model_name = model_path.name
        self.prompt_name = prompt_name
        self._template, self.prompt_sha256 = load_prompt(prompt_name)
        self.answer_prompt_name = ANSWER_PROMPT
        self._answer_template, self.answer_prompt_sha256 = load_prompt(ANSWER_PROMPT)
        self._rationale_tokens = rationale_tokens
        self._label_tokens: dict[Label, int] = {}
        self._fixed: list[int] | None = None  # the prompt's fixed opening, tokenised once loaded

    @functools.cached_property
    def model_sha256(self) -> str:
        return sha256_file(self._path)

    @property
    def _llm(self) -> Any:
        """The loaded `Llama` (loaded once, on first use)."""
        with self._load_lock:
            if self._loaded is None:
                llm = self._load()
                self._label_tokens = self._first_label_tokens(llm)
                self._loaded = llm
            return self._loaded

    def _load(self) -> Any:
        from llama_cpp import Llama

        _route_llama_logs()
        try:
            return Llama(str(self._path), verbose=False, **self._options)
        except (ValueError, RuntimeError) as exc:
            raise ModelUnavailableError(f"cannot load judge model {self.model_name}: {exc}") from None

    # ---- prompts -------------------------------------------------------------------------------------

    def _chat(self, user: str) -> str:
        """The user turn wrapped in the model's own chat template (plain text when it has none)."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            return f"{user}\n\nAnswer:\n"
        vocab = self._llm
        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=vocab.detokenize([vocab.token_eos()]).decode("utf-8", "ignore"),
            bos_token=vocab.detokenize([vocab.token_bos()]).decode("utf-8", "ignore"),
        )
        prompt: str = formatter(messages=[{"role": "user", "content": user}]).prompt
        bos = vocab.detokenize([vocab.token_bos()]).decode("utf-8", "ignore")
        return prompt[len(bos):] if bos and prompt.startswith(bos) else prompt

    def _tokens(self, text: str) -> list[int]:
        tokens: list[int] = self._llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)
        return tokens

    def _first_label_tokens(self, llm: Any) -> dict[Label, int]:
        prefix = len(llm.tokenize(b'{"verdict": "', add_bos=False, special=False))
        first = {}
        for label in Label:
            tokens = llm.tokenize(f'{{"verdict": "{label.value}'.encode(), add_bos=False, special=False)
            first[label] = tokens[prefix]
        if len(set(first.values())) != len(first):
            raise ModelUnavailableError(f"{self.model_name}: the labels do not start with distinct tokens")
        return first

    # ---- judging -------------------------------------------------------------------------------------

    def judge(self, claim: str, evidence: Sequence[Passage]) -> JudgeOutput:
        user = self._template.format(claim=claim, evidence=format_evidence(evidence))
        opening = self._chat(user) + '{"verdict": "'
        with self._lock:
            probabilities = self._label_probabilities(opening)
            label = max(probabilities, key=lambda key: probabilities[key])
            rationale = self._rationale(f'{opening}{label.value}", "rationale": "', label)
        cited = tuple(sorted({int(n) - 1 for n in _PASSAGE_NUMBER.findall(rationale)
                              if 0 < int(n) <= len(evidence)}))
        return JudgeOutput(probabilities, cited, rationale)

    def _label_probabilities(self, opening: str) -> dict[Label, float]:
        tokens = self._tokens(opening)  # loads the model first, and with it `_label_tokens`
        self._keep_prefix(tokens)
        self._llm.eval(tokens[self._llm.n_tokens:])
        return self._label_softmax()

    def _label_softmax(self) -> dict[Label, float]:
        """A softmax over the labels' first tokens in the logits of the last token evaluated."""
        import llama_cpp

        pointer = llama_cpp.llama_get_logits_ith(self._llm.ctx, -1)
        logits = np.ctypeslib.as_array(pointer, shape=(self._llm.n_vocab(),))
        chosen = np.array([logits[token] for token in self._label_tokens.values()], dtype=np.float64)
        weights = np.exp(chosen - chosen.max())
        weights /= weights.sum()
        return {label: float(w) for label, w in zip(self._label_tokens, weights, strict=True)}

    def _keep_prefix(self, tokens: list[int]) -> None:
        """Leave in the context the prompt's fixed opening (the chat header and the rules, up to the claim:
        `_fixed_opening`), evaluated on its own, so only the rest of `tokens` is read: once loaded, the opening is
        read once per process instead of once per claim. Every claim's probabilities are then computed the
        same way whatever was judged before (the suffix always follows the same state; a longest-common-prefix
        reuse would not: llama.cpp's probabilities move, up to 6.4e-2 for Qwen in bench/judge.py, with how a
        prompt is split into batches). A model with
        sliding-window attention (Gemma 3) drops the oldest keys, so it reads the whole prompt every time."""
        import llama_cpp

        llm = self._llm
        if self._fixed is None:
            self._fixed = self._fixed_opening()
        fixed = self._fixed
        if (not fixed or len(tokens) <= len(fixed) or tokens[:len(fixed)] != fixed
                or llama_cpp.llama_model_n_swa(llm.model) > 0):
            llm.reset()
            return
        held = llm.n_tokens >= len(fixed) and llm.input_ids[:len(fixed)].tolist() == fixed
        # the same cache call llama-cpp-python's own `generate` makes to reuse a prefix
        if held and llm._ctx.kv_cache_seq_rm(-1, len(fixed), -1):
            llm.n_tokens = len(fixed)
        else:
            llm.reset()
            llm.eval(fixed)

    def _fixed_opening(self) -> list[int]:
        """The tokens every verify prompt begins with: where two prompts with unlike claims part, less one
        token (the last may merge with the claim's first characters)."""
        import llama_cpp

        prompts = [self._tokens(self._chat(self._template.format(claim=claim, evidence="-")))
                   for claim in ("Alpha", "7 zebras")]
        return prompts[0][:max(0, llama_cpp.Llama.longest_token_prefix(*prompts) - 1)]

    def _rationale(self, prompt: str, label: Label) -> str:
        fallback = f"The judge model chose {label.value}."
        if self._rationale_tokens <= 0:
            return fallback
        # greedy text up to the string's closing quote; no grammar: a GBNF grammar over Gemma's vocabulary
        # made a rationale 4.5x dearer for the same text (bench/judge.py: 1.41 s against 0.31 s)
        result = self._llm.create_completion(
            prompt, max_tokens=self._rationale_tokens, temperature=0.0, stop=['"', "\n"],
        )
        body = _CONTROL.sub("", result["choices"][0]["text"]).replace("\\", "").strip()
        try:
            reply = JudgeReply(verdict=label, rationale=body)
        except ValidationError:
            return fallback
        return _first_sentence(reply.rationale) or fallback

    # ---- answering -----------------------------------------------------------------------------------

    def answer(self, question: str, evidence: Sequence[Passage]) -> AnswerOutput:
        user = self._answer_template.format(question=question, evidence=format_evidence(evidence))
        with self._lock:
            result = self._llm.create_completion(
                self._chat(user), max_tokens=80, temperature=0.0, stop=["\n", "<end_of_turn>"],
            )
        text = re.sub(r"<[^>]{0,20}>", "", result["choices"][0]["text"])
        text = _first_sentence(text)  # small models drift into repetition and invention after one sentence
        cited = tuple(sorted({int(n) - 1 for n in _CITE.findall(text) if 0 < int(n) <= len(evidence)}))
        return AnswerOutput(text or "The documents do not say.", cited)



def _check_gguf(path: Path) -> None:
    """A missing file, or one that is not a GGUF model, is refused at start-up (loading waits for first use)."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError:
        raise ModelUnavailableError(f"judge model file not found: {path}") from None
    if magic != b"GGUF":
        raise ModelUnavailableError(f"judge model file is not a GGUF model: {path}")


def _first_sentence(text: str) -> str:
    """Small models ramble; the rationale is the first sentence they write."""
    text = text.strip()
    match = re.search(r"[.!?](\s|$)", text)
    return text[: match.start() + 1] if match else text
