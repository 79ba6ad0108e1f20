"""Grounded Chinese Q&A over a government report: retrieve, answer, cite."""

from core.types import Answer, Citation, Passage

__all__ = ["Answer", "Citation", "Passage"]
