from django.apps import AppConfig


class ContentConfig(AppConfig):
    """What staff publish: terms of use versions, maintenance messages, FAQ, library, help lines."""

    name = "content"

    def ready(self) -> None:
        """Register the help page's contact form as a kind of request (SPEC M7, through the request engine)."""
        from django.utils.translation import gettext_lazy as _

        from accounts.choices import ProfileKind
        from content.forms import ContactForm
        from content.services import CONTACT_KIND
        from demarches.kinds import RequestKind, register

        register(
            RequestKind(
                code=CONTACT_KIND,
                label=_("Message to the management centre"),
                form=ContactForm,
                profiles=(ProfileKind.MEMBER.value, ProfileKind.COMPANY.value, ProfileKind.AGENT.value),
                description=_("A question or a message for the management centre, from the help page."),
                order=90,
            )
        )
