"""The model names of the OpenAI-compatible API, defined once, and ``GET /v1/models``.

``report-assistant`` asks the whole library; ``report-assistant/<doc id>`` asks one report. Clients
(Open WebUI, Chatbox, LobeChat) list the models first and offer them in their model picker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.web.answering import Offload
from core.errors import UnknownModel

if TYPE_CHECKING:  # the service hands these over; the edge only reads them
    from index.store import StoredDocument

MODEL = "report-assistant"
OWNER = "report-assistant"
_PREFIX = f"{MODEL}/"


def model_id(doc_id: str) -> str:
    """The model that asks one report."""
    return f"{_PREFIX}{doc_id}"


def scope_of(model: str) -> str | None:
    """The report a model name asks, or None for the whole library (any name but ``report-assistant/<id>``)."""
    return model[len(_PREFIX) :] if model.startswith(_PREFIX) and len(model) > len(_PREFIX) else None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = Field(description="Unix time the report was added to the library (0 when unknown).")
    owned_by: str = OWNER
    name: str = Field(description="The report's title, for the pickers that show a display name.")


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def model_cards(library: list[StoredDocument]) -> list[ModelCard]:
    """The whole library first, then one model per report."""
    added = {d.doc_id: _unix(d.added_at) for d in library}
    known = [t for t in added.values() if t]
    cards = [ModelCard(id=MODEL, created=min(known, default=0), name="全部报告")]
    return cards + [ModelCard(id=model_id(d.doc_id), created=added[d.doc_id], name=d.title) for d in library]


def _unix(iso: str) -> int:
    try:
        return int(datetime.fromisoformat(iso).timestamp())
    except ValueError:
        return 0


def models_router(
    library: Callable[[], list[StoredDocument]], offload: Offload, errors: dict[int | str, dict[str, Any]]
) -> APIRouter:
    router = APIRouter(tags=["openai"])  # included under /v1 by openai_compat.openai_router

    @router.get("/models", response_model=ModelList, responses=errors)
    async def list_models() -> ModelList:
        """The models to pass as `model`: the whole library, and one per report of the live library."""
        return ModelList(data=model_cards(await offload.call(library)))

    @router.get("/models/{model:path}", response_model=ModelCard, responses=errors)
    async def get_model(model: str) -> ModelCard:
        """One model of the list (404 `model_not_found` otherwise)."""
        for card in model_cards(await offload.call(library)):
            if card.id == model:
                return card
        raise UnknownModel(f"no model {model!r} in /v1/models")

    return router
