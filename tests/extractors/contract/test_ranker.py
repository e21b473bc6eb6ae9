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
        k: {"vec": v.vec, "clf": v.clf, "iso": v.iso, "threshold": 1.01}
        for k, v in model.fields.items()}})
    raw = extract_contract_raw(text_to_doc(TEXT))
    cands = ranker.group("effective_date", raw.candidates["effective_date"])
    assert cands and strict.choose("effective_date", cands, raw.context) is None
    assert model.choose("effective_date", cands, raw.context) is not None


def test_signature_dates_are_date_candidates():
    filler = "The Recipient shall hold the information in confidence. " * 120
    text = ("CONFIDENTIALITY AGREEMENT\n\nThis Agreement is between Alpha Widgets Inc. and "
            "Beta Tools LLC.\n" + filler + "\nIN WITNESS WHEREOF the parties have signed below."
            "\nBy: /s/ Jane Roe Date: April 26, 2004\nBy: /s/ John Doe Date: April 8, 2004")
    raw = extract_contract_raw(text_to_doc(text))
    for name in ("effective_date", "agreement_date"):
        tail = {h.normalized for h in raw.candidates[name] if h.pattern == "date.tail"}
        assert tail == {"2004-04-26", "2004-04-08"}
    rows = ranker.features_all(ranker.group("effective_date", raw.candidates["effective_date"]),
                               raw.context)
    assert sorted(r.get("is_latest_tail", 0.0) for r in rows)[-1] == 1.0


def test_end_candidates_from_ranges_local_starts_and_the_eve():
    text = ("HOSTING AGREEMENT\n\nThis Hosting Agreement is entered into as of March 3, 2015 "
            "(the \"Effective Date\") by and between Alpha Widgets Inc. and Beta Tools LLC.\n"
            "1. Term. The term of this Agreement for the Hosted Site shall commence upon April 1, "
            "2015 and shall continue for a period of six (6) months.\n2. The pilot runs from "
            "May 1, 2015 to October 31, 2015.")
    raw = extract_contract_raw(text_to_doc(text))
    ends = {(h.normalized, h.pattern.split("|")[1] if "|" in h.pattern else h.pattern)
            for h in raw.candidates["expiration_date"]}
    assert ("2015-10-31", "expiration.range") in ends
    assert ("2015-10-01", "local") in ends  # April 1 + six months
    assert ("2015-09-03", "effective_date") in ends  # the Effective Date + six months
    derived = {h.normalized for h in raw.candidates["expiration_date"]
               if h.pattern.endswith("|eve")}
    assert {"2015-09-30", "2015-09-02"} <= derived  # the day before each computed end


def test_every_duration_in_years_or_months_is_a_term_candidate():
    text = ("MUTUAL NONDISCLOSURE AGREEMENT\n\nThis Agreement is made between Alpha Widgets "
            "Inc. and Beta Tools LLC.\n2.8 The obligations of each party set forth in this "
            "Paragraph 2 shall cease on the date that is three (3) years from the date hereof. "
            "Payment is due within thirty (30) days.")
    raw = extract_contract_raw(text_to_doc(text))
    term = {h.normalized for h in raw.candidates["term"]}
    assert "3_years" in term and "30_days" not in term


def test_duration_candidates_read_the_words_beside_them():
    raw = extract_contract_raw(text_to_doc(TEXT))
    cands = ranker.group("notice_period", raw.candidates["notice_period"])
    rows = dict(zip((c.key for c in cands), ranker.features_all(cands, raw.context), strict=True))
    assert rows["90_days"]["in:at_least"] == 1.0 and rows["90_days"]["out:prior"] == 1.0
    assert rows["90_days"]["s:renew"] == 1.0 and "s:breach" not in rows["90_days"]
    assert rows["30_days"]["out:notice"] == 1.0 and rows["30_days"]["s:breach"] == 1.0
    assert rows["30_days"]["prev=upon"] == 1.0 and rows["30_days"]["next=notice"] == 1.0
    # fields outside LOCAL_FIELDS keep their features as they were
    dates = ranker.group("effective_date", raw.candidates["effective_date"])
    assert not any(k.startswith(("in:", "out:", "s:")) for r in
                   ranker.features_all(dates, raw.context) for k in r)


NDA = ("MUTUAL NONDISCLOSURE AGREEMENT\n\nThis Agreement is made as of May 1, 2010 between "
       "Alpha Widgets Inc. and Beta Tools LLC.\n1. Each party's obligations under this Agreement "
       "shall expire two (2) years from the date hereof.\n2. Employee will not solicit any "
       "customer of the Company for a period of eighteen (18) months following the termination "
       "of employment.\n3. Information disclosed hereunder stays confidential for five (5) years "
       "from the date of disclosure.")


def test_term_candidates_read_what_the_duration_is_the_period_of():
    raw = extract_contract_raw(text_to_doc(NDA))
    cands = ranker.group("term", raw.candidates["term"])
    rows = dict(zip((c.key for c in cands), ranker.features_all(cands, raw.context), strict=True))
    runs = rows["2_years"]
    assert runs["tr:subject_runs"] == 1.0 and runs["tr:from_start"] == 1.0
    assert runs["tr:runs_share"] == 1.0 and "tr:after_end" not in runs
    tail = rows["18_months"]
    assert tail["tr:after_end"] == 1.0 and tail["tr:covenant"] == 1.0
    assert tail["tr:employment"] == 1.0 and tail["tr:runs_share"] == 0.0
    assert rows["5_years"]["tr:from_disclosure"] == 1.0
    # the role cues describe term candidates only
    notice = ranker.group("notice_period", raw.candidates["notice_period"])
    assert not any(k.startswith("tr:") for r in ranker.features_all(notice, raw.context)
                   for k in r)


def test_ends_derive_from_any_span_and_from_anniversaries():
    # neither span sits in a sentence that speaks of a term: the end is still the start
    # plus the span, and the anniversary is a span of whole years
    text = ("SOFTWARE MAINTENANCE AGREEMENT\n\nThis Agreement is entered into as of October 13, "
            "2016 (the \"Effective Date\") by and between Alpha Widgets Inc. and Beta Tools "
            "LLC.\n1. Vendor shall maintain the software for an additional five years.\n2. The "
            "Initial Period runs through the day prior to the second anniversary of the "
            "Effective Date.")
    raw = extract_contract_raw(text_to_doc(text))
    ends = {(h.normalized, h.pattern.split("|")[2]) for h in raw.candidates["expiration_date"]
            if h.pattern.startswith("derived.")}
    assert ("2021-10-13", "term.window") in ends
    assert {("2018-10-13", "term.anniversary_any"), ("2018-10-12", "term.anniversary_any")} \
        <= ends  # the anniversary and the day prior
    assert "2_years" in {h.normalized for h in raw.candidates["term"]
                         if h.pattern == "term.anniversary_any"}


def test_an_effective_date_defined_after_the_first_pages_is_found():
    cover = "TABLE OF CONTENTS\n" + "".join(f"{i}. Section heading {i}\n" for i in range(1, 400))
    text = (cover + "\fSUPPLY AGREEMENT\n\nThis Supply Agreement is entered into as of March 18, "
            "2019 (the \"Effective Date\") by and between Alpha Widgets Inc. and Beta Tools LLC.")
    raw = extract_contract_raw(text_to_doc(text))
    assert raw.context.head_len < text.index("March 18")
    assert ("2019-03-18", "effective.defined") in {
        (h.normalized, h.pattern) for h in raw.candidates["effective_date"]}


def test_an_effective_date_defined_in_a_definitions_article_is_found():
    # "“Effective Date” means ..." defines the date as the parenthesised form does, in the
    # first pages or further on; "means the later of ..." names no date of its own
    text = ("SUPPLY AGREEMENT\n\nThis Supply Agreement is made by and between Alpha Widgets "
            "Inc. and Beta Tools LLC.\n1. Definitions. 1.1 “Affiliate” means any entity "
            "controlling a party. 1.2 “Effective Date” shall mean December 5, 2014. "
            + "1.3 “Product” means the goods listed in Exhibit A. " * 80
            + "9. Term. EFFECTIVE DATE means 18 May 2000; “Closing Date” means June 1, 2001; "
            "the Amendment Date means the later of June 2, 2001 and the signing.")
    raw = extract_contract_raw(text_to_doc(text))
    defined = {h.normalized for h in raw.candidates["effective_date"]
               if h.pattern == "effective.defined"}
    assert defined == {"2014-12-05", "2000-05-18"}
    # the term runs from the defined date: its end is a computed candidate
    term = text.replace("9. Term.", "9. Term. This Agreement shall commence on the Effective "
                        "Date and continue for five (5) years.")
    ends = {h.normalized for h in extract_contract_raw(text_to_doc(term))
            .candidates["expiration_date"]}
    assert "2019-12-05" in ends


def test_derived_ends_carry_the_term_models_score_of_their_duration():
    text = TEXT.replace("3. This Agreement", "3. The representations shall survive for two (2) "
                        "years after the closing. 4. This Agreement")
    raw = extract_contract_raw(text_to_doc(text))
    model = ranker.load()
    assert "term" in model.fields
    scores = raw.context.term_scores
    spans = {(h.start, h.end): h.normalized for h in raw.candidates["term"]}
    assert set(scores) == set(spans)  # every term mention scored, by its span
    cands = ranker.group("expiration_date", raw.candidates["expiration_date"])
    rows = dict(zip((c.key for c in cands),
                    ranker.features_all(cands, raw.context), strict=True))
    three, two = rows["2018-03-03"], rows["2017-03-03"]  # effective + 3 years / + 2 years
    best = max(scores.values())
    assert three["term_score"] == max(s for sp, s in scores.items() if spans[sp] == "3_years")
    assert three["term_top"] == float(three["term_score"] >= best)
    assert two["term_score"] < three["term_score"]  # a survival period is not the term
    # without a term model nothing is scored and the ends have no such feature
    assert ranker.term_scores(None, raw.candidates["term"], raw.context) == {}
    raw.context.term_scores = {}
    plain = ranker.features_all(cands, raw.context)
    assert all("term_score" not in f for f in plain)


def test_fields_fitted_with_context_words_read_them():
    """The shipped models of `training.contract_fields.CONTEXT_FIELDS` carry a context-word
    model whose score is the `ctx` feature of every candidate; the term's does not."""
    from training.contract_fields import CONTEXT_FIELDS

    model = ranker.load()
    raw = extract_contract_raw(text_to_doc(TEXT))
    assert set(model.context) == set(CONTEXT_FIELDS) & set(model.fields)
    assert {"effective_date", "expiration_date"} <= set(model.context)
    for name in ("effective_date", "expiration_date"):
        cands = ranker.group(name, raw.candidates[name])
        rows = model.rows(name, cands, raw.context)
        words = model.context[name]
        assert [r["ctx"] for r in rows] == [
            words.score(ranker.context_tokens(c, raw.context.flat)) for c in cands]
        if name == "expiration_date":  # the words tell its candidates apart
            assert len(cands) > 1 and len({r["ctx"] for r in rows}) > 1
    terms = ranker.group("term", raw.candidates["term"])
    assert terms and all("ctx" not in r for r in model.rows("term", terms, raw.context))


def test_a_duration_counted_from_the_end_is_marked():
    text = ("SERVICES AGREEMENT\n1. The term of this Agreement is two (2) years. 2. For a period "
            "of one (1) year following the expiration thereof, neither party shall solicit "
            "the other's employees.")
    raw = extract_contract_raw(text_to_doc(text))
    cands = ranker.group("term", raw.candidates["term"])
    rows = {c.key: r for c, r in zip(cands, ranker.features_all(cands, raw.context),
                                      strict=True)}
    assert rows["1_years"]["after_end"] == 1.0 and rows["2_years"]["after_end"] == 0.0


def test_the_shipped_ranker_is_built_once_per_process():
    """Its context-word models are dicts of many bucket weights: `load` hands out one
    FieldRanker per loaded model file instead of building one per call (twice a contract)."""
    assert ranker.load() is ranker.load()


def test_a_field_with_thresholds_per_contract_kind_reports_by_the_contracts_kind():
    raw = extract_contract_raw(text_to_doc(TEXT))
    model = ranker.load()
    # the shipped effective-date ranker carries one threshold per kind, fitted on TRAIN
    assert set(model.kind_thresholds["effective_date"]) == {"nda", "other"}
    cands = ranker.group("effective_date", raw.candidates["effective_date"])
    saved = model.kind_thresholds
    try:
        model.kind_thresholds = {"effective_date": {"nda": 0.0, "other": 1.01}}
        raw.context.nda = True
        assert model.choose("effective_date", cands, raw.context) is not None
        raw.context.nda = False
        assert model.choose("effective_date", cands, raw.context) is None
        # a field without per-kind thresholds keeps its one threshold whatever the kind
        assert "agreement_date" not in model.kind_thresholds
        assert model.choose("agreement_date", ranker.group(
            "agreement_date", raw.candidates["agreement_date"]), raw.context) is not None
    finally:
        model.kind_thresholds = saved
