"""The organisation's details for what leaves the site (emails): who writes, and who
on the team is told."""

from email.utils import parseaddr

from django.conf import settings

from home.models import OrganisationSettings


def organisation_for(site) -> OrganisationSettings | None:
    """The organisation settings of `site` (None without a site)."""
    return OrganisationSettings.for_site(site) if site is not None else None


def contact_address(site) -> str:
    """The address the public may write to (the settings' contact email, else
    DEFAULT_FROM_EMAIL's address): named in refusals such as "écrivez-nous à …"."""
    organisation = organisation_for(site)
    if organisation is not None and organisation.contact_email:
        return organisation.contact_email
    return parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1]


def staff_notification_address(site) -> str:
    """The staff address from the site settings, else DEFAULT_FROM_EMAIL's address."""
    organisation = organisation_for(site)
    if organisation is not None and organisation.staff_notification_email:
        return organisation.staff_notification_email
    return parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1]
