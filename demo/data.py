"""Reference tables the demo insurer is drawn from: places, firms and practices.

Company, agent and practice names are invented; cities, postcodes, departments and
coordinates are real so that addresses, NIR birthplaces and distance searches look right.
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.choices import ProfessionalKind, Specialty

# (city, postcode, department) — where members live and were born.
FRENCH_CITIES = (
    ("Paris", "75011", "75"),
    ("Paris", "75015", "75"),
    ("Paris", "75018", "75"),
    ("Lyon", "69003", "69"),
    ("Villeurbanne", "69100", "69"),
    ("Marseille", "13006", "13"),
    ("Aix-en-Provence", "13100", "13"),
    ("Toulouse", "31000", "31"),
    ("Nice", "06000", "06"),
    ("Nantes", "44000", "44"),
    ("Strasbourg", "67000", "67"),
    ("Montpellier", "34000", "34"),
    ("Bordeaux", "33000", "33"),
    ("Lille", "59000", "59"),
    ("Rennes", "35000", "35"),
    ("Reims", "51100", "51"),
    ("Le Havre", "76600", "76"),
    ("Rouen", "76000", "76"),
    ("Saint-Étienne", "42000", "42"),
    ("Toulon", "83000", "83"),
    ("Grenoble", "38000", "38"),
    ("Dijon", "21000", "21"),
    ("Angers", "49000", "49"),
    ("Nîmes", "30000", "30"),
    ("Clermont-Ferrand", "63000", "63"),
    ("Le Mans", "72000", "72"),
    ("Brest", "29200", "29"),
    ("Tours", "37000", "37"),
    ("Amiens", "80000", "80"),
    ("Limoges", "87000", "87"),
    ("Boulogne-Billancourt", "92100", "92"),
    ("Montreuil", "93100", "93"),
    ("Créteil", "94000", "94"),
    ("Versailles", "78000", "78"),
    ("Metz", "57000", "57"),
    ("Nancy", "54000", "54"),
    ("Besançon", "25000", "25"),
    ("Perpignan", "66000", "66"),
    ("Orléans", "45000", "45"),
    ("Caen", "14000", "14"),
    ("Pau", "64000", "64"),
    ("La Rochelle", "17000", "17"),
)


@dataclass(frozen=True)
class Destination:
    """A country expatriates live in, a city there and the Faker locale its street names come from."""

    country: str
    city: str
    postcode: str
    locale: str
    weight: int


EXPAT_DESTINATIONS = (
    Destination("BE", "Bruxelles", "1050", "fr_FR", 6),
    Destination("GB", "London", "SW7 2AZ", "en_GB", 6),
    Destination("DE", "Berlin", "10115", "de_DE", 4),
    Destination("ES", "Madrid", "28001", "es_ES", 4),
    Destination("LU", "Luxembourg", "L-1931", "fr_FR", 3),
    Destination("PT", "Lisboa", "1200-195", "pt_PT", 3),
    Destination("MA", "Casablanca", "20000", "fr_FR", 4),
    Destination("SN", "Dakar", "10200", "fr_FR", 3),
    Destination("CI", "Abidjan", "", "fr_FR", 2),
    Destination("TN", "Tunis", "1002", "fr_FR", 2),
    Destination("AE", "Dubai", "", "en_GB", 4),
    Destination("CN", "Shanghai", "200031", "en_GB", 3),
    Destination("TH", "Bangkok", "10110", "en_GB", 2),
    Destination("VN", "Hô Chi Minh-Ville", "700000", "fr_FR", 2),
    Destination("BR", "São Paulo", "01310-100", "pt_BR", 2),
    Destination("MX", "Ciudad de México", "06600", "es_MX", 2),
    Destination("AU", "Sydney NSW", "2000", "en_AU", 2),
    Destination("US", "New York NY", "10022", "en_US", 5),
    Destination("CA", "Montréal QC", "H3B 1A7", "fr_CA", 4),
    Destination("CH", "Genève", "1201", "fr_CH", 5),
    Destination("SG", "Singapore", "018956", "en_GB", 3),
    Destination("HK", "Hong Kong", "", "en_GB", 2),
    Destination("JP", "Tokyo", "106-0032", "en_GB", 2),
)


@dataclass(frozen=True)
class CompanySpec:
    """A demo employer and the collective contracts it holds (catalogue product codes)."""

    name: str
    city: str
    postcode: str
    health: str
    welfare: str = ""
    expat: str = ""
    expat_zone: str = ""


COMPANIES = (
    CompanySpec(
        "Boulangeries Lemoine SAS", "Lyon", "69003", "SANTE_ENTREPRISE_SOCLE", "PREVOYANCE_ENTREPRISE_NON_CADRES"
    ),
    CompanySpec(
        "Cabinet Moreau & Associés Avocats",
        "Paris",
        "75008",
        "SANTE_ENTREPRISE_RENFORT",
        "PREVOYANCE_ENTREPRISE_CADRES",
    ),
    CompanySpec(
        "Transports Guérin et Fils", "Rennes", "35000", "SANTE_ENTREPRISE_SOCLE", "PREVOYANCE_ENTREPRISE_NON_CADRES"
    ),
    CompanySpec("Atelier Numérique du Rhône", "Villeurbanne", "69100", "SANTE_ENTREPRISE_RENFORT"),
    CompanySpec("Hôtels du Littoral SA", "Nice", "06000", "SANTE_ENTREPRISE_SOCLE", "PREVOYANCE_ENTREPRISE_NON_CADRES"),
    CompanySpec("Menuiseries Aquitaine Bâtiment", "Bordeaux", "33000", "SANTE_ENTREPRISE_SOCLE"),
    CompanySpec(
        "Laboratoires Delmas-Verdier",
        "Montpellier",
        "34000",
        "SANTE_ENTREPRISE_RENFORT",
        "PREVOYANCE_ENTREPRISE_CADRES",
    ),
    CompanySpec(
        "Ingénierie Sorel & Partenaires",
        "Toulouse",
        "31000",
        "SANTE_ENTREPRISE_RENFORT",
        "",
        "EXPAT_PREMIER_EURO_CONFORT",
        "Z2",
    ),
    CompanySpec(
        "Maritime Export Services",
        "Le Havre",
        "76600",
        "SANTE_ENTREPRISE_SOCLE",
        "",
        "EXPAT_CFE_CONFORT",
        "Z1",
    ),
    CompanySpec(
        "Groupe Vernelle Conseil",
        "Paris",
        "75009",
        "SANTE_ENTREPRISE_RENFORT",
        "PREVOYANCE_ENTREPRISE_CADRES",
        "EXPAT_PREMIER_EURO_CONFORT",
        "Z3",
    ),
)


@dataclass(frozen=True)
class AgentSpec:
    name: str
    orias: str
    city: str
    postcode: str


AGENTS = (
    AgentSpec("Cabinet Lefèvre Courtage", "07023456", "Paris", "75017"),
    AgentSpec("Garnier & Associés Assurances", "11054321", "Lyon", "69006"),
    AgentSpec("Expat Conseil Partenaires", "13007788", "Paris", "75002"),
)

# (postcode, city, latitude, longitude) of Paris-area neighbourhoods professionals practise in.
PARIS_AREA = (
    ("75011", "Paris", 48.8591, 2.3800),
    ("75012", "Paris", 48.8397, 2.3883),
    ("75015", "Paris", 48.8401, 2.2930),
    ("75017", "Paris", 48.8873, 2.3067),
    ("75005", "Paris", 48.8445, 2.3507),
    ("75009", "Paris", 48.8769, 2.3375),
    ("75014", "Paris", 48.8292, 2.3266),
    ("75008", "Paris", 48.8727, 2.3125),
    ("75018", "Paris", 48.8925, 2.3484),
    ("75020", "Paris", 48.8634, 2.4011),
    ("92100", "Boulogne-Billancourt", 48.8353, 2.2400),
    ("92130", "Issy-les-Moulineaux", 48.8245, 2.2700),
    ("93100", "Montreuil", 48.8638, 2.4485),
    ("75012", "Paris", 48.8530, 2.3690),
    ("75020", "Paris", 48.8485, 2.3960),
    ("75011", "Paris", 48.8675, 2.3636),
    ("94300", "Vincennes", 48.8474, 2.4390),
    ("75010", "Paris", 48.8761, 2.3607),
    ("75006", "Paris", 48.8431, 2.3240),
    ("75017", "Paris", 48.8800, 2.3090),
)


@dataclass(frozen=True)
class ProfessionalSpec:
    kind: str
    specialty: str
    name: str
    register: str  # "rpps", "adeli" or "finess"
    partner: bool = True


_P, _F = ProfessionalKind.PRACTITIONER, ProfessionalKind.FACILITY
PROFESSIONALS = (
    ProfessionalSpec(_P, Specialty.GENERAL_PRACTICE, "Dr Claire Morel", "rpps"),
    ProfessionalSpec(_P, Specialty.GENERAL_PRACTICE, "Dr Julien Bernard", "rpps"),
    ProfessionalSpec(_P, Specialty.GENERAL_PRACTICE, "Dr Nadia Haddad", "rpps"),
    ProfessionalSpec(_P, Specialty.PAEDIATRICS, "Dr Sophie Lambert", "rpps"),
    ProfessionalSpec(_P, Specialty.GYNAECOLOGY, "Dr Hélène Roussel", "rpps"),
    ProfessionalSpec(_P, Specialty.OPHTHALMOLOGY, "Dr Marc Fontaine", "rpps"),
    ProfessionalSpec(_P, Specialty.DERMATOLOGY, "Dr Isabelle Caron", "rpps", partner=False),
    ProfessionalSpec(_P, Specialty.CARDIOLOGY, "Dr Thomas Girard", "rpps", partner=False),
    ProfessionalSpec(_P, Specialty.DENTISTRY, "Dr Antoine Mercier", "rpps"),
    ProfessionalSpec(_P, Specialty.DENTISTRY, "Dr Léa Dupuis", "rpps"),
    ProfessionalSpec(_P, Specialty.PHYSIOTHERAPY, "Camille Perrin, masseur-kinésithérapeute", "rpps"),
    ProfessionalSpec(_P, Specialty.NURSING, "Élodie Vasseur, infirmière", "rpps"),
    ProfessionalSpec(_P, Specialty.OSTEOPATHY, "Paul Renaud, ostéopathe", "adeli", partner=False),
    ProfessionalSpec(_P, Specialty.OPTICS, "Optique Bastille – Marie Colin", "adeli"),
    ProfessionalSpec(_P, Specialty.AUDIOLOGY, "Audition Nation – Karim Benali", "adeli"),
    ProfessionalSpec(_F, Specialty.PHARMACY, "Pharmacie de la République", "finess"),
    ProfessionalSpec(_F, Specialty.PHARMACY, "Grande Pharmacie de Vincennes", "finess"),
    ProfessionalSpec(_F, Specialty.LABORATORY, "Laboratoire BioParis Est", "finess"),
    ProfessionalSpec(_F, Specialty.RADIOLOGY, "Centre d'imagerie médicale Montparnasse", "finess"),
    ProfessionalSpec(_F, Specialty.HOSPITAL, "Clinique du Parc Monceau", "finess"),
)

EMAIL_DOMAINS = ("example.org", "example.com", "example.net")
