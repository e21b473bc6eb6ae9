"""TRAIN is found relative to the repository, and folds keep a filer in one fold."""

from pathlib import Path

import pytest

from evaluation.corpus import CorpusDoc
from training.docs import REPO, TRAIN_DIR, filer_group, labelled_docs


def test_train_split_is_beside_the_repository():
    assert TRAIN_DIR == REPO.parent / "shared" / "train"
    if not TRAIN_DIR.is_dir():
        pytest.skip(f"TRAIN split not found at {TRAIN_DIR} (expected ../shared/train)")
    assert any(TRAIN_DIR.glob("*/*.truth.json"))


def test_missing_split_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="../shared/train"):
        next(labelled_docs(tmp_path / "nowhere"))


def _cd(source, name, fields):
    return CorpusDoc(source, Path(name), Path(name + ".truth.json"), {"normalized": fields})


def test_one_filer_one_group():
    a = _cd("cuad", "ACMEINC_01_02_2003-EX-10.1-SUPPLY.pdf", {})
    b = _cd("cuad", "ACMEINC_05_06_2007-EX-10.2-LICENSE.pdf", {})
    assert filer_group(a) == filer_group(b) != filer_group(_cd("cuad", "OTHER_X.pdf", {}))
    r1 = _cd("sroie", "s1.jpg", {"vendor_name": "ACME MART SDN BHD"})
    r2 = _cd("sroie", "s2.jpg", {"vendor_name": "Acme Mart Sdn. Bhd."})
    assert filer_group(r1) == filer_group(r2)
