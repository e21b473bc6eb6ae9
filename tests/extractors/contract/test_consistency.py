"""Cross-field checks: a contradicted contract field is never reported above 0.5."""

from extractors.contract import consistency
from extractors.types import Field


def _f(norm: str, conf: float = 0.9) -> Field:
    return Field(norm, norm, conf, 1, None, "ranker:test")


def test_end_on_or_before_start_caps_the_end():
    fields = {"effective_date": _f("2015-03-03"), "expiration_date": _f("2014-12-31")}
    found = consistency.cap_contradicted(fields)
    assert [c.reason for c in found] == ["ends_before_start"]
    assert fields["expiration_date"].confidence == consistency.CAP_CONTRADICTED
    assert fields["effective_date"].confidence == 0.9


def test_agreement_date_stands_in_for_a_missing_start():
    fields = {"agreement_date": _f("2015-03-03"), "expiration_date": _f("2015-03-03")}
    assert consistency.contradictions(fields)[0].by == "agreement_date"


def test_consistent_fields_keep_their_confidence():
    fields = {"effective_date": _f("2015-03-03"), "expiration_date": _f("2018-03-02"),
              "notice_period": _f("90_days"), "renewal_term": _f("1_years")}
    assert consistency.cap_contradicted(fields) == []
    assert all(f.confidence == 0.9 for f in fields.values())


def test_notice_longer_than_the_period_it_ends_is_doubted():
    fields = {"notice_period": _f("90_days", 0.8), "renewal_term": _f("1_months")}
    consistency.cap_contradicted(fields)
    assert fields["notice_period"].confidence == consistency.CAP_CONTRADICTED
    low = {"notice_period": _f("6_months", 0.3), "term": _f("3_months")}
    consistency.cap_contradicted(low)
    assert low["notice_period"].confidence == 0.3  # a cap never raises


def test_a_term_that_does_not_run_from_start_to_end_is_doubted():
    fields = {"effective_date": _f("2015-03-03"), "expiration_date": _f("2018-03-02"),
              "term": _f("1_years")}
    found = consistency.cap_contradicted(fields)
    assert [(c.doubted, c.reason) for c in found] == [("term", "term_misses_start_and_end")]
    assert fields["term"].confidence == consistency.CAP_CONTRADICTED
    assert fields["expiration_date"].confidence == 0.9


def test_a_term_that_runs_from_either_start_to_the_end_or_its_eve_stands():
    for end in ("2018-03-03", "2018-03-02"):
        fields = {"effective_date": _f("2015-03-03"), "expiration_date": _f(end),
                  "term": _f("36_months")}
        assert consistency.contradictions(fields) == []
    fields = {"effective_date": _f("2016-01-01"), "agreement_date": _f("2015-03-03"),
              "expiration_date": _f("2018-03-03"), "term": _f("3_years")}
    assert consistency.contradictions(fields) == []
    # a term in days, or no end reported: nothing to check
    assert consistency.contradictions({"effective_date": _f("2015-03-03"), "term": _f("1_years")}) == []
    assert consistency.contradictions({"effective_date": _f("2015-03-03"),
                                       "expiration_date": _f("2018-03-02"),
                                       "term": _f("90_days")}) == []
