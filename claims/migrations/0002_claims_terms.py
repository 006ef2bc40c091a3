"""The first version of the online claims service's terms (adapted from seed 002), in French and English."""

from datetime import UTC, datetime

from django.db import migrations

VERSION = "CLAIMS-2026-01"

BODY_EN = """Article 1 – Purpose
These terms describe the conditions of access to and use of the online claims service for the reimbursement of
healthcare expenses (the "Service"). The Service makes claiming faster and simpler by handling requests online.

Article 2 – Definitions
Beneficiary: the subscriber of a healthcare contract or a member of their family covered by it.
CFE: the Caisse des Français de l'Étranger, which covers French expatriates as the compulsory scheme does.
User: the person authorised to access the Service.

Article 3 – Access and use
Access is free and optional, and open to subscribers. From the customer area, "Make a claim" then "Request a
healthcare reimbursement", the User completes the online form. A claim holds at most 10 care items. The Service
takes bills of less than 500 euros, excluding hospitalisation and thermal cures, which go through a request.
For each care item the User uploads 1 to 5 supporting documents, scanned or photographed (including with a
smartphone), legible and complete. Any editing of supporting documents is strictly prohibited.
By uploading, the User authorises the insurer and the CFE to store the information to process the claim. The User
keeps the original bills for at least 2 years from the claim, during which the insurer or the CFE may ask for them.
The User sees a summary before validating. A claim is then "In progress", "Validated" (wholly or partly: some care
items may be refused) or "Rejected" (documents missing, illegible or inappropriate, or rights expired).

Article 4 – Probative force
The User does not contest the admissibility, validity or probative force of electronic records because of their
electronic nature; unless proved otherwise they have the force of original written documents.

Article 5 – Suspension and termination
After repeated failures to comply with these terms, in particular the legibility and integrity of the documents
sent, access to the Service may be suspended; while it is, the User's online claims are refused. Access may be
terminated for illicit or fraudulent use, or when the person is no longer a beneficiary; the customer area then
stays open for two years.

Article 6 – Personal data
The data collected is needed to provide the Service and is used by the insurer and the CFE only. The User may
exercise their rights of access, rectification, erasure and opposition from the customer area or by writing to
the data protection officer. Data is kept for two years after the end of the contractual relationship and is
processed in France.

Article 7 – Customer area
These terms supplement the general terms of use of the customer area.

Article 8 – Applicable law
These terms are subject to French law; only the French version is binding.
"""

BODY_FR = """Article 1 – Objet
Les présentes conditions décrivent l'accès et l'utilisation du service de demande de remboursement de frais de
santé en ligne (le « Service »), qui rend la demande plus rapide et plus simple en la dématérialisant.

Article 2 – Définitions
Bénéficiaire : l'adhérent d'un contrat frais de santé ou un membre de sa famille couvert par ce contrat.
CFE : la Caisse des Français de l'Étranger, qui couvre les expatriés comme le régime obligatoire.
Utilisateur : la personne autorisée à accéder au Service.

Article 3 – Accès et utilisation
L'accès est gratuit et facultatif, réservé aux adhérents. Depuis l'espace client, « Faire une demande » puis
« Demander un remboursement de soins », l'Utilisateur remplit le formulaire en ligne. Une demande comporte au plus
10 actes de soins. Le Service accepte les factures de moins de 500 euros, hors hospitalisation et cures thermales,
qui passent par une demande (démarche).
Pour chaque acte, l'Utilisateur joint 1 à 5 justificatifs, numérisés ou photographiés (y compris avec un
smartphone), lisibles et complets. Toute retouche des justificatifs est strictement interdite.
Par l'envoi, l'Utilisateur autorise l'assureur et la CFE à conserver ces informations pour traiter la demande. Il
conserve les originaux au moins 2 ans à compter de la demande, période pendant laquelle l'assureur ou la CFE peuvent
les lui réclamer.
Un récapitulatif est présenté avant la validation. La demande est ensuite « En cours », « Validée » (en tout ou
partie : certains actes peuvent être refusés) ou « Rejetée » (justificatifs manquants, illisibles ou inadaptés,
droits expirés).

Article 4 – Force probante
L'Utilisateur ne conteste pas la recevabilité, la validité ou la force probante des éléments électroniques en
raison de leur nature électronique ; sauf preuve contraire, ils valent comme des originaux écrits.

Article 5 – Suspension et résiliation
En cas de manquements répétés, notamment à la lisibilité et à l'intégrité des justificatifs, l'accès au Service
peut être suspendu ; pendant la suspension, les demandes en ligne de l'Utilisateur sont refusées. L'accès peut être
résilié en cas d'usage illicite ou frauduleux, ou lorsque la personne n'est plus bénéficiaire ; l'espace client
reste alors ouvert deux ans.

Article 6 – Données personnelles
Les données collectées sont nécessaires au Service et ne sont utilisées que par l'assureur et la CFE.
L'Utilisateur exerce ses droits d'accès, de rectification, d'effacement et d'opposition depuis l'espace client ou
en écrivant au délégué à la protection des données. Les données sont conservées deux ans après la fin de la
relation contractuelle et traitées en France.

Article 7 – Espace client
Les présentes conditions complètent les conditions générales d'utilisation de l'espace client.

Article 8 – Droit applicable
Les présentes conditions sont soumises au droit français ; seule la version française fait foi.
"""


def publish(apps, schema_editor):
    Terms = apps.get_model("claims", "ClaimsTermsVersion")
    Terms.objects.get_or_create(
        version=VERSION,
        defaults={
            "title_fr": "Conditions du service de remboursement en ligne",
            "title_en": "Terms of the online claims service",
            "body_fr": BODY_FR,
            "body_en": BODY_EN,
            "published_at": datetime(2026, 1, 1, tzinfo=UTC),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
