from django.db import models
from django.utils.translation import gettext_lazy as _


class Civility(models.TextChoices):
    MR = "M", _("Mr")
    MRS = "MME", _("Mrs")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
