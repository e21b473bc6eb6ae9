"""The kinds the receipt error study puts a missed name or address in."""

from training.receipt_errors import ErrorKind, kind_of


def test_kinds_of_difference():
    truth = "LOT 3, JALAN PELABUR 23/1, 40300 SHAH ALAM, SELANGOR."
    assert kind_of(truth, None) is ErrorKind.NONE
    assert kind_of(truth, "Lot 3 Jalan Pelabur 23/1, 40300 Shah Alam, Selangor") \
        is ErrorKind.PUNCTUATION
    assert kind_of(truth, "LOT 3, JALAN PELABUR 23/1, 40800 SHAH ALAM, SELANGOR.") \
        is ErrorKind.DIGIT
    assert kind_of(truth, "LOT 3, JALAN PELABUR 23/1, 40300 SNAH ALAM, SELANGOR.") \
        is ErrorKind.LETTER
    assert kind_of(truth, "LOT 3, JALAN PELABUR 23/1") is ErrorKind.FAR


def test_punctuation_diff_names_each_mark_and_the_line_end():
    from training.receipt_errors import punctuation_diff

    assert punctuation_diff("JALAN 1, 43800 DENGKIL", "JALAN 1, 43800 DENGKIL.") == {"+.$": 1}
    assert punctuation_diff("JALAN 1, 43800 DENGKIL.", "JALAN 1 43800 DENGKIL") == \
        {"-,": 1, "-.$": 1}
