"""Measure the online general assembly at scale: the server time of one vote, and the
time and SQL queries to close the vote (results per college and weighted, quorum) and
write the minutes, at two sizes to show that the queries do not grow with the
associates.

Usage (PostgreSQL, a throw-away database: the script fills it):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/cj_bench .venv/bin/python bench/assemblies.py \\
      [--sizes 300 3000] [--votes 200] [--posts 50]
Without DATABASE_URL, a throw-away SQLite file bench/bench.sqlite3.

For each size: that many associates in the five colleges (30/25/20/15/10 %), one
proxy per six associates (500 for 3,000), an assembly of 20 resolutions (every fifth
secret, two extraordinary); ballots written in bulk for most associates (and by their
holder for the principals), then `--votes` associates vote through the voting service
(`extranet.services.assemblies.cast_votes`: half of them on all 20 resolutions at once,
as the voting form sends them, half on one resolution) and `--posts`
more through the voting page (POST, with session, routing, form and template). The
vote then closes (`extranet.services.results.close_vote`: results, quorum, minutes
with the attendance sheet as annex). Targets (issue 10): a vote under 30 ms at the
median; results and minutes under 2 s for 3,000 associates, with a number of queries
that does not grow with the associates.
"""

import argparse
import datetime
import os
import random
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterjura.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from extranet.constants import (  # noqa: E402
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    AssemblyKind,
    ResolutionKind,
    VoteChoice,
)
from extranet.models import (  # noqa: E402
    AssemblyDocument,
    AssemblyResolution,
    Associate,
    Ballot,
    College,
    CollegeShare,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    Participation,
    Presence,
    Proxy,
    RoomCount,
    associates_group,
)
from extranet.services import assemblies, results  # noqa: E402

PREFIX = "banc-ag-"
SHARES = {
    "salaries": 30,
    "beneficiaires": 25,
    "collectivites": 20,
    "partenaires": 15,
    "fondateurs": 10,
}
RESOLUTIONS = 20
CHOICES = [VoteChoice.FOR] * 6 + [VoteChoice.AGAINST] * 3 + [VoteChoice.ABSTAIN]
random.seed(10)


def clear_previous_run() -> None:
    """Remove what an earlier run of this script left (its assemblies, associates)."""
    bench_pages = GeneralAssemblyPage.objects.filter(slug__startswith=PREFIX)
    Ballot.objects.filter(resolution__page__in=bench_pages).delete()
    Participation.objects.filter(resolution__page__in=bench_pages).delete()
    RoomCount.objects.filter(resolution__page__in=bench_pages).delete()
    for link in AssemblyDocument.objects.filter(page__in=bench_pages).select_related("document"):
        link.document.delete()
    for page in bench_pages:
        Proxy.objects.filter(assembly=page).delete()
        page.delete()
    Associate.objects.filter(user__username__startswith=PREFIX).delete()
    get_user_model().objects.filter(username__startswith=PREFIX).delete()


def add_associates(count: int) -> None:
    """`count` more associates, spread over the five colleges, in the associates' group."""
    User = get_user_model()
    start = User.objects.filter(username__startswith=PREFIX).count()
    colleges = list(College.objects.filter(slug__in=SHARES).order_by("sort_order"))
    users = []
    for number in range(start, start + count):
        user = User(
            username=f"{PREFIX}{number}",
            email=f"{PREFIX}{number}@example.org",
            first_name=f"Prénom{number}",
            last_name=f"Nom{number:05d}",
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users, batch_size=1000)
    group = associates_group()
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users],
        batch_size=1000,
    )
    Associate.objects.bulk_create(
        [
            Associate(
                user=user,
                college=colleges[index % len(colleges)],
                member_since=datetime.date(2020, 1, 1),
                organisation=f"Structure associée {index}" if index % 3 == 0 else "",
            )
            for index, user in enumerate(users, start=start)
        ],
        batch_size=1000,
    )


def new_assembly(size: int) -> GeneralAssemblyPage:
    now = timezone.now()
    colleges = {college.slug: college for college in College.objects.filter(slug__in=SHARES)}
    page = GeneralAssemblyPage(
        title=f"Assemblée de banc {size}",
        slug=f"{PREFIX}{size}-{secrets.token_hex(3)}",
        held_at=now + datetime.timedelta(days=2),
        place="Salle des fêtes de Conliège",
        kind=AssemblyKind.MIXED,
        votes_open_at=now - datetime.timedelta(days=1),
        votes_close_at=now + datetime.timedelta(days=1),
        college_shares=[
            CollegeShare(college=colleges[slug], share=Decimal(share), sort_order=order)
            for order, (slug, share) in enumerate(SHARES.items())
        ],
        resolutions=[
            AssemblyResolution(
                title=f"Résolution {number + 1}",
                text="L'assemblée générale approuve la proposition du conseil. " * 3,
                kind=ResolutionKind.EXTRAORDINARY if number >= 18 else ResolutionKind.ORDINARY,
                secret=number % 5 == 1,
                sort_order=number,
            )
            for number in range(RESOLUTIONS)
        ],
    )
    GeneralAssemblyIndexPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return GeneralAssemblyPage.objects.get(pk=page.pk)


def receipts(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH)))
    return list(codes)


def fill(assembly, people, *, reserved: int) -> tuple[list, int]:
    """Proxies (one per six associates, two per holder), presence for a few, and the
    ballots of everyone but the `reserved` last voters (and one in ten who does not
    vote). Returns the reserved voters and the number of ballots written."""
    resolutions = list(assembly.resolutions.order_by("sort_order"))
    proxies = len(people) // 6
    principals = people[-proxies:]
    holders = people[: (proxies + 1) // 2]
    Proxy.objects.bulk_create(
        Proxy(assembly=assembly, principal=principal, holder=holders[index // 2])
        for index, principal in enumerate(principals)
    )
    holder_of = {p.pk: holders[i // 2] for i, p in enumerate(principals)}
    voters = people[: len(people) - proxies]
    reserved_voters = voters[-reserved:]
    ballot_voters = [
        person
        for index, person in enumerate(voters[:-reserved])
        if index % 10 != 9 or person in holders
    ]
    Presence.objects.bulk_create(Presence(assembly=assembly, associate=p) for p in people[1::60])
    cast_for = [(person, person) for person in ballot_voters]
    cast_for += [(principal, holder_of[principal.pk]) for principal in principals]
    codes = iter(receipts(len(cast_for) * len(resolutions)))
    participations, ballots = [], []
    for associate, cast_by in cast_for:
        for resolution in resolutions:
            participations.append(
                Participation(resolution=resolution, associate=associate, cast_by=cast_by)
            )
            ballots.append(
                Ballot(
                    resolution=resolution,
                    college_id=associate.college_id,
                    choice=random.choice(CHOICES),
                    receipt=next(codes),
                    associate=None if resolution.secret else associate,
                )
            )
    with transaction.atomic():
        Participation.objects.bulk_create(participations, batch_size=5000)
        Ballot.objects.bulk_create(ballots, batch_size=5000)
    return reserved_voters, len(ballots)


def ms(values: list[float]) -> str:
    values = sorted(values)
    return (
        f"median {statistics.median(values):.1f} ms, "
        f"p95 {values[max(0, int(len(values) * 0.95) - 1)]:.1f} ms"
    )


def vote_through_service(assembly, voters, *, resolutions: int) -> tuple[list[float], int]:
    """Each voter votes on the first `resolutions` resolutions in one call."""
    resolutions = list(assembly.resolutions.order_by("sort_order"))[:resolutions]
    timings, queries = [], 0
    for voter in voters:
        choices = {(voter.pk, r.pk): random.choice(CHOICES) for r in resolutions}
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            assemblies.cast_votes(assembly, voter=voter, choices=choices)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return timings, queries


def vote_through_page(assembly, voters) -> list[float]:
    resolutions = list(assembly.resolutions.order_by("sort_order"))
    client = Client(HTTP_HOST="127.0.0.1")
    timings = []
    for voter in voters:
        client.force_login(voter.user)
        client.get(assembly.url + "vote/")  # the session and CSRF cookie, as a browser has
        data = {f"vote_{voter.pk}_{r.pk}": random.choice(CHOICES) for r in resolutions}
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        started = time.perf_counter()
        response = client.post(assembly.url + "vote/", data)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:500])
    return timings


def run(size: int, *, votes: int, posts: int) -> dict:
    existing = Associate.objects.filter(user__username__startswith=PREFIX).count()
    add_associates(size - existing)
    people = list(
        Associate.objects.filter(user__username__startswith=PREFIX)
        .select_related("user")
        .order_by("pk")
    )
    assembly = new_assembly(size)
    started = time.perf_counter()
    reserved, written = fill(assembly, people, reserved=votes + posts)
    built = time.perf_counter() - started
    half = votes // 2
    service_timings, vote_queries = vote_through_service(
        assembly, reserved[:half], resolutions=RESOLUTIONS
    )
    single_timings, single_queries = vote_through_service(
        assembly, reserved[half:votes], resolutions=1
    )
    page_timings = vote_through_page(assembly, reserved[votes:]) if posts else []

    GeneralAssemblyPage.objects.filter(pk=assembly.pk).update(
        votes_close_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assembly.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        results.close_vote(assembly, user=None)
        closing = time.perf_counter() - started
    assembly.refresh_from_db()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as minutes_queries:
        link = results.write_minutes(assembly, user=None)
    minutes = time.perf_counter() - started
    quorum = assembly.quorum_result["attendance"]
    return {
        "size": size,
        "ballots": Ballot.objects.filter(resolution__page=assembly).count(),
        "bulk": (written, built),
        "service": service_timings,
        "vote_queries": vote_queries,
        "single": single_timings,
        "single_queries": single_queries,
        "page": page_timings,
        "closing": closing,
        "closing_queries": len(captured),
        "minutes": minutes,
        "minutes_queries": len(minutes_queries),
        "minutes_bytes": link.document.file_size,
        "quorum": quorum,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--votes", type=int, default=200)
    parser.add_argument("--posts", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    others = Associate.objects.exclude(user__username__startswith=PREFIX).count()
    if others:
        sys.exit(f"{others} associés qui ne sont pas ceux du banc : une base jetable, svp.")
    clear_previous_run()
    print(f"database: {connection.vendor}")
    for size in sorted(args.sizes):
        found = run(size, votes=args.votes, posts=args.posts)
        written, built = found["bulk"]
        quorum = found["quorum"]
        print(
            f"\n{size} associates, {size // 6} proxies, {RESOLUTIONS} resolutions: "
            f"{found['ballots']} ballots ({written} written in bulk in {built:.1f} s)"
        )
        print(
            f"  vote (service, {RESOLUTIONS} resolutions at once): {ms(found['service'])}, "
            f"{found['vote_queries']} queries"
        )
        print(
            f"  vote (service, one resolution): {ms(found['single'])}, "
            f"{found['single_queries']} queries"
        )
        if found["page"]:
            print(f"  vote (POST of the voting page): {ms(found['page'])}")
        print(
            f"  close the vote (results, quorum, minutes): {found['closing'] * 1000:.0f} ms, "
            f"{found['closing_queries']} queries"
        )
        print(
            f"  of which the minutes alone (written again): {found['minutes'] * 1000:.0f} ms, "
            f"{found['minutes_queries']} queries, {found['minutes_bytes'] // 1024} KB"
        )
        print(
            f"  attendance: {quorum['participants']} of {quorum['voting_rights']} "
            f"({quorum['present']} present, {quorum['online']} online, "
            f"{quorum['represented']} represented)"
        )


if __name__ == "__main__":
    main()
