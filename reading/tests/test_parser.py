"""The parser of French care bills, on texts as Tesseract or a PDF text layer gives them."""

from __future__ import annotations

from reading import parser

FEUILLE = """FEUILLE DE SOINS
Dr Claire Martin
Médecin généraliste
12 rue des Lilas 69003 Lyon
N° RPPS : 10101234564
Patient : Jean DURAND né le 02/05/1980
Date des soins : 14/03/2026
Acte : Consultation G
Honoraires : 30,00 €
Part Assurance Maladie : 19,00 €
Total payé : 30,00 €
"""


def value(fields, name):
    return fields[name]["value"] if name in fields else None


def test_a_feuille_de_soins_gives_date_amounts_rpps_practitioner_and_act():
    fields = parser.parse(FEUILLE)
    assert value(fields, "care_date") == "2026-03-14"  # not the birth date
    assert value(fields, "total") == "30.00" and value(fields, "currency") == "EUR"
    assert value(fields, "compulsory_paid") == "19.00"
    assert value(fields, "rpps") == "10101234564" and fields["rpps"]["checked"]
    assert fields["rpps"]["confidence"] > 0.9
    assert value(fields, "practitioner") == "Claire Martin"
    assert value(fields, "specialty") == "médecin généraliste"
    assert value(fields, "act") == "GP_CONSULTATION"
    assert all(0 <= f["confidence"] <= 1 for f in fields.values())


def test_an_rpps_with_a_wrong_check_digit_is_kept_with_a_low_confidence():
    fields = parser.parse(FEUILLE.replace("10101234564", "10101234567"))
    assert value(fields, "rpps") == "10101234567"
    assert not fields["rpps"]["checked"] and fields["rpps"]["confidence"] < 0.5


def test_ocr_confusions_inside_identifiers_are_corrected():
    fields = parser.parse("RPPS: 1O1O1234 564\nTotal : 12,00 €")
    assert value(fields, "rpps") == "10101234564"


def test_pharmacy_ticket_finess_siret_and_total_not_the_compulsory_part():
    text = """PHARMACIE DU CENTRE
N° FINESS : 313740680
SIRET : 732 829 320 00074
Ticket du 2 mars 2026
Doliprane 1000 mg boîte de 8   2,18 €
Part AMO : 8,87 €
Total TTC : 13,65 €"""
    fields = parser.parse(text)
    assert value(fields, "finess") == "313740680" and fields["finess"]["checked"]
    assert value(fields, "siret") == "73282932000074" and fields["siret"]["checked"]
    assert value(fields, "care_date") == "2026-03-02"
    assert value(fields, "total") == "13.65"
    assert value(fields, "compulsory_paid") == "8.87"
    assert value(fields, "act") == "PHARMACY"


def test_optician_and_dentist_acts_map_to_the_contracts_categories():
    assert value(parser.parse("Monture 120,00 €\nVerres 240,00 €\nNet à payer : 360,00 €"), "act") == "OPTICS_GLASSES"
    assert value(parser.parse("Couronne céramo-métallique dent 36"), "act") == "DENTAL_PROSTHESIS"
    assert value(parser.parse("Audioprothésiste\nAide auditive droite"), "act") == "HEARING_AIDS"
    assert value(parser.parse("Dermatologue\nConsultation APC"), "act") == "SPECIALIST_CONSULTATION"


def test_a_foreign_bill_gives_its_currency_amount_and_english_date():
    text = "CITY MEDICAL CLINIC\nDoctor Karim Roux\nDate of service: 05 March 2026\nTotal due: £185.50\n"
    fields = parser.parse(text)
    assert value(fields, "currency") == "GBP"
    assert value(fields, "total") == "185.50"
    assert value(fields, "care_date") == "2026-03-05"
    assert value(fields, "practitioner") == "Karim Roux"


def test_amounts_with_thousands_separators_and_an_adeli():
    fields = parser.parse("ADELI : 751234567\nTotal payé : 1 250,00 €")
    assert value(fields, "total") == "1250.00"
    assert value(fields, "adeli") == "751234567"


def test_nothing_recognisable_gives_no_field_but_the_default_currency():
    fields = parser.parse("lorem ipsum")
    assert set(fields) == {"currency"} and fields["currency"]["confidence"] <= 0.5
