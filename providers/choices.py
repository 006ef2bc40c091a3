from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfessionalKind(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    FACILITY = "facility", _("Facility")


class Specialty(models.TextChoices):
    GENERAL_PRACTICE = "general_practice", _("General practitioner")
    PAEDIATRICS = "paediatrics", _("Paediatrician")
    GYNAECOLOGY = "gynaecology", _("Gynaecologist")
    OPHTHALMOLOGY = "ophthalmology", _("Ophthalmologist")
    DERMATOLOGY = "dermatology", _("Dermatologist")
    CARDIOLOGY = "cardiology", _("Cardiologist")
    DENTISTRY = "dentistry", _("Dentist")
    PHYSIOTHERAPY = "physiotherapy", _("Physiotherapist")
    NURSING = "nursing", _("Nurse")
    PHARMACY = "pharmacy", _("Pharmacy")
    OPTICS = "optics", _("Optician")
    AUDIOLOGY = "audiology", _("Hearing-aid specialist")
    LABORATORY = "laboratory", _("Medical laboratory")
    RADIOLOGY = "radiology", _("Radiology centre")
    HOSPITAL = "hospital", _("Hospital or clinic")
    OSTEOPATHY = "osteopathy", _("Osteopath")
