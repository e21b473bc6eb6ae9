"""EDGAR filing footers ("Source: FILER, FORM, DATE") name the filing date, not a contract date."""

from extractors.contract import extract_contract_raw
from extractors.contract.dates import find_dates, in_filing_footer
from training.synth.contracts import text_to_doc

FOOTER = "Source: ACME HOLDINGS INC, 10-K, 3/15/2004"
TEXT = ("SUPPLY AGREEMENT\n\nThis Supply Agreement is made as of January 5, 2003 by and between "
        f"Acme Holdings Inc. and Beta Parts LLC. {FOOTER}\n1. Term. This Agreement expires on "
        f"December 31, 2005. {FOOTER}\nThe Source: of funds, dated May 5, 2002, is described.")


def test_footer_dates_are_not_dates_of_the_agreement():
    got = [iso for _, _, iso in find_dates(TEXT)]
    assert "2004-03-15" not in got
    assert {"2003-01-05", "2005-12-31", "2002-05-05"} <= set(got)
    at = TEXT.index("3/15/2004")
    assert in_filing_footer(TEXT, at)
    assert not in_filing_footer(TEXT, TEXT.index("May 5, 2002"))


def test_footer_dates_are_no_candidates():
    raw = extract_contract_raw(text_to_doc(TEXT))
    for name in ("agreement_date", "effective_date", "expiration_date"):
        assert "2004-03-15" not in {str(h.normalized) for h in raw.candidates.get(name, [])}, name
    assert "2005-12-31" in {str(h.normalized) for h in raw.candidates["expiration_date"]}
