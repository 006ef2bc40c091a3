"""A handful of clean generated bills read end to end (OCR and text layer): date, total and practitioner id."""

from __future__ import annotations

import random

from reading import corpus, extraction, parser


def test_clean_generated_bills_are_read():
    rng = random.Random(15)  # noqa: S311
    bills = [corpus.make_bill(kind, rng) for kind in ("feuille_de_soins", "dentist", "pharmacy", "optician")]
    cases = [
        (corpus.encode(corpus.render_image(bills[0]), "png"), "png"),
        (corpus.encode(corpus.render_image(bills[1]), "jpeg", 85), "jpeg"),
        (corpus.render_pdf(bills[2]), "pdf"),
        (corpus.render_pdf(bills[3]), "pdf"),
    ]
    for bill, (data, kind) in zip(bills, cases, strict=True):
        fields = parser.parse(extraction.extract(data, kind=kind).text)
        ident = next(fields[k]["value"] for k in ("rpps", "finess", "siret") if k in fields)
        assert fields["care_date"]["value"] == bill.expected["care_date"], bill.kind
        assert fields["total"]["value"] == bill.expected["total"], bill.kind
        assert ident == bill.expected["ident"], bill.kind
        assert fields["act"]["value"] == bill.expected["act"], bill.kind
