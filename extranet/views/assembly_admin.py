"""Running a general assembly from Wagtail's admin ("Piloter l'assemblée", a button on
the assembly page): the check list and the convocation, the letters and labels for
the associates convened by post, the attendance sheet, the show-of-hands counts, and
closing the vote. Staff who may edit the page may run it; closing needs the right to
publish it.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from extranet.constants import ConvocationChannel
from extranet.models import AssemblyResolution, Associate, College, GeneralAssemblyPage
from extranet.services import convocation, letters, results, room
from home.organisation import organisation_for

SHEET_PAGE_SIZE = 50


class ConvocationForm(forms.Form):
    override_reason = forms.CharField(
        label=gettext_lazy("Raison de la dérogation au délai"),
        required=False,
        max_length=convocation.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Seulement si l'assemblée a lieu dans moins de 15 jours : la raison est gardée "
            "au journal de l'assemblée."
        ),
    )


class RoomCountForm(forms.Form):
    """One row per college: for, against, abstain."""

    def __init__(self, *args, colleges, initial_counts, **kwargs):
        super().__init__(*args, **kwargs)
        self.colleges = colleges
        for college in colleges:
            counts = initial_counts.get(college.pk, (0, 0, 0))
            for index, (key, label) in enumerate(
                (("for", _("pour")), ("against", _("contre")), ("abstain", _("abstentions")))
            ):
                self.fields[f"{key}_{college.pk}"] = forms.IntegerField(
                    label=f"{college.name} : {label}",
                    min_value=0,
                    max_value=100_000,
                    initial=counts[index],
                    error_messages={
                        "invalid": _("Un nombre entier."),
                        "min_value": _("Un nombre positif."),
                    },
                )

    def rows(self):
        return [
            (college, [self[f"{key}_{college.pk}"] for key in ("for", "against", "abstain")])
            for college in self.colleges
        ]

    def counts(self) -> dict[int, tuple[int, int, int]]:
        data = self.cleaned_data
        return {
            college.pk: tuple(
                data[f"{key}_{college.pk}"] or 0 for key in ("for", "against", "abstain")
            )
            for college in self.colleges
        }


class AssemblyAdminMixin(WagtailAdminTemplateMixin):
    """Finds the assembly and checks the user may edit it (publish, for `need_publish`)."""

    header_icon = "group"
    need_publish = False

    def dispatch(self, request, *args, **kwargs):
        self.assembly = get_object_or_404(GeneralAssemblyPage, pk=kwargs["page_id"])
        permissions = self.assembly.permissions_for_user(request.user)
        if not permissions.can_edit() or (self.need_publish and not permissions.can_publish()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.assembly.title

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.assembly.pk]),
                "label": self.assembly.title,
            },
            {"url": control_url(self.assembly), "label": _("Pilotage")},
        ]

    def back(self):
        return redirect(control_url(self.assembly))


def control_url(assembly) -> str:
    return reverse("extranet_assembly_control", args=[assembly.pk])


class ControlView(AssemblyAdminMixin, TemplateView):
    template_name = "extranet/admin/assembly_control.html"
    page_title = gettext_lazy("Piloter l'assemblée")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assembly = self.assembly
        channels = dict(
            assembly.convocations.values_list("channel").annotate(n=Count("pk")).order_by()
        )
        eligible = convocation.convened_associates(assembly)
        sheet = room.attendance_sheet(assembly, eligible)
        context.update(
            assembly=assembly,
            checks=convocation.checks(assembly),
            days_before=convocation.days_before(assembly),
            convocation_form=ConvocationForm(),
            by_email=channels.get(ConvocationChannel.EMAIL, 0),
            by_post=channels.get(ConvocationChannel.POST, 0),
            voting_state=assembly.voting_state(),
            eligible_count=len(sheet),
            present_count=sum(line.present for line in sheet),
            online_count=sum(line.voted_online and not line.present for line in sheet),
            represented_count=sum(
                line.represented_by is not None and not line.present and not line.voted_online
                for line in sheet
            ),
            quorum_count=sum(line.counts_for_quorum for line in sheet),
            resolutions=list(assembly.resolutions.annotate(rooms=Count("room_counts"))),
            events=list(assembly.events.select_related("user", "associate__user")[:30]),
            can_publish=assembly.permissions_for_user(self.request.user).can_publish(),
            results_url=f"{assembly.url}resultats/" if assembly.url else "",
        )
        return context


class SendConvocationView(AssemblyAdminMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ConvocationForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("La raison est trop longue."))
            return self.back()
        try:
            counts = convocation.send_convocation(
                self.assembly,
                user=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
        except convocation.ConvocationRefused as refused:
            messages.error(request, str(refused))
        else:
            if counts["email"] or counts["post"]:
                messages.success(
                    request,
                    _(
                        "Convocation envoyée : %(email)s par courriel, %(post)s par la poste "
                        "(imprimez les courriers)."
                    )
                    % counts,
                )
            else:
                messages.warning(request, _("Tous les associés étaient déjà convoqués."))
        return self.back()


class PostalPdfView(AssemblyAdminMixin, TemplateView):
    """The letters (or the labels) of the associates convened by post, as a PDF."""

    labels = False

    def get(self, request, *args, **kwargs):
        convocations = convocation.postal_convocations(self.assembly)
        if self.labels:
            content = letters.labels_pdf(convocations=convocations)
            name = f"etiquettes-{self.assembly.slug}.pdf"
        else:
            content = letters.letters_pdf(
                assembly=self.assembly,
                convocations=convocations,
                organisation=organisation_for(self.assembly.get_site()),
                context=convocation.letter_context(self.assembly),
            )
            name = f"convocations-courrier-{self.assembly.slug}.pdf"
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response


class AttendanceView(AssemblyAdminMixin, TemplateView):
    """The attendance sheet: search an associate, tick them present."""

    template_name = "extranet/admin/assembly_attendance.html"
    page_title = gettext_lazy("Feuille de présence")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[:100]
        associates = convocation.convened_associates(self.assembly)
        for word in query.split():
            associates = associates.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(organisation__icontains=word)
            )
        associates = associates.order_by("user__last_name", "user__first_name", "pk")
        paginator = Paginator(associates, SHEET_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(
            assembly=self.assembly,
            query=query,
            page_obj=page,
            lines=room.attendance_sheet(
                self.assembly, Associate.objects.filter(pk__in=[a.pk for a in page])
            ),
            closed=bool(self.assembly.votes_closed_at),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            associate = Associate.objects.get(pk=int(request.POST.get("associate", "")))
        except (ValueError, Associate.DoesNotExist):
            messages.error(request, _("Associé introuvable."))
        else:
            try:
                room.set_presence(
                    self.assembly,
                    associate=associate,
                    present=request.POST.get("present") == "1",
                    user=request.user,
                )
            except room.RoomRefused as refused:
                messages.error(request, str(refused))
        query = request.POST.get("q", "")[:100]
        page = request.POST.get("p", "")[:6]
        url = reverse("extranet_assembly_attendance", args=[self.assembly.pk])
        return redirect(f"{url}?{urlencode({'q': query, 'p': page})}")


class RoomCountView(AssemblyAdminMixin, TemplateView):
    template_name = "extranet/admin/assembly_room.html"
    page_title = gettext_lazy("Vote en salle")

    def dispatch(self, request, *args, **kwargs):
        self.resolution_id = kwargs["resolution_id"]
        return super().dispatch(request, *args, **kwargs)

    def get_resolution(self) -> AssemblyResolution:
        return get_object_or_404(self.assembly.resolutions, pk=self.resolution_id)

    def get_form(self, data=None):
        resolution = self.get_resolution()
        shared = [share.college for share in self.assembly.college_shares.select_related("college")]
        colleges = shared or list(College.objects.all())
        initial = {
            count.college_id: (count.votes_for, count.votes_against, count.votes_abstaining)
            for count in resolution.room_counts.all()
        }
        return resolution, RoomCountForm(data, colleges=colleges, initial_counts=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resolution, form = kwargs.get("resolution_form") or self.get_form()
        capacity = room.room_capacity(resolution)
        context.update(
            assembly=self.assembly,
            resolution=resolution,
            form=form,
            capacity=[(college, capacity.get(college.pk, 0)) for college in form.colleges],
            closed=bool(self.assembly.votes_closed_at),
        )
        return context

    def post(self, request, *args, **kwargs):
        resolution, form = self.get_form(request.POST)
        if form.is_valid():
            try:
                room.save_room_counts(resolution, counts=form.counts(), user=request.user)
            except room.RoomRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, _("Vote en salle enregistré : %(title)s.") % {"title": resolution}
                )
                return self.back()
        return self.render_to_response(
            self.get_context_data(resolution_form=(resolution, form)), status=400
        )


class CloseVoteView(AssemblyAdminMixin, TemplateView):
    http_method_names = ["post"]
    need_publish = True

    def post(self, request, *args, **kwargs):
        force = request.POST.get("force") == "1"
        if self.assembly.voting_state() in ("open", "upcoming") and not force:
            messages.error(
                request,
                _(
                    "Le vote en ligne est encore ouvert : cochez « clore dès maintenant » pour "
                    "le clore avant l'heure prévue."
                ),
            )
            return self.back()
        try:
            results.close_vote(self.assembly, user=request.user, force=force)
        except results.CloseRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Vote clos : résultats calculés et procès-verbal ajouté aux documents."),
            )
        return self.back()
