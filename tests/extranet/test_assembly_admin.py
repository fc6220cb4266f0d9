"""Running a general assembly from the admin: the check list, the convocation (consent
decides email or post, the 15-day rule and its logged override, every email through
the outbox, nobody convened twice), the letters and labels for the post, the
attendance sheet, the show-of-hands counts, and who may do it."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import GroupPagePermission, Page

from extranet.constants import AssemblyEventKind, ConvocationChannel, ResolutionKind
from extranet.demo import documents, pages, people
from extranet.models import (
    AssemblyEvent,
    AssemblyResolution,
    Associate,
    College,
    CollegeShare,
    Convocation,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    Participation,
    Presence,
    Proxy,
    RoomCount,
)
from extranet.services import convocation, room
from home.models import OutboxEmail

pytestmark = pytest.mark.django_db


class _Silent:
    def write(self, text):
        pass


@pytest.fixture
def associates(demo_site):
    """associe1 (salariés, email), associe2 (collectivités, email), associe3
    (partenaires, post)."""
    found = {a.user.username: a for a in people.load(allowed=True, out=_Silent())}
    pages.load(demo_site, documents=documents.load())
    return found


@pytest.fixture
def staff_client(client, demo_site):
    admin = get_user_model().objects.create_superuser("equipe", "equipe@example.org", "x")
    client.force_login(admin)
    return client


def make_assembly(*, days_ahead=30, shares=True, slug="2099") -> GeneralAssemblyPage:
    index = GeneralAssemblyIndexPage.objects.get()
    held_at = timezone.now() + datetime.timedelta(days=days_ahead)
    colleges = {college.slug: college for college in College.objects.all()}
    page = GeneralAssemblyPage(
        title=f"Assemblée générale {slug}",
        slug=slug,
        held_at=held_at,
        place="Salle des fêtes de Conliège",
        kind="mixed",
        agenda="<ol><li>Comptes</li><li>Statuts</li></ol>",
        votes_open_at=held_at - datetime.timedelta(days=7),
        votes_close_at=held_at,
        college_shares=[
            CollegeShare(college=colleges[slug_], share=Decimal(share))
            for slug_, share in (
                ("salaries", 30),
                ("beneficiaires", 20),
                ("collectivites", 20),
                ("partenaires", 20),
                ("fondateurs", 10),
            )
        ]
        if shares
        else [],
        resolutions=[
            AssemblyResolution(title="Approbation des comptes", text="Les comptes 2098."),
            AssemblyResolution(
                title="Modification des statuts",
                text="Article 12.",
                kind=ResolutionKind.EXTRAORDINARY,
            ),
        ],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return GeneralAssemblyPage.objects.get(pk=page.pk)


def control(client, page):
    return client.get(f"/admin/assemblees/{page.pk}/")


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&#39;", "'")


# --- the check list -------------------------------------------------------------------


def test_the_check_list_names_what_is_missing(staff_client, associates):
    page = make_assembly(shares=False)
    Associate.objects.filter(pk=associates["associe3"].pk).update(postal_address="")
    checks = {check.label: check for check in convocation.checks(page)}
    assert not checks["Chaque collège qui vote a sa part des voix"].ok
    assert "Salariés" in checks["Chaque collège qui vote a sa part des voix"].detail
    missing_address = checks["Les associés convoqués par la poste ont une adresse postale"]
    assert not missing_address.ok and "Alix Girod" in missing_address.detail
    assert checks["Les projets de résolution sont saisis"].ok

    body = text(control(staff_client, page))
    assert "Chaque collège qui vote a sa part des voix" in body and "Alix Girod" in body

    # Refused while something blocking is missing, and nothing is recorded.
    response = staff_client.post(f"/admin/assemblees/{page.pk}/convocation/", follow=True)
    assert "La convocation ne peut pas partir" in text(response)
    assert not Convocation.objects.filter(assembly=page).exists()
    assert not OutboxEmail.objects.filter(kind="extranet.convocation").exists()


# --- the convocation ------------------------------------------------------------------


def test_consent_decides_email_or_post_and_every_email_goes_through_the_outbox(
    staff_client, associates, mailoutbox, django_capture_on_commit_callbacks
):
    page = make_assembly()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/assemblees/{page.pk}/convocation/", follow=True)
    assert "Convocation envoyée : 2 par courriel, 1 par la poste" in text(response)

    channels = dict(
        Convocation.objects.filter(assembly=page).values_list(
            "associate__user__username", "channel"
        )
    )
    assert channels == {
        "associe1": ConvocationChannel.EMAIL,
        "associe2": ConvocationChannel.EMAIL,
        "associe3": ConvocationChannel.POST,
    }
    queued = OutboxEmail.objects.filter(kind="extranet.convocation")
    assert sorted(queued.values_list("to", flat=True)) == [
        "associe1@example.org",
        "associe2@example.org",
    ]
    assert all(email.state == "sent" for email in queued)
    assert sorted(message.to[0] for message in mailoutbox) == [
        "associe1@example.org",
        "associe2@example.org",
    ]
    message = mailoutbox[0]
    assert "Modification des statuts" in message.body and "Salle des fêtes" in message.body
    assert f"/extranet/assemblees-generales/{page.slug}/vote/" in message.body
    assert message.alternatives, "an HTML part"

    page.refresh_from_db()
    assert page.convocation_sent_at is not None
    assert page.convocation_date == timezone.localdate()
    assert page.associates_count == 3

    # Sending again convenes nobody twice; a newcomer gets it alone.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/assemblees/{page.pk}/convocation/")
    assert Convocation.objects.filter(assembly=page).count() == 3
    assert len(mailoutbox) == 2
    newcomer = Associate.objects.create(
        user=get_user_model().objects.create_user("nouvelle", "nouvelle@example.org"),
        college=College.objects.get(slug="beneficiaires"),
        member_since=datetime.date(2024, 1, 1),
        consent_electronic=True,
        consent_date=datetime.date(2024, 1, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = convocation.send_convocation(page, user=None)
    assert counts == {"email": 1, "post": 0}
    assert [m.to for m in mailoutbox[2:]] == [["nouvelle@example.org"]]
    assert Convocation.objects.get(assembly=page, associate=newcomer).email is not None


def test_the_15_day_rule_and_its_logged_override(staff_client, associates):
    page = make_assembly(days_ahead=10)
    body = text(control(staff_client, page))
    assert "dérogation motivée" in body and 'name="override_reason"' in body

    response = staff_client.post(f"/admin/assemblees/{page.pk}/convocation/", follow=True)
    assert "moins des 15 jours" in text(response)
    assert not Convocation.objects.filter(assembly=page).exists()

    response = staff_client.post(
        f"/admin/assemblees/{page.pk}/convocation/",
        {"override_reason": "Report de l'assemblée après la tempête"},
        follow=True,
    )
    assert "Convocation envoyée" in text(response)
    override = AssemblyEvent.objects.get(assembly=page, kind=AssemblyEventKind.CONVOCATION_OVERRIDE)
    assert "tempête" in override.detail and override.user.username == "equipe"
    assert "tempête" in text(control(staff_client, page)), "the log shows the reason"


def test_exactly_15_days_ahead_needs_no_override(associates):
    page = make_assembly(days_ahead=15)
    today = timezone.localdate(page.held_at) - datetime.timedelta(days=15)
    assert convocation.send_convocation(page, user=None, today=today) == {"email": 2, "post": 1}
    today = today + datetime.timedelta(days=1)
    page2 = make_assembly(days_ahead=15, slug="2098")
    with pytest.raises(convocation.ConvocationRefused):
        convocation.send_convocation(page2, user=None, today=today)


def test_letters_and_labels_for_the_post(staff_client, associates):
    page = make_assembly()
    convocation.send_convocation(page, user=None)
    response = staff_client.get(f"/admin/assemblees/{page.pk}/courriers.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    letter = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Alix Girod" in letter and "39570 Conliège" in letter
    assert "Modification des statuts" in letter and "Pouvoir" in letter
    assert "Camille Vuillet" not in letter, "convened by email, not by post"

    response = staff_client.get(f"/admin/assemblees/{page.pk}/etiquettes.pdf")
    labels = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Alix Girod" in labels and "Chemin des Gentianes" in labels


# --- in the room ----------------------------------------------------------------------


def test_the_attendance_sheet_counts_present_online_and_represented(staff_client, associates):
    page = make_assembly()
    a1, a2, a3 = (associates[f"associe{n}"] for n in (1, 2, 3))
    resolution = page.resolutions.first()
    Proxy.objects.create(assembly=page, principal=a3, holder=a1)
    Participation.objects.create(resolution=resolution, associate=a2, cast_by=a2)

    response = staff_client.post(
        f"/admin/assemblees/{page.pk}/presence/", {"associate": a1.pk, "present": "1"}
    )
    assert response.status_code == 302
    assert Presence.objects.filter(assembly=page, associate=a1).exists()
    sheet = {line.associate.pk: line for line in room.attendance_sheet(page, Associate.objects)}
    assert sheet[a1.pk].status == "présent·e"
    assert sheet[a2.pk].status == "a voté en ligne"
    assert sheet[a3.pk].status == "représenté·e par Camille Vuillet"
    body = text(control(staff_client, page))
    assert "1 présent," in body and "1 ayant voté en ligne" in body
    assert "1 représenté ;" in body and "<strong>3</strong> comptés pour le quorum" in body

    # A double click records one presence; unticking removes it.
    staff_client.post(
        f"/admin/assemblees/{page.pk}/presence/", {"associate": a1.pk, "present": "1"}
    )
    assert Presence.objects.filter(assembly=page).count() == 1
    staff_client.post(
        f"/admin/assemblees/{page.pk}/presence/", {"associate": a1.pk, "present": "0"}
    )
    assert not Presence.objects.filter(assembly=page).exists()
    # Bad input: a French message, never a 500.
    response = staff_client.post(
        f"/admin/assemblees/{page.pk}/presence/", {"associate": "x"}, follow=True
    )
    assert "Associé introuvable" in text(response)


def test_show_of_hands_counts_are_bounded_by_the_voices_in_the_room(staff_client, associates):
    page = make_assembly()
    a1, a3 = associates["associe1"], associates["associe3"]
    resolution = page.resolutions.first()
    room.set_presence(page, associate=a1, present=True, user=None)
    Proxy.objects.create(assembly=page, principal=a3, holder=a1)
    url = f"/admin/assemblees/{page.pk}/salle/{resolution.pk}/"
    colleges = {college.slug: college.pk for college in College.objects.all()}

    def post(**values):
        data = {
            f"{key}_{pk}": "0" for pk in colleges.values() for key in ("for", "against", "abstain")
        }
        data.update(values)
        return staff_client.post(url, data)

    # Salariés has one voice in the room (associe1), partenaires one (associe3, by proxy).
    response = post(**{f"for_{colleges['salaries']}": "2"})
    assert response.status_code == 400 and "seulement 1 associé" in text(response)
    assert not RoomCount.objects.exists()
    response = post(**{f"for_{colleges['salaries']}": "-1"})
    assert response.status_code == 400 and "Un nombre positif" in text(response)

    response = post(
        **{f"for_{colleges['salaries']}": "1", f"against_{colleges['partenaires']}": "1"}
    )
    assert response.status_code == 302
    counts = {
        count.college.slug: (count.votes_for, count.votes_against, count.votes_abstaining)
        for count in RoomCount.objects.select_related("college")
    }
    assert counts == {"salaries": (1, 0, 0), "partenaires": (0, 1, 0)}
    # Typing 0/0/0 removes a college's count.
    post(**{f"for_{colleges['salaries']}": "1"})
    assert set(RoomCount.objects.values_list("college__slug", flat=True)) == {"salaries"}


# --- who may run it -------------------------------------------------------------------


def test_only_staff_who_may_edit_the_page_run_the_assembly(client, associates):
    page = make_assembly()
    urls = [
        f"/admin/assemblees/{page.pk}/",
        f"/admin/assemblees/{page.pk}/courriers.pdf",
        f"/admin/assemblees/{page.pk}/presence/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    client.force_login(associates["associe1"].user)
    for url in urls:
        assert client.get(url).status_code in (302, 403), url
    assert client.post(f"/admin/assemblees/{page.pk}/convocation/").status_code in (302, 403)
    assert not Convocation.objects.exists()

    # An editor with no right on the extranet's pages is refused (Wagtail sends them back
    # to the admin's home with "permission denied").
    editors = get_user_model().objects.create_user("redaction", "r@example.org", "x")
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Rédaction du journal")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    news = Page.objects.get(slug="actualites")
    GroupPagePermission.objects.create(group=group, page=news, permission_type="change")
    editors.groups.add(group)
    client.force_login(editors)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
    client.post(f"/admin/assemblees/{page.pk}/convocation/")
    assert not Convocation.objects.exists()


def test_the_page_editor_links_to_the_control_screen(staff_client, associates):
    page = make_assembly()
    body = text(staff_client.get(f"/admin/pages/{page.pk}/edit/"))
    assert f"/admin/assemblees/{page.pk}/" in body and "Piloter l'assemblée" in body


def test_closing_from_the_control_screen_asks_before_closing_early(
    staff_client, associates, django_capture_on_commit_callbacks
):
    page = make_assembly()
    GeneralAssemblyPage.objects.filter(pk=page.pk).update(
        votes_open_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = staff_client.post(f"/admin/assemblees/{page.pk}/cloture/", follow=True)
    assert "clore dès maintenant" in text(response)
    page.refresh_from_db()
    assert page.votes_closed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/assemblees/{page.pk}/cloture/", {"force": "1"}, follow=True
        )
    assert "Vote clos : résultats calculés" in text(response)
    page.refresh_from_db()
    assert page.votes_closed_at is not None
    assert page.documents.filter(kind="minutes").exists()
    body = text(control(staff_client, page))
    assert "Vote clos avant l'heure prévue" in body and "Envoyer la convocation" not in body


def test_a_holder_who_voted_only_for_their_principal_makes_them_represented(associates):
    page = make_assembly()
    a1, a3 = associates["associe1"], associates["associe3"]
    Proxy.objects.create(assembly=page, principal=a3, holder=a1)
    Participation.objects.create(resolution=page.resolutions.first(), associate=a3, cast_by=a1)
    sheet = {line.associate.pk: line for line in room.attendance_sheet(page, Associate.objects)}
    assert sheet[a3.pk].status == "représenté·e par Camille Vuillet"
    assert sheet[a3.pk].counts_for_quorum
    assert not sheet[a1.pk].counts_for_quorum, "associe1 did not vote for herself"
