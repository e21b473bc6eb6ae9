"""The contract field ranker: candidates, shipped model, abstention."""

from extractors.contract import extract_contract, extract_contract_raw, ranker
from training.synth.contracts import text_to_doc

TEXT = ("MASTER SERVICES AGREEMENT\n\nThis Master Services Agreement is entered into as of "
        "March 3, 2015 (the \"Effective Date\") by and between Alpha Widgets Inc. and Beta "
        "Tools LLC.\n1. Term. The term of this Agreement shall commence on the Effective Date "
        "and continue for three (3) years. It renews for successive one (1) year periods unless "
        "either party gives notice of non-renewal at least ninety (90) days prior to the end "
        "of the then-current term.\n2. Either party may terminate upon thirty (30) days notice "
        "if the other party materially breaches this Agreement.\n3. This Agreement is governed "
        "by the laws of the State of Delaware.")


def test_candidates_cover_every_cued_value():
    raw = extract_contract_raw(text_to_doc(TEXT))
    notice = {h.normalized for h in raw.candidates["notice_period"]}
    assert {"90_days", "30_days"} <= notice
    ends = {h.normalized for h in raw.candidates["expiration_date"]}
    assert "2018-03-03" in ends  # effective date + three-year term


def test_shipped_ranker_chooses_and_calibrates():
    model = ranker.load()
    assert model is not None and model.version.startswith("ranker-")
    got = extract_contract(text_to_doc(TEXT))
    assert got["effective_date"].normalized == "2015-03-03"
    assert got["effective_date"].source.startswith("ranker:")
    assert got["notice_period"].normalized == "90_days"
    for f in got.values():
        assert 0.0 < f.confidence <= ranker.CONF_CEIL


def test_ranker_abstains_below_its_threshold():
    model = ranker.load()
    strict = ranker.FieldRanker({"version": "t", "fields": {
        k: {**v, "threshold": 1.01} for k, v in model.fields.items()}})
    raw = extract_contract_raw(text_to_doc(TEXT))
    cands = ranker.group("effective_date", raw.candidates["effective_date"])
    assert cands and strict.choose("effective_date", cands, raw.context) is None
    assert model.choose("effective_date", cands, raw.context) is not None
