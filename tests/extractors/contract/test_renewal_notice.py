"""Round 4: expiry, renewal and notice wording, and the look-alikes they must not take."""

import pytest

from extractors.contract import extract_contract
from extractors.contract.fields import durations
from training.synth.contracts import text_to_doc

_HEAD = ("SUPPLY AGREEMENT\n\nThis Supply Agreement is entered into as of March 3, 2015 by and "
         "between Vantor Inc. (\"Supplier\") and Quillon Corp. (\"Customer\").\n")


def _got(body: str) -> dict:
    return extract_contract(text_to_doc(_HEAD + body))


@pytest.mark.parametrize(
    "body,field,expected",
    [
        ("1. This Agreement shall continue in full force and effect until June 30, 2019.",
         "expiration_date", "2019-06-30"),
        ("1. Prices shall remain fixed until May 1, 2016. 2. This Agreement shall terminate on "
         "December 31, 2018, unless terminated earlier.", "expiration_date", "2018-12-31"),
        ("1. Unless earlier terminated, this Agreement shall have an initial term of four (4) "
         "years commencing on the Effective Date.", "expiration_date", "2019-03-03"),
        ("1. The term of this Agreement is three years. 2. Thereafter this Agreement shall "
         "automatically renew for successive one (1) year periods unless either party gives "
         "notice of non-renewal.", "renewal_term", "1_years"),
        ("1. The term of this Agreement is three years. 2. This Agreement will be extended for "
         "additional 2-year periods unless either party gives written notice.", "renewal_term",
         "2_years"),
        ("1. The term of this Agreement is three years. 2. Thereafter it shall renew for renewal "
         "terms of eighteen (18) months each.", "renewal_term", "18_months"),
        # renewal periods said without a number
        ("1. The term of this Agreement is three years. 2. Thereafter this Agreement shall "
         "continue on a year to year basis until terminated by either party.", "renewal_term",
         "1_years"),
        ("1. The term of this Agreement is five years. 2. After the initial term this Agreement "
         "shall continue on a month-to-month basis until either party terminates it.",
         "renewal_term", "1_months"),
        ("1. The term of this Agreement is one year, automatically renewing annually "
         "thereafter unless either party gives notice of non-renewal.", "renewal_term",
         "1_years"),
        ("1. The term of this Agreement is two years, and it shall thereafter continue "
         "automatically for successive annual periods unless either party objects.",
         "renewal_term", "1_years"),
        ("1. The term of this Agreement is three years, with automatic annual renewals "
         "thereafter unless either party gives notice.", "renewal_term", "1_years"),
        ("1. The term of this Agreement is three years. 2. This Agreement shall be automatically "
         "renewed for additional successive one (1) year periods, unless written notice of "
         "non-renewal is received no later than six (6) months prior to the expiration of the "
         "then current term.", "notice_period", "6_months"),
    ],
)
def test_phrasings(body, field, expected):
    assert _got(body)[field].normalized == expected


TAIL_AND_PRICING = ("1. During the Term and any renewal terms, and for a period of one (1) year "
                    "following the expiration thereof, neither party shall solicit employees. "
                    "2. Fees shall not increase by more than inflation for any one-year renewal "
                    "period. 3. The renewal fee is due and payable thirty (30) days prior to the "
                    "renewal date.")


def test_tail_and_pricing_periods_are_not_renewals():
    assert "renewal_term" not in _got(TAIL_AND_PRICING)


def test_prices_changing_from_year_to_year_are_not_a_renewal():
    body = ("1. The term of this Agreement is three years. 2. The fees are set in Schedule A "
            "and may be changed from year to year by the Supplier. 3. The Customer pays "
            "annually in advance.")
    assert "renewal_term" not in _got(body)


@pytest.mark.xfail(strict=True, reason=(
    "known regression: the term ranker refitted on the current TRAIN readings (stop 23) "
    "reports the one-year tail period as the term at 0.74 in this three-sentence text, which "
    "names no term; the stop-20 fit did not. Strict: passes again -> remove this mark"))
def test_tail_and_pricing_periods_are_not_terms():
    assert "term" not in _got(TAIL_AND_PRICING)


def test_cure_payment_and_option_notices_are_not_the_notice_period():
    got = _got("1. The term of this Agreement is two years, renewable for additional one (1) "
               "year periods at Customer's option by written notice given at least ninety (90) "
               "days prior to the end of the term. 2. Either party may terminate upon sixty (60) "
               "days' prior written notice if the other party materially breaches this "
               "Agreement and fails to cure such breach prior to the expiration of such period. "
               "3. Invoices are payable within thirty (30) days after receipt of notice.")
    assert got["renewal_term"].normalized == "1_years"
    assert "notice_period" not in got


def test_weak_expiry_is_less_confident_than_an_agreement_expiry():
    weak = _got("1. The introductory discount shall expire on May 1, 2016 and the term of "
                "this Agreement is unaffected.")["expiration_date"]
    strong = _got("1. This Agreement shall expire on May 1, 2016.")["expiration_date"]
    assert weak.confidence < strong.confidence


@pytest.mark.parametrize("sentence,expected", [
    ("Each party's obligations under this Agreement expire two years from the date hereof.",
     "2_years"),
    ("The Recipient's duty to protect Confidential Information under this Agreement expires "
     "three years from the date of disclosure.", "3_years"),
    ("This Agreement terminates eighteen (18) months after the date hereof.", "18_months"),
])
def test_an_agreement_that_expires_in_the_present_tense_has_a_term(sentence, expected):
    term, _, _ = durations(sentence)
    assert [(h.normalized, h.pattern) for h in term] == [(expected, "term.expire_after")]


def test_a_warranty_that_expires_is_no_term():
    term, _, _ = durations("The Supplier's warranty expires two years after delivery.")
    assert term == []


def test_an_insurers_notice_of_non_renewal_is_not_the_notice_period():
    notice = durations("All such insurance policies shall require at least thirty (30) days' "
                       "prior written notice to the Customer of cancellation or non-renewal.")[2]
    assert notice == []
    # the agreement's own notice of non-renewal still is
    notice = durations("This Agreement renews automatically unless either party gives notice "
                       "of non-renewal at least thirty (30) days prior to the end of the term.")[2]
    assert [(h.normalized, h.pattern) for h in notice] == [("30_days", "notice.renewal")]
