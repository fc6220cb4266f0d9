"""The donations app's part of the benchmark's large site (`load_demo_content --scale N`,
see home/demo/scale.py): 100 N paid gifts to the campaign, one in four thanked by name."""

import datetime

from django.utils import timezone

from donations.constants import Channel, DonationStatus, Recognition
from donations.models import Donation, DonationPage

GIFTS_PER_SCALE = 100
EMAIL_DOMAIN = "@echelle.exemple"
FIRST_NAMES = ["Camille", "Dominique", "Alix", "Claude", "Sacha", "Lou", "Maxime", "Noa"]
LAST_NAMES = ["Vuillet", "Mercier", "Girod", "Jeunet", "Bourgeois", "Cretin", "Vernerey"]


def load(home, scale: int) -> dict[str, int]:
    page = DonationPage.objects.child_of(home).first()
    if page is None:
        return {"dons": 0}
    have = Donation.objects.filter(email__endswith=EMAIL_DOMAIN).count()
    now = timezone.now()
    gifts = [
        Donation(
            page=page,
            channel=Channel.ONLINE,
            amount_cents=(2 + number % 20) * 1000,
            status=DonationStatus.PAID,
            received_at=now - datetime.timedelta(hours=5 * number),
            consent_processing=True,
            consented_at=now,
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name=LAST_NAMES[number % len(LAST_NAMES)],
            email=f"donateur-{number + 1}{EMAIL_DOMAIN}",
            address_line1="1 place de la Mairie",
            postal_code="39000",
            city="Lons-le-Saunier",
            recognition=Recognition.NAME if number % 4 == 0 else Recognition.ANONYMOUS,
        )
        for number in range(have, GIFTS_PER_SCALE * scale)
    ]
    Donation.objects.bulk_create(gifts, batch_size=1000)
    return {"dons": len(gifts)}
