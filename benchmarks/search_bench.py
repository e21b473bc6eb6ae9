"""Contract-search benchmark: clause recall on CUAD and latency at 10k/100k chunks.

    .venv/bin/python benchmarks/search_bench.py recall  [--corpus ../shared/corpus/cuad]
    .venv/bin/python benchmarks/search_bench.py latency [--sizes 10000 100000]

recall: indexes the CUAD contracts, then for each (contract, category) that has labelled
clause text asks a natural query for the category. A (contract, category) counts as found
when a top-10 hit overlaps a labelled passage (rapidfuzz partial_ratio >= 80 on normalised
text). "within" searches only that contract's chunks (document filter: how Legal uses it on
a contract page); "corpus" searches all contracts and needs a hit from that contract, and
precision@10 is the share of corpus-wide hits that overlap a labelled passage of their own
contract. Latency: synthetic chunks (texts generated here; vectors are real MiniLM vectors of
generated clauses plus noise, so HNSW sees a realistic spread without embedding 100k texts).
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.clauses import CLAUSE_TYPES  # noqa: E402
from search import SearchFilters  # noqa: E402
from search.chunking import Chunk  # noqa: E402
from search.index import SearchIndex  # noqa: E402

# One natural query per CUAD category, as a lawyer would type it.
QUERIES: dict[str, str] = {
    "Document Name": "agreement made and entered into by and between",
    "Parties": "agreement entered into by and between the parties",
    "Agreement Date": "this agreement is made and entered into as of the date",
    "Effective Date": "this agreement shall become effective as of the effective date",
    "Expiration Date": "term of the agreement expires",
    "Renewal Term": "automatically renew for successive renewal terms",
    "Notice Period To Terminate Renewal": "notice of non-renewal prior to the end of the term",
    "Governing Law": "governing law jurisdiction",
    "Most Favored Nation": "most favored customer pricing no less favorable terms",
    "Competitive Restriction Exception": "exception to non-compete or exclusivity restrictions",
    "Non-Compete": "shall not compete with competing business",
    "Exclusivity": "exclusive rights exclusively",
    "No-Solicit Of Customers": "shall not solicit customers",
    "No-Solicit Of Employees": "shall not solicit or hire employees",
    "Non-Disparagement": "shall not disparage or harm the reputation of the other party",
    "Termination For Convenience": "termination for convenience without cause upon notice",
    "Rofr/Rofo/Rofn": "right of first refusal first offer first negotiation",
    "Change Of Control": "change of control merger acquisition",
    "Anti-Assignment": "may not assign this agreement without prior written consent",
    "Revenue/Profit Sharing": "revenue sharing royalties percentage of net sales",
    "Price Restrictions": "price increase restrictions",
    "Minimum Commitment": "minimum purchase commitment",
    "Volume Restriction": "no more than a maximum number or quantity per year",
    "Ip Ownership Assignment": "intellectual property ownership assigned",
    "Joint Ip Ownership": "jointly owned intellectual property",
    "License Grant": "grants a license to use",
    "Non-Transferable License": "non-transferable non-sublicensable license",
    "Affiliate License-Licensor": "license granted by licensor affiliates",
    "Affiliate License-Licensee": "license extends to licensee affiliates",
    "Unlimited/All-You-Can-Eat-License": "unlimited usage license",
    "Irrevocable Or Perpetual License": "perpetual irrevocable license",
    "Source Code Escrow": "source code escrow",
    "Post-Termination Services": "obligations after termination transition services",
    "Audit Rights": "right to audit books and records",
    "Uncapped Liability": "liability not limited for breach of confidentiality indemnification",
    "Cap On Liability": "limitation of liability shall not exceed",
    "Liquidated Damages": "liquidated damages or fixed amount payable as a penalty",
    "Warranty Duration": "warranty period",
    "Insurance": "maintain insurance coverage",
    "Covenant Not To Sue": "shall not contest or challenge the validity of the rights",
    "Third Party Beneficiary": "third party beneficiaries",
}


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def passage_pieces(passages: list[str], min_chars: int = 40) -> list[str]:
    """CUAD marks a labelled span that skips text with "<omitted>": each side is a
    passage of its own (a chunk can hold one side without the other). Short pieces
    ("(a)") would match anywhere, so a piece needs `min_chars` unless it is all there is."""
    out = []
    for p in passages:
        parts = [x.strip() for x in p.split("<omitted>") if x.strip()]
        long = [x for x in parts if len(x) >= min_chars]
        out.extend(long or parts)
    return out


def overlaps(passages: list[str], text: str, threshold: float = 80.0) -> bool:
    from rapidfuzz import fuzz

    t = _norm(text)
    return any(fuzz.partial_ratio(_norm(p), t) >= threshold
               for p in passage_pieces(passages) if p.strip())


def read_doc(path: Path):
    try:
        from ingest import read_file

        return read_file(path)
    except Exception as exc:  # fallback: plain pypdf text
        print(f"ingest.read_file failed for {path.name} ({exc}); using pypdf", file=sys.stderr)
        from pypdf import PdfReader

        from ingest.types import IngestedDocument, Page

        pages = [
            Page(number=i + 1, width=612, height=792, text=p.extract_text() or "")
            for i, p in enumerate(PdfReader(str(path)).pages)
        ]
        return IngestedDocument(path.name, "", "application/pdf", path.stat().st_size, pages)


def recall(corpus: Path, k: int = 10, data_dir: Path | None = None) -> dict:
    """`data_dir`: reuse an index a previous run built there (skips the slow indexing)."""
    idx = SearchIndex(data_dir or Path(tempfile.mkdtemp(prefix="search-bench-")))
    print(f"index in {idx.data_dir}", file=sys.stderr)
    reuse = idx.count() > 0
    truth: dict[str, dict[str, list[str]]] = {}
    n_chunks, t_index, t_read = 0, 0.0, 0.0
    for pdf in sorted(corpus.glob("*.pdf")):
        tj = json.loads(pdf.with_suffix(".truth.json").read_text())
        ctx = {}
        for cat, raw in tj["source_fields"]["contexts"].items():
            vals = ast.literal_eval(raw) if isinstance(raw, str) and raw.startswith("[") else raw
            if vals and cat in QUERIES:
                ctx[cat] = [str(v) for v in vals]
        truth[pdf.stem] = ctx
        if reuse:
            continue
        t0 = time.perf_counter()
        doc = read_doc(pdf)
        t_read += time.perf_counter() - t0
        meta = {"doc_type": tj.get("doc_type"), "subtype": tj.get("subtype"), **tj["normalized"]}
        t0 = time.perf_counter()
        n_chunks += idx.index_document(pdf.stem, doc, meta)
        t_index += time.perf_counter() - t0
    if reuse:
        n_chunks, t_index = idx.count(), float("nan")
    else:
        print(
            f"indexed {len(truth)} docs, {n_chunks} chunks in {t_index:.1f}s "
            f"({n_chunks / t_index:.1f} chunks/s; read {t_read:.1f}s)",
            file=sys.stderr,
        )

    within: dict[str, list[bool]] = defaultdict(list)
    corpus_hit: dict[str, list[bool]] = defaultdict(list)
    prec: dict[str, list[float]] = defaultdict(list)
    for mode in ("hybrid",):
        by_cat: dict[str, list[str]] = defaultdict(list)
        for doc_id, ctx in truth.items():
            for cat in ctx:
                by_cat[cat].append(doc_id)
        for cat, doc_ids in by_cat.items():
            q = QUERIES[cat]
            hits = idx.search(q, k=k, mode=mode)
            good = [
                h.document_id in truth
                and cat in truth[h.document_id]
                and overlaps(truth[h.document_id][cat], h.text)
                for h in hits
            ]
            prec[cat].append(sum(good) / max(1, len(hits)))
            for doc_id in doc_ids:
                passages = truth[doc_id][cat]
                hs = idx.search(q, k=k, filters=SearchFilters(document_ids=[doc_id]), mode=mode)
                within[cat].append(any(overlaps(passages, h.text) for h in hs))
                corpus_hit[cat].append(
                    any(h.document_id == doc_id and overlaps(passages, h.text) for h in hits)
                )
    rows = []
    for cat in sorted(within, key=lambda c: -len(within[c])):
        rows.append(
            (
                cat,
                len(within[cat]),
                statistics.mean(within[cat]),
                statistics.mean(corpus_hit[cat]),
                statistics.mean(prec[cat]),
            )
        )
    print(f"{'category':38} {'n':>3} {'within@10':>9} {'corpus@10':>9} {'P@10':>6}")
    for cat, n, w, c, p in rows:
        print(f"{cat:38} {n:>3} {w:>9.2f} {c:>9.2f} {p:>6.2f}")
    all_w = [x for v in within.values() for x in v]
    all_c = [x for v in corpus_hit.values() for x in v]
    macro = statistics.mean(r[2] for r in rows)
    print(
        f"micro within@10 {statistics.mean(all_w):.3f}  macro within@10 {macro:.3f}  "
        f"micro corpus@10 {statistics.mean(all_c):.3f}  "
        f"categories >= 0.80 within: {sum(r[2] >= 0.8 for r in rows)}/{len(rows)}"
    )
    return {"chunks": n_chunks, "chunks_per_s": n_chunks / t_index, "rows": rows}


# ---------------------------------------------------------------- latency on synthetic chunks

_SUBJECTS = [
    "Supplier",
    "Customer",
    "Licensee",
    "Licensor",
    "Company",
    "Distributor",
    "Contractor",
    "Each party",
    "Neither party",
    "The Recipient",
]
_VERBS = [
    "shall indemnify",
    "may terminate",
    "shall not assign",
    "shall maintain",
    "shall pay",
    "may audit",
    "shall deliver",
    "grants a license to",
    "shall not disclose",
    "shall insure",
    "warrants to",
    "shall notify",
]
_OBJECTS = [
    "the Products",
    "all Confidential Information",
    "this Agreement",
    "the Territory",
    "the Services",
    "any Affiliate",
    "the Licensed Software",
    "the Purchase Price",
    "the books and records",
    "the Deliverables",
    "the Intellectual Property",
]
_TAILS = [
    "upon thirty (30) days prior written notice",
    "in accordance with Section {n}",
    "during the Term and for {n} years thereafter",
    "subject to the limitations herein",
    "without the prior written consent of the other party",
    "at its own expense",
    "under the laws of the State of {state}",
    "within {n} days after receipt of invoice",
]
_STATES = ["New York", "Delaware", "California", "Texas", "Illinois", "Nevada", "Ontario"]
_QUERIES = [
    "termination for convenience",
    "governing law",
    "limitation of liability",
    "audit rights",
    "assignment consent",
    "insurance coverage",
    "confidentiality",
    "exclusive license territory",
    "payment terms invoice",
    "indemnification",
]


# Zipf corpus: thousands of word types with a power-law frequency, so that posting lists look
# like real text (a few huge ones for function words, a long tail of rare ones), unlike the
# ~60-word template corpus above where every query term is in a large share of the chunks.
_FUNCTION_WORDS = (
    "the of and to or in any shall such be by this party agreement for as with on other that is"
    " not its all may under which an at from other than each hereunder written notice days be"
).split()
_LEGAL_WORDS = (
    "termination terminate convenience cause breach governing law laws jurisdiction courts state"
    " limitation liability damages indirect consequential exceed aggregate audit records books"
    " inspect assignment assign consent transfer successor insurance coverage insured policy"
    " confidential confidentiality disclose recipient information exclusive exclusivity license"
    " licensee licensor territory royalty royalties payment invoice fees pay indemnify"
    " indemnification losses claims warranty warrants defects term renewal renew expiration"
    " effective date non-compete compete solicit employees customers arbitration dispute"
    " intellectual property ownership escrow source code minimum purchase volume price most"
    " favored change control merger acquisition affiliate affiliates sublicense perpetual"
    " irrevocable beneficiary third liquidated penalty services deliverables products supplier"
    " customer distributor reseller marketing trademark patent force majeure notices amendment"
).split()


def zipf_vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    """Word types by frequency rank: function words, then legal terms spread over ranks
    20..800, then pronounceable pseudo-words filling up to `size`."""
    onsets, vowels, codas = "bcdfghklmnprstvw", "aeiou", ["", "n", "r", "s", "t", "l", "m"]
    pseudo: set[str] = set()
    while len(pseudo) < size:
        pseudo.add(
            "".join(
                rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                for _ in range(rng.randint(2, 4))
            )
        )
    words = [w for w in sorted(pseudo) if w not in _LEGAL_WORDS and w not in _FUNCTION_WORDS]
    rng.shuffle(words)
    vocab = list(dict.fromkeys(_FUNCTION_WORDS)) + words[: size - 200]
    for w in _LEGAL_WORDS:
        vocab.insert(rng.randint(20, 800), w)
    return vocab[:size]


class ZipfText:
    """Chunks of 60..220 words drawn with P(rank r) ~ 1 / r**1.07 (Zipf, as in English)."""

    def __init__(self, rng: random.Random, size: int = 5000, s: float = 1.07) -> None:
        self.rng = rng
        self.vocab = zipf_vocabulary(rng, size)
        weights = [1.0 / (r + 1) ** s for r in range(len(self.vocab))]
        total = sum(weights)
        acc, self.cum = 0.0, []
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    def __call__(self, rng: random.Random) -> str:
        words = rng.choices(self.vocab, cum_weights=self.cum, k=rng.randint(60, 220))
        for i in range(0, len(words), rng.randint(12, 25)):
            words[i] = words[i].capitalize()
        return f"{rng.randint(1, 30)}.{rng.randint(1, 9)} " + " ".join(words) + "."


def synth_text(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(3, 7)):
        tail = rng.choice(_TAILS).format(n=rng.randint(2, 90), state=rng.choice(_STATES))
        out.append(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {tail}.")
    return f"{rng.randint(1, 30)}.{rng.randint(1, 9)} " + " ".join(out)


def latency(sizes: list[int], n_queries: int = 60, pool: int = 400, text: str = "zipf") -> None:
    """`text`: "zipf" (realistic term statistics) or "templates" (the ~60-word corpus)."""
    rng = random.Random(7)
    nprng = np.random.default_rng(7)
    gen = ZipfText(random.Random(11)) if text == "zipf" else synth_text
    idx = SearchIndex(Path(tempfile.mkdtemp(prefix="search-lat-")))
    texts_pool = [gen(rng) for _ in range(pool)]
    t0 = time.perf_counter()
    vec_pool = idx.encoder.encode(texts_pool)
    enc_s = time.perf_counter() - t0
    print(
        f"encoder: {pool / enc_s:.1f} chunks/s (synthetic ~{np.mean([len(t) for t in texts_pool]):.0f}"
        " chars)",
        file=sys.stderr,
    )
    have = 0
    for size in sorted(sizes):
        t0 = time.perf_counter()
        while have < size:
            n = min(5000, size - have)
            chunks, vecs = [], []
            for i in range(have, have + n):
                j = rng.randrange(pool)
                doc = f"syn{i // 50}"
                md = {
                    "document_id": doc,
                    "filename": f"{doc}.pdf",
                    "doc_type": "contract",
                    "subtype": rng.choice(["msa", "nda", "license"]),
                    "parties": "Acme | Beta",
                    "page": 1 + (i % 50) // 5,
                    "chunk_index": i % 50,
                    "char_start": 0,
                    "char_end": 0,
                    "clause_types": "",
                    "effective_date": 20200101 + i % 28,
                }
                # ~2 clause-type scores per chunk, like tagged contracts, so the clause-type
                # list costs what it would in production.
                types = rng.sample(CLAUSE_TYPES, rng.choice((0, 1, 2, 2, 3, 4)))
                scores = {t: round(rng.uniform(0.02, 1.0), 4) for t in types}
                chunks.append(Chunk(f"{doc}:{i % 50}", gen(rng), md, scores))
                v = vec_pool[j] + nprng.normal(0, 0.02, vec_pool.shape[1]).astype(np.float32)
                vecs.append(v / np.linalg.norm(v))
            idx.add_chunks(chunks, embeddings=np.stack(vecs))
            have += n
        load_s = time.perf_counter() - t0
        for mode, filt in (
            ("hybrid", None),
            ("semantic", None),
            ("keyword", None),
            ("hybrid", SearchFilters(subtype="nda", effective_from="2020-01-10")),
        ):
            lat = []
            for qi in range(n_queries):
                q = _QUERIES[qi % len(_QUERIES)] + ("" if qi < len(_QUERIES) else f" {qi}")
                t1 = time.perf_counter()
                idx.search(q, k=10, filters=filt, mode=mode)
                lat.append((time.perf_counter() - t1) * 1000)
            lat.sort()
            p50 = lat[len(lat) // 2]
            p95 = lat[int(len(lat) * 0.95) - 1]
            print(
                f"{text:9} {size:>7} chunks  {mode:8} {'filtered' if filt else '        '} "
                f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms   (bulk load {load_s:.0f}s)"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("recall", "latency", "all"))
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "cuad")
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse/keep the recall index")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--text", choices=("zipf", "templates", "both"), default="both",
                    help="synthetic chunk texts for the latency run")
    args = ap.parse_args()
    if args.what in ("recall", "all"):
        recall(args.corpus, data_dir=args.data_dir)
    if args.what in ("latency", "all"):
        for kind in ("zipf", "templates") if args.text == "both" else (args.text,):
            latency(args.sizes, text=kind)


if __name__ == "__main__":
    main()
