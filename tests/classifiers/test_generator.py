"""The synthetic generator: deterministic per seed, covers every type and subtype."""

from classifiers.generator import SUBTYPES, generate, generate_one
from classifiers.types import CONTRACT_SUBTYPES, DOC_TYPES, HR_SUBTYPES


def test_same_seed_same_documents():
    a = generate(4, seed=7)
    b = generate(4, seed=7)
    assert [d.text for d in a] == [d.text for d in b]
    assert [(d.doc_type, d.subtype) for d in a] == [(d.doc_type, d.subtype) for d in b]


def test_different_seed_different_documents():
    a = {d.text for d in generate(3, seed=1)}
    b = {d.text for d in generate(3, seed=2)}
    assert len(a & b) <= 1  # mostly-empty documents may coincide


def test_covers_all_types_and_subtypes():
    docs = generate(18, seed=3)
    assert {d.doc_type for d in docs} == set(DOC_TYPES)
    assert {d.subtype for d in docs if d.doc_type == "contract"} == set(CONTRACT_SUBTYPES)
    assert {d.subtype for d in docs if d.doc_type == "hr"} == set(HR_SUBTYPES)
    assert all(d.subtype is None for d in docs if d.doc_type not in SUBTYPES)


def test_documents_have_text_and_pages():
    for doc_type in DOC_TYPES:
        for sub in SUBTYPES.get(doc_type, (None,)):
            d = generate_one(doc_type, sub, seed=11)
            assert d.text.strip(), (doc_type, sub)
            assert d.n_pages >= 1


def test_variety_noise_and_length():
    docs = generate(60, seed=5)
    assert any(d.meta.get("noise") for d in docs)  # OCR-style noise on a share
    lens = [len(d.text) for d in docs if d.doc_type == "contract"]
    assert max(lens) > 10 * min(lens)  # short letter agreements and long contracts
