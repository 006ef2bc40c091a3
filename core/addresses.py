"""The postal address shared by people, companies, agents and professionals."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class PostalAddress(models.Model):
    address_line1 = models.CharField(_("address"), max_length=120, blank=True)
    address_line2 = models.CharField(_("address (continued)"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = CountryField(_("country"), default="FR")

    class Meta:
        abstract = True

    @property
    def address_lines(self) -> list[str]:
        locality = " ".join(part for part in (self.postal_code, self.city) if part)
        return [line for line in (self.address_line1, self.address_line2, locality, self.country.name) if line]
