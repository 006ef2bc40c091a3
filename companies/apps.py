from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    """The company and agent spaces: company information, collective contracts, employees and affiliations (SPEC
    E1-E8).
    """

    name = "companies"
    verbose_name = "Companies"

    def ready(self) -> None:
        from companies import request_kinds

        request_kinds.register_all()
