from __future__ import annotations

import numpy as np
import pytest

from search.embeddings import MiniLMChromaEF, MiniLMEmbeddings
from search.encoder import (
    DIM,
    MODEL_SHA256,
    MiniLMEncoder,
    ModelIntegrityError,
    default_model_dir,
    verify_model_dir,
)

SENTENCES = [
    "This Agreement shall be governed by the laws of the State of New York.",
    "The contract is subject to New York law.",
    "Either party may terminate this Agreement for convenience on thirty days notice.",
    "This agreement can be ended by any party without cause after giving one month notice.",
    "The quarterly sales report shows strong growth in Asia.",
    "Photosynthesis converts light energy into chemical energy.",
]


def test_shape_and_normalised(encoder):
    v = encoder.encode(SENTENCES)
    assert v.shape == (len(SENTENCES), DIM)
    assert v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIM)


def test_similar_sentences_are_closer(encoder):
    v = encoder.encode(SENTENCES)
    sim = v @ v.T
    assert sim[0, 1] > sim[0, 2] + 0.2
    assert sim[0, 1] > max(sim[0, 4], sim[0, 5]) + 0.3
    assert sim[2, 3] > max(sim[2, 0], sim[2, 4], sim[2, 5]) + 0.1


def test_order_and_batching_do_not_change_vectors(encoder):
    v = encoder.encode(SENTENCES)
    single = np.stack([encoder.encode([s])[0] for s in SENTENCES])
    np.testing.assert_allclose(v, single, atol=1e-5)


def test_onnx_matches_numpy_reference(encoder):
    texts = SENTENCES[:3] + ["short"]  # different lengths: padding inside one batch
    np.testing.assert_allclose(encoder.encode(texts), encoder.reference_encode(texts), atol=1e-4)


def test_truncation_at_256_tokens_and_dynamic_padding(encoder):
    ids, mask, _ = encoder.tokenize(["x " * 400, "short"])
    assert ids.shape[1] == 256 and mask[0].sum() == 256 and mask[1].sum() < 10
    ids, _, _ = encoder.tokenize(["short", "tiny"])
    assert ids.shape[1] < 10


@pytest.mark.slow
def test_onnx_matches_numpy_reference_long_text(encoder):
    texts = ["x " * 400, SENTENCES[0]]
    np.testing.assert_allclose(encoder.encode(texts), encoder.reference_encode(texts), atol=1e-4)


def test_pinned_hashes_match_installed_model():
    verify_model_dir(default_model_dir())


def test_tampered_file_is_rejected(tmp_path):
    src = default_model_dir()
    for rel in MODEL_SHA256:
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel == "model.safetensors":
            dst.symlink_to(src / rel)  # 90 MB: link it, tamper a small file instead
        else:
            dst.write_bytes((src / rel).read_bytes())
    verify_model_dir(tmp_path)  # an exact copy passes
    cfg = tmp_path / "1_Pooling" / "config.json"
    cfg.write_text(cfg.read_text().replace("true", "false"))
    with pytest.raises(ModelIntegrityError):
        verify_model_dir(tmp_path)
    enc = MiniLMEncoder(model_dir=tmp_path, cache_dir=tmp_path / "cache")
    with pytest.raises(ModelIntegrityError):
        enc.encode(["anything"])
    (tmp_path / "tokenizer.json").unlink()
    with pytest.raises(ModelIntegrityError, match="missing"):
        verify_model_dir(tmp_path)


def test_chroma_and_langchain_wrappers(encoder):
    ef = MiniLMChromaEF(encoder)
    out = ef(["governing law", "termination"])
    assert len(out) == 2 and len(out[0]) == DIM
    assert MiniLMChromaEF.name() and "model" in ef.get_config()
    rebuilt = MiniLMChromaEF.build_from_config(ef.get_config())
    assert isinstance(rebuilt, MiniLMChromaEF)
    lc = MiniLMEmbeddings(encoder)
    docs = lc.embed_documents(["governing law"])
    q = lc.embed_query("governing law")
    np.testing.assert_allclose(docs[0], q, atol=1e-6)
    np.testing.assert_allclose(out[0], q, atol=1e-6)
