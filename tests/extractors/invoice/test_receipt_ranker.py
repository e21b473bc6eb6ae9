"""The learned receipt fields: the shipped model file, its picks, the till cross-check
and the training script's cross-validation on a few TRAIN receipts."""

from __future__ import annotations

import json
from decimal import Decimal
from itertools import islice

import pytest
from lines_doc import pdf_from_lines

from evaluation.scoring import scalar_match
from extractors.invoice import extract_invoice, receipt_candidates
from extractors.invoice import receipt_ranker as rr
from extractors.invoice.candidates import _ADDR
from extractors.scorer import PlattMap
from modelfile import ModelFileError, load_checked, manifest_path, single_thread
from tests.extractors.invoice.test_receipt_rules import _receipt as _till
from training.docs import TRAIN_DIR, labelled_docs
from training.synth.invoices import generate


def _model() -> rr.ReceiptModel:
    m = rr.load()
    if m is None:
        pytest.skip(f"no receipt model shipped at {rr.MODEL_PATH}")
    return m


def test_model_file_loads_with_its_manifest_check():
    m = _model()
    meta = json.loads(manifest_path(rr.MODEL_PATH).read_text())
    assert m.version == meta["version"]
    assert meta["rebuild"] == "python -m training.receipt_fields"
    assert len(meta["train_sha256"]) == 64
    assert set(m.fields) <= set(rr.RANKED_FIELDS)
    for f in m.fields.values():
        assert {"vec", "clf", "iso", "threshold"} <= f.keys()
        ys = f.get("cal", f["iso"]).predict([0.0, 0.5, 1.0])
        assert all(0.0 <= y <= 1.0 for y in ys) and list(ys) == sorted(ys)


def test_a_changed_model_file_is_refused(tmp_path):
    _model()
    copy = tmp_path / rr.MODEL_PATH.name
    copy.write_bytes(rr.MODEL_PATH.read_bytes() + b"x")
    manifest_path(copy).write_text(manifest_path(rr.MODEL_PATH).read_text())
    with pytest.raises(ModelFileError):
        load_checked(copy)


def test_ranker_picks_the_total_and_date_of_generated_receipts():
    m = _model()
    learned = [f for f in ("total_amount", "invoice_date") if f in m.fields]
    if not learned:
        pytest.skip("the shipped receipt model ranks neither total nor date")
    right = {f: 0 for f in learned}
    n = 12
    for seed in range(n):
        doc, truth = generate(900_000 + seed, kind="receipt", noise=0.0)
        got = extract_invoice(doc, "receipt")
        for f in learned:
            g = got.get(f)
            if g is not None:
                assert g.source == "ranker" and 0 < g.confidence <= rr.CONF_CEIL
                right[f] += scalar_match(f, truth[f], g.normalized)
    for f in learned:
        assert right[f] >= 0.75 * n, (f, right[f])


def test_candidates_cover_every_ranked_field():
    doc, truth = generate(900_100, kind="receipt", noise=0.0)
    rc = receipt_candidates(doc, {})
    assert set(rc.by_field) == set(rr.RANKED_FIELDS)
    for name in ("total_amount", "invoice_date"):
        assert any(scalar_match(name, truth[name], c.normalized) for c in rc.by_field[name])


@pytest.mark.timeout(900)  # five folds of four fields: minutes on a shared two-core machine
def test_cross_validation_runs_on_a_few_train_receipts(capsys):
    if not (TRAIN_DIR / "sroie").is_dir():
        pytest.skip(f"TRAIN split not found at {TRAIN_DIR} (expected ../shared/train)")
    from training import receipt_fields

    # a fresh clone has no ingest cache: say so before the line classifier's folds refuse
    if len(list(islice(labelled_docs(TRAIN_DIR, ["sroie"], read_missing=False), 10))) < 10:
        pytest.skip("fewer than 10 TRAIN receipts in the ingest cache (.cache/ingest)")
    data, sha, lines, probs = receipt_fields.collect(TRAIN_DIR, read_missing=False, limit=15)
    # every receipt's header rows got out-of-fold address-line probabilities
    assert len(lines) == len(probs) == len(data["vendor_address"])
    assert [len(p) for p in probs] == [len(d.feats) for d in lines]
    assert all("line_min" in r for d in data["vendor_address"] for r in d.rows)
    with single_thread():  # as the trainer runs it: a thread team on a loaded machine spins
        report, bundle = receipt_fields.fit_fields(data, final=False)
    assert len(sha) == 64 and bundle == {}
    assert "total_amount" in report
    st = report["total_amount"]["per_source"]["sroie"]
    assert st["n"] == len(data["total_amount"])
    assert 0.0 <= st["recall_ceiling"] <= 1.0
    assert "rule" in capsys.readouterr().out


_DOT_TILL = ["KEDAI PARKIR SDN BHD", "NO 5, JALAN MAWAR, 40000 SHAH ALAM", "Date 02/03/2018",
             "Parking 2.230 RM", "Total 12.50", "Cash 20.00", "Change 7.50"]


def test_receipt_total_candidates_read_amounts_with_the_documents_decimal_mark():
    # "2.230 RM" on a till that writes "12.50": a decimal point, not a thousands group
    rc = receipt_candidates(_till(_DOT_TILL), {})
    got = {c.value: c.normalized for c in rc.by_field["total_amount"]}
    assert any(v.startswith("2.230") for v in got)
    assert all(n != "2230.00" for n in got.values()), got
    assert "2.23" in {str(Decimal(n).normalize()) for n in got.values()}


def test_a_receipt_generates_its_candidates_once(monkeypatch):
    import extractors.invoice as inv

    calls = []
    real = inv.generate
    monkeypatch.setattr(inv, "generate", lambda *a: calls.append(a) or real(*a))
    extract_invoice(_till(_DOT_TILL), "receipt")
    assert len(calls) == 1
    assert calls[0][2] == "."  # with the document's decimal mark


def _render_reference(lines: list[str], punct: bool, ocr: bool, comma_join: bool) -> str:
    """`render_address` as it was before it was memoised: one pass over the whole text."""
    from extractors.invoice import _ocr_letters, address_digits, address_punctuation
    from extractors.invoice.spacing import fix_ocr_words, respace

    lines = [_ocr_letters(ln.strip()) for ln in lines if ln.strip()]
    text = ""
    for ln in lines:
        sep = " " if (not text or not comma_join or text.endswith((",", ".", ";"))) else ", "
        text = f"{text}{sep}{ln}" if text else ln
    text = address_digits(text)
    if punct:
        text = address_punctuation(text)
    out = respace(text, glued=ocr)
    return fix_ocr_words(out) if ocr else out


@pytest.mark.parametrize("lines", [
    ["NO.32 & 33.JALAN SR 1/9. SEKSYEN9.", "TAMAN SERDANG RAYA,", "43300 SERIKEMBANGAN.SELANGOR"],
    ["L0T 1851-A & 1851-B,JALAN KPB 6", "  ", "KAWASANPERINDUSTRIANBALAKONG", "4330O SERI"],
    ["Lot7,JalanMerbau 12/4", "TAMAN JA_AN ShahAlam", "TEL: 03-1234567"],
])
def test_memoised_address_rendering_matches_the_one_pass_rendering(lines):
    from extractors.invoice import render_address

    for punct in (True, False):
        for ocr in (True, False):
            for comma in (True, False):
                for _ in range(2):  # the second call is served from the caches
                    assert render_address(lines, punct, ocr, comma_join=comma) == \
                        _render_reference(lines, punct, ocr, comma)


def test_rounding_twins_mark_the_exact_and_the_rounded_total():
    values = [Decimal(v) for v in ("22.91", "-0.01", "22.90", "50.00", "27.10")]
    exact = rr._rounding_feats(Decimal("22.91"), values, True)
    rounded = rr._rounding_feats(Decimal("22.90"), values, True)
    cash = rr._rounding_feats(Decimal("50.00"), values, True)
    assert exact["exact_twin"] == 1.0 and exact["rounded_twin"] == 0.0
    assert rounded["rounded_twin"] == 1.0 and rounded["exact_twin"] == 0.0
    assert cash["rounded_twin"] == cash["exact_twin"] == 0.0  # no amount a few cents away
    assert cash["rank_value"] == 0.0 and exact["rank_value"] == 2.0  # 50.00, 27.10 above
    # no twin more than the widest adjustment away
    assert rr._rounding_feats(Decimal("22.95"), [Decimal("22.85")], False)["rounded_twin"] == 0.0


def test_row_cues_tell_street_region_and_contact_lines():
    street = rr.row_cue("NO 5, JALAN MAWAR, TAMAN BUNGA")
    region = rr.row_cue("40000 SHAH ALAM, SELANGOR")
    contact = rr.row_cue("TEL: 03-5566 7788")
    assert street.street > 0.3 and not street.contact and not street.postcode
    assert region.postcode and region.region_end and not region.contact
    assert contact.contact and contact.street == 0.0


def test_address_block_features_see_the_lines_around_the_run():
    rows = ["KEDAI PARKIR SDN BHD", "NO 5, JALAN MAWAR,", "TAMAN BUNGA,", "40000 SHAH ALAM, SELANGOR",
            "TEL: 03-5566 7788", "Date 02/03/2018", "Total 12.50", *["Thank you"] * 8]
    rc = receipt_candidates(_till(rows), {})
    block = [c for c in rc.by_field["vendor_address"]
             if c.feats["start"] == 1 and c.feats["n_lines"] == 3]
    short = [c for c in rc.by_field["vendor_address"]
             if c.feats["start"] == 1 and c.feats["n_lines"] == 2]
    assert block and short
    f, g = block[0].feats, short[0].feats
    assert f["suffix_prev"] == 1.0 and f["contact_next"] == 1.0 and f["region_last_end"] == 1.0
    assert f["rows_to_contact"] == 0.0 and f["contact_in"] == 0.0
    assert g["contact_next"] == 0.0 and g["postcode_next"] == 1.0 and g["rows_to_contact"] == 1.0


def test_address_lines_drop_ocr_specks_and_bars():
    rows = ["KEDAI SDN BHD", "NO.128G JLN·SS21/35 DAMANSARA", "PUSAT DAGANGAN PH|LEO",
            "TEL 03-1234567", *["Thank you"] * 6]
    got = {c.normalized for c in receipt_candidates(_till(rows), {}).by_field["vendor_address"]}
    assert any("JLN SS21/35" in g and "PHILEO" in g for g in got), got
    assert not any("·" in g or "|" in g for g in got)



def test_name_candidates_read_yen_signs_and_ones_among_initials_as_letters():
    rows = ["MR. D.1.¥. (M) SDN BHD", "(860671-D)", "NO.1, JALAN MELATI", "TEL 03-1234567",
            "TOTAL ¥1200", *["Thank you"] * 6]
    doc = _till(rows)
    names = {c.normalized for c in receipt_candidates(doc, {}).by_field["vendor_name"]}
    assert any(scalar_match("vendor_name", "MR. D.I.Y. (M) SDN BHD", n) for n in names), names
    assert rr.ocr_marks("TOTAL ¥1200") == "TOTAL ¥1200"  # a price sign stays
    assert rr.ocr_marks("NO.1.JALAN") == "NO.1.JALAN"  # a house number is no initial

def test_platt_map_is_monotone_and_bounded():
    p = PlattMap(2.0, -0.5)
    ys = p.predict([0.0, 0.1, 0.5, 0.9, 1.0])
    assert all(0.0 < y < 1.0 for y in ys)
    assert ys == sorted(ys)


def test_calibration_is_fitted_and_chosen_out_of_fold():
    from training import receipt_fields as rf
    from training.ranking import DocCands

    # 40 receipts in 20 chains: the top score says how likely the pick is right
    docs = []
    for i in range(40):
        s = (i % 10) / 10 + 0.05
        right = int((i * 7) % 10 < s * 10)
        docs.append(DocCands("sroie", f"chain{i // 2}", "x", [{}, {}], [right, 0], None,
                             oof=[s, s / 2]))
    method, table = rf.pick_calibration("total_amount", docs, 0.0)
    assert method in rf.CALIBRATIONS and set(table) == set(rf.CALIBRATIONS)
    assert all(0.0 <= t["ece"] <= 1.0 for t in table.values())
    assert table[method]["ece"] == min(t["ece"] for t in table.values())
    picks = rf.oof_picks("total_amount", docs, 0.0, "platt")
    assert len(picks) == 40 and all(p.confidence is not None for p in picks)
    assert all(rr.CONF_FLOOR <= p.confidence <= rr.CONF_CEIL for p in picks)
    with pytest.raises(ValueError, match="unknown calibrator"):
        rf.fit_calibrator("beta", [0.1, 0.9], [0, 1])


def test_a_till_word_misread_by_one_letter_is_read_as_the_word():
    assert rr.till_text("Chenge : 91.50") == "change : 91.50"
    assert rr.till_text("Totel Amt Peyable : 8.50") == "total amt payable : 8.50"
    assert rr.till_text("Puayment -20.00") == "payment -20.00"
    # short words and words near no till word (or near two) stay as printed
    assert rr.till_text("Pald Cashier Charge") == "pald cashier charge"
    assert rr.till_word("Issued") == "issued"


_MISREAD_TILL = ["KEDAI PARKIR SDN BHD", "Date 01/02/2018", "Item one 8.50",
                 "Totel Amt Payable : 8.50", "Paid Amount : 100.00", "Chenge : 91.50"]


def test_till_arithmetic_holds_when_the_change_label_is_misread():
    rc = receipt_candidates(_till(_MISREAD_TILL), {})
    by = {c.normalized: c for c in rc.by_field["total_amount"]}
    assert by["8.50"].feats["closes_till"] == 1.0
    assert by["91.50"].feats["row_change"] == 1.0
    assert by["8.50"].feats.get("left=total") == 1.0


def test_total_and_date_features_do_not_follow_the_rules_pick():
    doc = _till(_MISREAD_TILL)
    rule = {"total_amount": "100.00", "invoice_date": "2018-02-01",
            "vendor_name": "KEDAI PARKIR SDN BHD"}
    plain, ruled = receipt_candidates(doc, {}), receipt_candidates(doc, rule)
    for name in ("total_amount", "invoice_date"):
        assert name not in rr.RULE_FEATURE_FIELDS
        assert [c.feats for c in plain.by_field[name]] == [c.feats for c in ruled.by_field[name]]
    assert any(c.feats["rule_same"] for c in ruled.by_field["vendor_name"])


_US_CHECK = ["THE BLUE HERON GRILL", "{street}", "Portland, ME 04101", "(207) 555-0143", "",
             "Server: Jenna        Table 12", "Check #4418          Guests: 2",
             "11/21/2026 7:42 PM", "", "1 Clam Chowder              8.50",
             "1 Lobster Roll             27.00", "2 Draft IPA                14.00", "",
             "Subtotal                   49.50", "Tax                         4.08",
             "Total                      53.58", "", "Thank you for dining with us!"]


def _us_check(tmp_path, street: str):
    """`_US_CHECK` with `street` under the name, printed on a till roll in Courier."""
    return pdf_from_lines(tmp_path / "check.pdf", [ln.format(street=street) for ln in _US_CHECK],
                          size=(300, 600), font="Courier")


@pytest.mark.parametrize("street", ["221 Harbor Ave", "45 Lakeview Dr", "88 Coastal Hwy",
                                    "77 Harbor Way", "500 Market St Ste 4"])
def test_a_us_check_with_an_abbreviated_street_keeps_its_vendor_and_address(tmp_path, street):
    # USPS suffix abbreviations ("Ave", "Dr", "Hwy") are street lines as much as "Avenue":
    # without them the line under the name looked like no address, and on a check printed
    # at the top of a tall page the name went unread
    doc = _us_check(tmp_path, street)
    got = extract_invoice(doc, "receipt")
    assert got["vendor_name"].normalized == "THE BLUE HERON GRILL"
    assert street in got["vendor_address"].normalized


@pytest.mark.parametrize("line", ["Hauptstraße 5", "Lindenweg 3", "Bahnhofplatz 1",
                                  "221 Harbor Ave", "45 Lakeview Dr"])
def test_street_words_read_abbreviations_and_german_compounds(line):
    assert _ADDR.search(line)
    assert not _ADDR.search("Unit price") and not _ADDR.search("Norwegian salmon")


_REWE = ["REWE Markt GmbH", "Bahnhofstr. 12", "50667 Köln", "UID Nr.: DE812706034", "", "EUR",
         "BANANE CHIQUITA              1,49 A", "H-MILCH 1,5%                 0,99 A",
         "VOLLKORNBROT                 2,29 B", "--------------------------------",
         "SUMME                  EUR   4,77", "Geg. BAR               EUR  10,00",
         "Rückgeld BAR           EUR   5,23", "",
         "Datum: 07.11.2026  Uhrzeit: 18:42:13  Bon-Nr.: 2291"]


def test_a_german_till_receipts_learned_address_is_its_street_and_town(tmp_path):
    """The address ranker learns German till receipts' address blocks from generated ones
    with their address as truth: an item line under the tax number had been taken (0.62)."""
    doc = pdf_from_lines(tmp_path / "bon.pdf", _REWE, size=(300, 600))
    addr = extract_invoice(doc, "receipt")["vendor_address"].normalized
    assert "Bahnhofstr" in addr and "Köln" in addr
    assert "BANANE" not in addr and "UID" not in addr


def test_a_us_checks_address_runs_to_its_town_line(tmp_path):
    doc = _us_check(tmp_path, "1450 Broadway St")
    addr = extract_invoice(doc, "receipt")["vendor_address"].normalized
    assert "1450 Broadway St" in addr and "Portland, ME 04101" in addr


def test_a_checks_number_sign_is_not_part_of_its_number(tmp_path):
    # "Check #4418": the "#" is the label's number sign (it had come out as "#4418")
    doc = _us_check(tmp_path, "221 Harbor Ave")
    assert extract_invoice(doc, "receipt")["invoice_number"].normalized == "4418"


def test_a_phone_number_under_the_address_is_no_receipt_number(tmp_path):
    # "(773) 555-0199" on its own line had given "555-0199" as the receipt's number (0.50)
    doc = pdf_from_lines(tmp_path / "pizza.pdf", [
        "MARIO'S PIZZERIA", "1820 W Belmont Ave", "Chicago, IL 60657", "(773) 555-0199", "",
        "Order #: 318", "Server: Tony", "12/01/2026  6:48 PM", "",
        "1 Large Pepperoni      18.99", "2 Garlic Knots          9.98", "",
        "Subtotal              28.97", "Sales Tax 10.25%        2.97",
        "Total                 31.94"], size=(300, 600), font="Courier")
    got = extract_invoice(doc, "receipt")
    assert got["total_amount"].normalized == "31.94"
    number = got.get("invoice_number")
    assert number is None or "0199" not in number.normalized


def test_a_german_receipts_bare_beleg_label_names_its_number(tmp_path):
    # "Beleg 58213" (no "Nr."): a till receipt's own number; none had been reported
    doc = pdf_from_lines(tmp_path / "drogerie.pdf", [
        "Drogerie Schäfer", "Marktplatz 3", "69117 Heidelberg", "Tel. 06221 123456", "",
        "Zahnpasta Sensitive        2,45 A", "Duschgel 250ml             1,95 A",
        "Summe EUR                  4,40", "", "Kartenzahlung girocard    4,40", "",
        "Datum 01.12.2026 Zeit 10:14 Beleg 58213 Kasse 2"], size=(300, 600))
    got = extract_invoice(doc, "receipt")
    assert got["invoice_number"].normalized == "58213"
    assert got["total_amount"].normalized == "4.40"


def test_no_address_block_runs_into_an_item_row(tmp_path):
    # a drugstore receipt whose branch line sits right above its first item: the block had
    # run from the postcode into "Balea Duschgel Fresh  0,95 2"
    from extractors.invoice.layout import build_rows

    lines = ["dm-drogerie markt GmbH + Co. KG", "Carl-Metz-Straße 1", "76185 Karlsruhe",
             "Filiale 1234 Königstr. 27, Stuttgart",
             "Balea Duschgel Fresh                  0,95  2",
             "alverde Shampoo                       2,45  2",
             "SUMME EUR                            13,25", "14.11.26 18:32"]
    lay = build_rows(pdf_from_lines(tmp_path / "dm.pdf", lines).pages[0])
    texts = [c.normalized for c in rr.address_cands(lay, lambda ls, p, c: " ".join(ls))]
    assert any("Carl-Metz-Straße 1" in t for t in texts)
    assert not any("Balea" in t or "Shampoo" in t for t in texts)
    # a unit number in an address line is no price cell
    row = build_rows(pdf_from_lines(tmp_path / "a.pdf", ["LEVEL 3, UNIT 3.05"]).pages[0]).rows[0]
    assert not rr._item_row(row)
