"""Membership: holdings are movements and every balance is derived from them; no
movement takes a balance below zero; the CSV import checks everything in a dry run
that changes nothing, reports errors per line in French, and imports all or nothing;
the groups follow the associates; the admin's exports neutralise formulas."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from extranet.constants import ASSOCIATES_GROUP, AssociateStatus, Instrument, MovementKind
from extranet.models import Associate, College, HoldingMovement
from extranet.services import membership
from home.models import OutboxEmail
from tests.exports import csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def salaries():
    return College.objects.get(slug="salaries")


@pytest.fixture
def associate(salaries):
    return membership.create_associate(
        email="Claude.Martin@Example.org",
        first_name="Claude",
        last_name="Martin",
        college=salaries,
        member_since=D(2019, 1, 1),
    )


def move(associate, date, instrument, kind, *, amount=None, parts=0, value=None):
    return membership.record_movement(
        movement=HoldingMovement(
            associate=associate,
            date=date,
            instrument=instrument,
            kind=kind,
            quantity=parts,
            nominal_value_cents=value,
            amount_cents=amount,
        )
    )


# Balances ------------------------------------------------------------------------------


def test_balances_are_derived_from_the_movements(associate):
    move(
        associate, D(2019, 1, 1), Instrument.PARTS, MovementKind.SUBSCRIPTION, parts=10, value=5000
    )
    move(associate, D(2020, 1, 1), Instrument.PARTS, MovementKind.TRANSFER_IN, parts=5, value=5000)
    move(associate, D(2021, 1, 1), Instrument.PARTS, MovementKind.TRANSFER_OUT, parts=3, value=5000)
    move(
        associate, D(2020, 6, 1), Instrument.PARTICIPATING, MovementKind.SUBSCRIPTION, amount=100000
    )
    move(
        associate,
        D(2020, 6, 1),
        Instrument.CURRENT_ACCOUNT,
        MovementKind.SUBSCRIPTION,
        amount=300000,
    )
    move(associate, D(2021, 6, 1), Instrument.CURRENT_ACCOUNT, MovementKind.REPAYMENT, amount=50050)

    holdings = associate.holdings()
    assert holdings.of(Instrument.PARTS).parts == 12
    assert holdings.of(Instrument.PARTS).amount_cents == 60000  # 12 parts at 50 €
    assert holdings.of(Instrument.PARTICIPATING).amount_cents == 100000
    assert holdings.of(Instrument.CURRENT_ACCOUNT).amount_cents == 249950
    assert holdings.total_cents == 60000 + 100000 + 249950
    assert holdings.total_display == "4\u202f099,50 €"
    assert holdings.parts == 12

    # The admin listing's columns come from the same movements, in one query.
    listed = Associate.objects.with_holdings().get(pk=associate.pk)
    assert (listed.parts_count, listed.parts_cents) == (12, 60000)
    assert listed.participating_cents == 100000
    assert listed.current_account_cents == 249950
    assert listed.total_cents == holdings.total_cents


def test_an_associate_without_movements_holds_nothing(associate):
    holdings = associate.holdings()
    assert holdings.total_cents == 0 and holdings.parts == 0 and holdings.is_empty
    assert Associate.objects.with_holdings().get(pk=associate.pk).total_cents == 0


def test_the_amount_of_parts_is_their_count_times_their_value(associate):
    movement = move(
        associate, D(2019, 1, 1), Instrument.PARTS, MovementKind.SUBSCRIPTION, parts=4, value=2500
    )
    assert movement.amount_cents == 10000
    with pytest.raises(ValidationError) as refused:
        move(
            associate,
            D(2019, 2, 1),
            Instrument.PARTS,
            MovementKind.SUBSCRIPTION,
            parts=4,
            value=2500,
            amount=9999,
        )
    assert "nombre multiplié par leur valeur nominale" in str(refused.value)
    with pytest.raises(ValidationError):  # a count of parts means nothing for a loan
        move(
            associate,
            D(2019, 2, 1),
            Instrument.CURRENT_ACCOUNT,
            MovementKind.SUBSCRIPTION,
            parts=2,
            amount=100,
        )


# Never below zero -----------------------------------------------------------------------


def test_a_repayment_never_takes_a_balance_below_zero(associate):
    move(
        associate,
        D(2020, 1, 1),
        Instrument.CURRENT_ACCOUNT,
        MovementKind.SUBSCRIPTION,
        amount=100000,
    )
    with pytest.raises(ValidationError) as refused:
        move(
            associate,
            D(2021, 1, 1),
            Instrument.CURRENT_ACCOUNT,
            MovementKind.REPAYMENT,
            amount=100001,
        )
    assert "négatif au 01/01/2021" in str(refused.value)
    # The whole balance may go back, and nothing more afterwards.
    move(
        associate, D(2021, 1, 1), Instrument.CURRENT_ACCOUNT, MovementKind.REPAYMENT, amount=100000
    )
    with pytest.raises(ValidationError):
        move(associate, D(2021, 2, 1), Instrument.CURRENT_ACCOUNT, MovementKind.REPAYMENT, amount=1)
    assert associate.holdings().of(Instrument.CURRENT_ACCOUNT).amount_cents == 0
    assert HoldingMovement.objects.filter(associate=associate).count() == 2


def test_a_transfer_out_cannot_give_parts_not_yet_held(associate):
    move(
        associate, D(2021, 1, 1), Instrument.PARTS, MovementKind.SUBSCRIPTION, parts=10, value=5000
    )
    # Dated before the subscription: the balance would be negative on that day.
    with pytest.raises(ValidationError) as refused:
        move(
            associate,
            D(2020, 6, 1),
            Instrument.PARTS,
            MovementKind.TRANSFER_OUT,
            parts=2,
            value=5000,
        )
    assert "parts sociales" in str(refused.value)
    with pytest.raises(ValidationError):
        move(
            associate,
            D(2021, 6, 1),
            Instrument.PARTS,
            MovementKind.TRANSFER_OUT,
            parts=11,
            value=5000,
        )
    # Another instrument's balance does not count.
    with pytest.raises(ValidationError):
        move(associate, D(2021, 6, 1), Instrument.PARTICIPATING, MovementKind.REPAYMENT, amount=100)


def test_editing_a_subscription_below_a_later_repayment_is_refused(associate):
    subscription = move(
        associate, D(2020, 1, 1), Instrument.PARTICIPATING, MovementKind.SUBSCRIPTION, amount=50000
    )
    move(associate, D(2021, 1, 1), Instrument.PARTICIPATING, MovementKind.REPAYMENT, amount=40000)
    subscription.amount_cents = 30000
    with pytest.raises(ValidationError):
        membership.record_movement(movement=subscription)
    subscription.refresh_from_db()
    assert subscription.amount_cents == 50000
    # Nor may it move to another instrument and leave the repayment uncovered.
    subscription.instrument = Instrument.CURRENT_ACCOUNT
    with pytest.raises(ValidationError):
        membership.record_movement(movement=subscription)


# Groups ---------------------------------------------------------------------------------


def test_an_active_associate_is_in_the_associates_group_and_their_college_group(associate):
    names = set(associate.user.groups.values_list("name", flat=True))
    assert names == {ASSOCIATES_GROUP, "Collège : Salariés"}
    assert associate.user.username == "claude.martin@example.org"
    assert not associate.user.has_usable_password()


def test_groups_follow_a_change_of_college_and_a_departure(associate):
    associate.college = College.objects.get(slug="partenaires")
    membership.save_associate(associate=associate)
    assert set(associate.user.groups.values_list("name", flat=True)) == {
        ASSOCIATES_GROUP,
        "Collège : Partenaires",
    }
    associate.status = AssociateStatus.LEFT
    associate.left_on = D(2024, 6, 30)
    membership.save_associate(associate=associate)
    assert not associate.user.groups.exists()


def test_renaming_a_college_renames_its_group(salaries):
    group_id = salaries.group_id
    salaries.name = "Salariés et stagiaires"
    membership.save_college(college=salaries)
    assert Group.objects.get(pk=group_id).name == "Collège : Salariés et stagiaires"
    added = membership.save_college(college=College(name="Habitants", slug="habitants"))
    assert added.group.name == "Collège : Habitants"


def test_the_associates_group_gives_no_admin_access(client, associate):
    assert not Group.objects.get(name=ASSOCIATES_GROUP).permissions.exists()
    assert not associate.user.has_perm("wagtailadmin.access_admin")
    client.force_login(associate.user)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/login/" in response["Location"]


def test_consent_to_electronic_convocation_needs_its_date(associate):
    associate.consent_electronic = True
    with pytest.raises(ValidationError) as refused:
        membership.save_associate(associate=associate)
    assert "consent_date" in refused.value.message_dict


# CSV import -----------------------------------------------------------------------------

GOOD_CSV = (
    "courriel;prenom;nom;college;membre_depuis;consentement_electronique;date_consentement;"
    "parts_sociales;valeur_nominale;titres_participatifs;compte_courant\n"
    "ana.perrin@example.org;Ana;Perrin;Salariés;01/03/2020;oui;01/03/2020;4;50;;\n"
    "mairie@conliege.example;Jo;Bailly;collectivites;2016-06-01;non;;40;50,00;5 000;1 500,50\n"
)

BAD_CSV = (
    "courriel;prenom;nom;college;membre_depuis;consentement_electronique;date_consentement\n"
    "ana.perrin@example.org;Ana;Perrin;Salariés;01/03/2020;oui;01/03/2020\n"
    "pas-une-adresse;Léo;Faure;Salariés;01/03/2020;non;\n"
    "leo@example.org;Léo;Faure;Cuisiniers;31/02/2020;peut-être;\n"
    "ANA.PERRIN@example.org;Ana;Perrin;Salariés;01/03/2020;oui;\n"
)


def counts():
    return (
        get_user_model().objects.count(),
        Associate.objects.count(),
        HoldingMovement.objects.count(),
        Group.objects.count(),
        OutboxEmail.objects.count(),
    )


def test_a_dry_run_checks_everything_and_changes_nothing():
    before = counts()
    report = membership.import_associates(GOOD_CSV, dry_run=True)
    assert report.ok, report.messages()
    assert (report.created_users, report.created_associates, report.created_movements) == (2, 2, 4)
    assert counts() == before
    assert not get_user_model().objects.filter(email="ana.perrin@example.org").exists()


def test_the_dry_run_reports_each_error_by_line_in_french():
    before = counts()
    report = membership.import_associates(BAD_CSV, dry_run=True)
    assert not report.ok
    messages = report.messages()
    assert "Ligne 3 : l'adresse électronique « pas-une-adresse » n'est pas valide." in messages
    assert any(m.startswith("Ligne 4 : collège inconnu « Cuisiniers »") for m in messages)
    assert any(m.startswith("Ligne 4 : date illisible dans « membre_depuis »") for m in messages)
    assert any(m.startswith("Ligne 4 : consentement électronique « peut-être »") for m in messages)
    assert "Ligne 5 : l'adresse ana.perrin@example.org figure déjà ligne 2." in messages
    assert any(m.startswith("Ligne 5 : consentement électronique sans sa date") for m in messages)
    assert not [m for m in messages if m.startswith("Ligne 2")]
    assert counts() == before


def test_a_file_with_errors_imports_nothing_even_for_real():
    before = counts()
    report = membership.import_associates(BAD_CSV, dry_run=False)
    assert not report.ok
    assert counts() == before


def test_a_file_without_its_columns_is_refused_as_a_whole():
    report = membership.import_associates("email,name\na@example.org,A\n", dry_run=True)
    assert not report.ok
    assert report.messages()[0].startswith("Colonnes manquantes dans la première ligne")


def test_the_import_creates_users_associates_groups_and_opening_holdings():
    report = membership.import_associates(GOOD_CSV, dry_run=False, invite=True)
    assert report.ok, report.messages()
    ana = Associate.objects.get(user__email="ana.perrin@example.org")
    assert ana.user.username == "ana.perrin@example.org"
    assert ana.college.slug == "salaries" and ana.consent_electronic
    assert ana.consent_date == D(2020, 3, 1)
    assert ana.holdings().parts == 4 and ana.holdings().total_cents == 20000
    assert set(ana.user.groups.values_list("name", flat=True)) == {
        ASSOCIATES_GROUP,
        "Collège : Salariés",
    }
    commune = Associate.objects.get(user__email="mairie@conliege.example")
    assert commune.member_since == D(2016, 6, 1) and not commune.consent_electronic
    assert commune.holdings().of(Instrument.PARTICIPATING).amount_cents == 500000
    assert commune.holdings().of(Instrument.CURRENT_ACCOUNT).amount_cents == 150050
    assert commune.movements.get(instrument=Instrument.PARTS).date == D(2016, 6, 1)
    # Each new associate got the invitation to choose a password (the outbox).
    invited = OutboxEmail.objects.filter(kind="extranet.invitation")
    assert set(invited.values_list("to", flat=True)) == {
        "ana.perrin@example.org",
        "mairie@conliege.example",
    }
    # Importing the same file again creates nobody twice.
    again = membership.import_associates(GOOD_CSV, dry_run=True)
    assert "Ligne 2 : Cette adresse est déjà celle d'un associé." in again.messages()


# Admin ------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example","clic")'


@pytest.fixture
def staff_client(client):
    admin = get_user_model().objects.create_superuser("equipe", "equipe@example.org", "x")
    client.force_login(admin)
    return client


def test_the_associates_export_neutralises_formulas(staff_client, salaries):
    someone = membership.create_associate(
        email="formule@example.org",
        first_name="Eve",
        last_name=FORMULA,
        college=salaries,
        member_since=D(2020, 1, 1),
        organisation="@SUM(1+1)",
    )
    move(
        someone, D(2020, 1, 1), Instrument.CURRENT_ACCOUNT, MovementKind.SUBSCRIPTION, amount=123456
    )
    url = "/admin/extranet-associates/"
    rows = csv_rows(staff_client.get(url, {"export": "csv"}))
    row = next(row for row in rows if row["Courriel"] == "formule@example.org")
    assert row["Nom"] == f"'{FORMULA}" and row["Structure"] == "'@SUM(1+1)"
    assert row["Compte courant d'associé (€)"] == "1234,56"  # euros, not cents
    assert row["Convocation par courriel"] in ("oui", "non")
    xlsx = xlsx_rows(staff_client.get(url, {"export": "xlsx"}))
    cells = next(cells for cells in xlsx if cells["Courriel"] == "formule@example.org")
    assert cells["Nom"] == "'" + FORMULA


def test_staff_import_a_csv_through_the_admin_after_reading_the_dry_run(staff_client):
    upload = io.BytesIO(GOOD_CSV.encode("utf-8"))
    upload.name = "associes.csv"
    response = staff_client.post("/admin/extranet-associates/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "aucune erreur" in page and "Confirmer l'import" in page
    assert not Associate.objects.exists()
    response = staff_client.post(
        "/admin/extranet-associates/import/", {"csv_text": GOOD_CSV, "confirm": "1"}
    )
    assert response.status_code == 302
    assert Associate.objects.count() == 2
    assert not OutboxEmail.objects.filter(kind="extranet.invitation").exists()


def test_staff_invite_an_associate_from_the_admin(staff_client, associate):
    url = f"/admin/extranet-associates/{associate.pk}/inviter/"
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url).status_code == 302
    email = OutboxEmail.objects.get(kind="extranet.invitation")
    assert email.to == "claude.martin@example.org"


def test_staff_record_a_movement_in_euros_and_a_refused_one_says_why(staff_client, associate):
    url = "/admin/extranet-movements/new/"
    assert staff_client.get(url, {"associate": associate.pk}).status_code == 200
    data = {
        "associate": associate.pk,
        "date": "2020-01-01",
        "instrument": Instrument.PARTS,
        "kind": MovementKind.SUBSCRIPTION,
        "quantity": "3",
        "nominal_value_cents": "50",
        "amount_cents": "",
        "note": "",
    }
    assert staff_client.post(url, data).status_code == 302
    assert associate.holdings().of(Instrument.PARTS).amount_cents == 15000
    response = staff_client.post(url, {**data, "kind": MovementKind.REPAYMENT, "quantity": "4"})
    assert response.status_code == 200
    assert "rendrait le solde (parts sociales) négatif" in response.content.decode()
    assert associate.holdings().parts == 3
    # Movements are never deleted from the admin.
    movement = associate.movements.get()
    assert staff_client.get(f"/admin/extranet-movements/delete/{movement.pk}/").status_code in (
        302,
        403,
        404,
    )
    assert HoldingMovement.objects.filter(pk=movement.pk).exists()


def test_staff_create_an_associate_with_their_account(staff_client, salaries):
    response = staff_client.post(
        "/admin/extranet-associates/new/",
        {
            "first_name": "Noé",
            "last_name": "Jacquin",
            "email": "noe@example.org",
            "organisation": "",
            "college": salaries.pk,
            "member_since": "2022-02-01",
            "status": AssociateStatus.ACTIVE,
            "left_on": "",
            "consent_date": "",
            "postal_address": "1 rue du Lac\n39000 Lons-le-Saunier",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    noe = Associate.objects.get(user__email="noe@example.org")
    assert noe.user.get_full_name() == "Noé Jacquin"
    assert noe.user.groups.filter(name=ASSOCIATES_GROUP).exists()
    found = staff_client.get("/admin/extranet-associates/", {"q": "Noé Jacquin"})
    assert found.status_code == 200 and "noe@example.org" in found.content.decode()


def test_the_admin_screens_of_membership_open(staff_client, associate):
    move(associate, D(2020, 1, 1), Instrument.PARTS, MovementKind.SUBSCRIPTION, parts=2, value=5000)
    for url in (
        "/admin/extranet-associates/",
        f"/admin/extranet-associates/edit/{associate.pk}/",
        "/admin/extranet-associates/new/",
        "/admin/extranet-associates/import/",
        "/admin/extranet-movements/",
        f"/admin/extranet-movements/edit/{associate.movements.get().pk}/",
        "/admin/extranet-colleges/",
        "/admin/extranet-colleges/new/",
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
    edit = staff_client.get(f"/admin/extranet-associates/edit/{associate.pk}/").content.decode()
    assert "Avoirs, calculés à partir des mouvements" in edit and "100 €" in edit
    listing = staff_client.get("/admin/extranet-associates/", {"college": associate.college_id})
    assert "Claude Martin" in listing.content.decode()
