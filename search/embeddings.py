"""The MiniLM encoder as a chromadb `EmbeddingFunction` and a langchain `Embeddings`.

chromadb must never fall back to its default embedding function (it downloads a model),
so the collection is created with `MiniLMChromaEF` and the class is registered: when chroma
re-opens a persisted collection it rebuilds this function from its config instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

from search.encoder import MODEL_NAME, MiniLMEncoder, get_encoder


@register_embedding_function
class MiniLMChromaEF(EmbeddingFunction[Documents]):
    """chromadb 1.x embedding function backed by the local, hash-verified MiniLM."""

    def __init__(self, encoder: MiniLMEncoder | None = None, cache_dir: str | None = None) -> None:
        self._cache_dir = cache_dir if cache_dir else (str(encoder.cache_dir) if encoder else None)
        self._encoder = encoder

    @property
    def encoder(self) -> MiniLMEncoder:
        if self._encoder is None:
            self._encoder = get_encoder(Path(self._cache_dir) if self._cache_dir else None)
        return self._encoder

    def __call__(self, input: Documents) -> ChromaEmbeddings:  # noqa: A002 - chroma's name
        return list(self.encoder.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "backoffice-minilm-l6-v2"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME, "cache_dir": self._cache_dir}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMChromaEF:
        return MiniLMChromaEF(cache_dir=config.get("cache_dir"))

    def is_legacy(self) -> bool:
        return False


class MiniLMEmbeddings(Embeddings):
    """langchain_core `Embeddings` over the same encoder (used by `langchain_chroma.Chroma`)."""

    def __init__(self, encoder: MiniLMEncoder) -> None:
        self.encoder = encoder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encoder.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encoder.encode([text])[0].tolist()
