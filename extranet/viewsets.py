"""The extranet in Wagtail's admin: one "Associés" menu with the associates, their
capital movements and the voting colleges, the CSV import and the invitations.

Every write goes through `extranet.services.membership` (groups kept in step with the
membership, movements saved under a lock, balances never typed). Amounts are typed
and exported in euros, stored in cents. Movements and associates are never deleted
from the admin: a mistake is corrected by editing, or by a counter-movement; an
associate who leaves is marked "sorti".
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from extranet.constants import IMPORT_MAX_BYTES, AssociateStatus, Instrument
from extranet.models import Associate, College, HoldingMovement, format_euros
from extranet.services import membership
from home.exports import EuroExportMixin
from home.forms import EurosField
from home.viewsets import AddLabelMixin, LocalDateColumn, NoDeletePolicy, WordSearchMixin

# --- permissions --------------------------------------------------------------------


POLICIES = {
    Associate: NoDeletePolicy(Associate),
    HoldingMovement: NoDeletePolicy(HoldingMovement),
}


class ServiceErrorsMixin:
    """A ValidationError raised by a service at save time (a race the form could not
    see) is shown on the form instead of an error page."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)


# --- colleges -----------------------------------------------------------------------


class CollegeCreateView(ServiceErrorsMixin, CreateView):
    def save_instance(self):
        return membership.save_college(college=self.form.save(commit=False))


class CollegeEditView(ServiceErrorsMixin, EditView):
    def save_instance(self):
        return membership.save_college(college=self.form.save(commit=False))


class CollegeViewSet(AddLabelMixin, ModelViewSet):
    model = College
    name = "extranet-colleges"
    icon = "group"
    menu_label = gettext_lazy("Collèges")
    add_item_label = gettext_lazy("Ajouter un collège")
    add_view_class = CollegeCreateView
    edit_view_class = CollegeEditView
    copy_view_enabled = False
    list_display = ["name", "slug", "sort_order", Column("group", label=gettext_lazy("Groupe"))]
    form_fields = ["name", "slug", "description", "sort_order"]
    search_fields = ["name"]
    search_backend_name = None


# --- associates ---------------------------------------------------------------------


class AssociateForm(WagtailAdminModelForm):
    """The associate and, on their account, their name and address."""

    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        max_length=254,
        help_text=gettext_lazy(
            "Elle sert d'identifiant à un nouvel associé, et reçoit l'invitation."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.initial.update(
                first_name=user.first_name, last_name=user.last_name, email=user.email
            )

    def account_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("first_name", "last_name", "email")}


class HoldingsPanel(Panel):
    """The associate's balances and movements, derived, above the form."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "extranet/admin/holdings_panel.html"

        def is_shown(self):
            return bool(self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            associate = self.instance
            context["holdings"] = associate.holdings()
            context["movements"] = list(associate.movements.order_by("-date", "-pk")[:50])
            context["add_movement_url"] = (
                reverse("extranet-movements:add") + f"?associate={associate.pk}"
            )
            context["movements_url"] = (
                reverse("extranet-movements:index") + f"?associate={associate.pk}"
            )
            return context


class AssociateFilterSet(WagtailFilterSet):
    college = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Collège"), queryset=College.objects.all()
    )

    class Meta:
        model = Associate
        fields = ["college", "status", "consent_electronic"]


class AssociateIndexView(WordSearchMixin, EuroExportMixin, IndexView):
    euro_columns = {
        "parts_euros": "parts_cents",
        "participating_euros": "participating_cents",
        "current_account_euros": "current_account_cents",
        "total_euros": "total_cents",
    }

    @cached_property
    def add_item_label(self):
        return _("Ajouter un associé")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("Importer un fichier CSV"),
                    url=reverse("extranet-associates:import"),
                    icon_name="upload",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.status == AssociateStatus.ACTIVE and self.permission_policy.user_has_permission(
            self.request.user, "change"
        ):
            buttons.append(
                ListingButton(
                    _("Inviter"),
                    url=reverse("extranet-associates:invite", args=[instance.pk]),
                    icon_name="mail",
                    priority=30,
                )
            )
        return buttons


class AssociateCreateView(ServiceErrorsMixin, CreateView):
    def save_instance(self):
        fields = {
            name: self.form.cleaned_data[name]
            for name in (
                "college",
                "member_since",
                "status",
                "left_on",
                "organisation",
                "consent_electronic",
                "consent_date",
                "postal_address",
                "note",
            )
        }
        return membership.create_associate(**self.form.account_fields(), **fields)

    def get_success_message(self, instance):
        return _(
            "Associé « %(name)s » ajouté. Envoyez-lui l'invitation à choisir son mot de "
            "passe (menu de sa ligne : « Inviter »)."
        ) % {"name": instance}


class AssociateEditView(ServiceErrorsMixin, EditView):
    def save_instance(self):
        return membership.save_associate(
            associate=self.form.save(commit=False), **self.form.account_fields()
        )

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.object.status == AssociateStatus.ACTIVE:
            buttons.append(
                HeaderButton(
                    _("Inviter"),
                    url=reverse("extranet-associates:invite", args=[self.object.pk]),
                    icon_name="mail",
                )
            )
        return buttons


class AssociateInviteView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Confirm, then email the associate the link to choose their password."""

    permission_policy = POLICIES[Associate]
    permission_required = "change"
    form_class = forms.Form
    template_name = "extranet/admin/invite_form.html"
    page_title = gettext_lazy("Inviter un associé")
    header_icon = "mail"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Associate.objects.select_related("user"), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            associate=self.object,
            action_url=self.request.get_full_path(),
            submit_button_label=_("Envoyer l'invitation"),
            submit_button_active_label=_("Envoi…"),
            index_url=reverse("extranet-associates:index"),
        )
        return context

    def form_valid(self, form):
        try:
            membership.invite_associate(associate=self.object, invited_by=self.request.user)
        except ValueError as refused:
            messages.error(self.request, str(refused))
        else:
            messages.success(
                self.request,
                _("Invitation envoyée à %(email)s.") % {"email": self.object.user.email},
            )
        return redirect("extranet-associates:index")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        help_text=gettext_lazy(
            "Encodé en UTF-8, séparateur « ; » ou « , ». Première ligne : les noms des colonnes."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("Le fichier dépasse %(size)d Ko : découpez-le.")
                % {"size": IMPORT_MAX_BYTES // 1000}
            )
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError(_("Le fichier n'est pas un texte lisible (UTF-8 attendu)."))


class ImportConfirmForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, max_length=IMPORT_MAX_BYTES)
    invite = forms.BooleanField(
        label=gettext_lazy("Inviter aussitôt les nouveaux associés"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Chacun reçoit un lien pour choisir son mot de passe."),
    )


class AssociateImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a CSV, read the dry run's report, then confirm the import."""

    permission_policy = POLICIES[Associate]
    permission_required = "add"
    template_name = "extranet/admin/import_form.html"
    page_title = gettext_lazy("Importer des associés")
    header_icon = "upload"

    def get_form_class(self):
        return ImportConfirmForm if "confirm" in self.request.POST else ImportUploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            index_url=reverse("extranet-associates:index"),
            colleges=College.objects.all(),
            form_is_multipart=True,
            submit_button_label=_("Essayer ce fichier"),
            submit_button_active_label=_("Lecture…"),
        )
        return context

    def form_valid(self, form):
        if isinstance(form, ImportUploadForm):
            csv_text = form.cleaned_data["file"]
            report = membership.import_associates(csv_text, dry_run=True)
            confirm = ImportConfirmForm(initial={"csv_text": csv_text}) if report.ok else None
            return self.render_to_response(
                self.get_context_data(form=ImportUploadForm(), report=report, confirm=confirm)
            )
        report = membership.import_associates(
            form.cleaned_data["csv_text"],
            dry_run=False,
            invite=form.cleaned_data["invite"],
            invited_by=self.request.user,
        )
        if not report.ok:
            messages.error(self.request, _("Rien n'a été importé : corrigez le fichier."))
            return self.render_to_response(
                self.get_context_data(form=ImportUploadForm(), report=report)
            )
        messages.success(
            self.request,
            _("%(count)d associés importés%(invited)s.")
            % {
                "count": report.created_associates,
                "invited": _(" et invités") if form.cleaned_data["invite"] else "",
            },
        )
        return redirect("extranet-associates:index")


class AssociateViewSet(ModelViewSet):
    model = Associate
    name = "extranet-associates"
    icon = "user"
    menu_label = gettext_lazy("Associés")
    index_view_class = AssociateIndexView
    add_view_class = AssociateCreateView
    edit_view_class = AssociateEditView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    list_display = [
        "display_name",
        Column("email", label=gettext_lazy("Courriel"), accessor="user.email"),
        Column("college", label=gettext_lazy("Collège"), accessor="college.name"),
        Column("status", label=gettext_lazy("Statut"), accessor="get_status_display"),
        BooleanColumn("consent_electronic", label=gettext_lazy("Convocation par courriel")),
        Column("parts_count", label=gettext_lazy("Parts"), sort_key="parts_count"),
        Column(
            "total",
            label=gettext_lazy("Total"),
            accessor=lambda associate: format_euros(associate.total_cents),
            sort_key="total_cents",
        ),
        LocalDateColumn("member_since", label=gettext_lazy("Depuis le"), sort_key="member_since"),
    ]
    filterset_class = AssociateFilterSet
    search_fields = ["user__first_name", "user__last_name", "user__email", "organisation"]
    search_backend_name = None
    export_filename = "associes"
    list_export = [
        "user.last_name",
        "user.first_name",
        "user.email",
        "organisation",
        "college.name",
        "get_status_display",
        "member_since",
        "left_on",
        "consent_electronic",
        "consent_date",
        "postal_address",
        "parts_count",
        "parts_euros",
        "participating_euros",
        "current_account_euros",
        "total_euros",
    ]
    export_headings = {
        "user.last_name": gettext_lazy("Nom"),
        "user.first_name": gettext_lazy("Prénom"),
        "user.email": gettext_lazy("Courriel"),
        "organisation": gettext_lazy("Structure"),
        "college.name": gettext_lazy("Collège"),
        "get_status_display": gettext_lazy("Statut"),
        "member_since": gettext_lazy("Associé depuis le"),
        "left_on": gettext_lazy("Sorti le"),
        "consent_electronic": gettext_lazy("Convocation par courriel"),
        "consent_date": gettext_lazy("Date de l'accord"),
        "postal_address": gettext_lazy("Adresse postale"),
        "parts_count": gettext_lazy("Parts sociales (nombre)"),
        "parts_euros": gettext_lazy("Parts sociales (€)"),
        "participating_euros": gettext_lazy("Titres participatifs (€)"),
        "current_account_euros": gettext_lazy("Compte courant d'associé (€)"),
        "total_euros": gettext_lazy("Total (€)"),
    }
    edit_handler = ObjectList(
        [
            HoldingsPanel(heading=gettext_lazy("Avoirs")),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
                    FieldPanel("email"),
                    FieldPanel("organisation"),
                ],
                heading=gettext_lazy("Identité"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("college"),
                    FieldRowPanel([FieldPanel("member_since"), FieldPanel("status")]),
                    FieldPanel("left_on"),
                ],
                heading=gettext_lazy("Sociétariat"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("consent_electronic"), FieldPanel("consent_date")]),
                    FieldPanel("postal_address"),
                ],
                heading=gettext_lazy("Convocations"),
            ),
            FieldPanel("note"),
        ],
        base_form_class=AssociateForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        """The listing and its export read the balances in the same query."""
        return super().get_index_view_kwargs(
            queryset=Associate.objects.select_related("user", "college").with_holdings(),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", AssociateImportView.as_view(), name="import"),
            path("<int:pk>/inviter/", AssociateInviteView.as_view(), name="invite"),
        ]


# --- movements ----------------------------------------------------------------------


class MovementForm(WagtailAdminModelForm):
    """Amounts in euros; for parts sociales the amount is their count times their value."""

    amount_cents = EurosField(
        label=gettext_lazy("Montant (€)"),
        required=False,
        help_text=gettext_lazy("Calculé pour les parts sociales : nombre × valeur nominale."),
    )
    nominal_value_cents = EurosField(
        label=gettext_lazy("Valeur nominale d'une part (€)"), required=False
    )

    class Meta:
        widgets = {"date": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The associate of a movement stays; a mistake is a new movement.
            self.fields["associate"].disabled = True


class MovementFilterSet(WagtailFilterSet):
    college = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Collège"),
        queryset=College.objects.all(),
        field_name="associate__college",
    )

    class Meta:
        model = HoldingMovement
        fields = ["associate", "instrument", "kind", "college"]


class MovementIndexView(WordSearchMixin, EuroExportMixin, IndexView):
    euro_columns = {"amount_euros": "amount_cents", "nominal_euros": "nominal_value_cents"}

    @cached_property
    def add_item_label(self):
        return _("Enregistrer un mouvement")


class MovementCreateView(ServiceErrorsMixin, CreateView):
    def get_initial(self):
        initial = super().get_initial()
        associate = self.request.GET.get("associate", "")
        if associate.isdigit():
            initial["associate"] = int(associate)
        initial.setdefault("instrument", Instrument.PARTS)
        return initial

    def save_instance(self):
        return membership.record_movement(movement=self.form.save(commit=False))


class MovementEditView(ServiceErrorsMixin, EditView):
    def save_instance(self):
        return membership.record_movement(movement=self.form.save(commit=False))


class HoldingMovementViewSet(ModelViewSet):
    model = HoldingMovement
    name = "extranet-movements"
    icon = "form"
    menu_label = gettext_lazy("Mouvements de capital")
    index_view_class = MovementIndexView
    add_view_class = MovementCreateView
    edit_view_class = MovementEditView
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        Column("associate", label=gettext_lazy("Associé"), accessor="associate"),
        LocalDateColumn("date", label=gettext_lazy("Date"), sort_key="date"),
        Column("instrument", label=gettext_lazy("Instrument"), accessor="get_instrument_display"),
        Column("kind", label=gettext_lazy("Mouvement"), accessor="get_kind_display"),
        Column("quantity", label=gettext_lazy("Parts")),
        Column("amount", label=gettext_lazy("Montant"), accessor="amount_display"),
    ]
    filterset_class = MovementFilterSet
    search_fields = ["associate__user__first_name", "associate__user__last_name", "note"]
    search_backend_name = None
    export_filename = "mouvements-de-capital"
    list_export = [
        "date",
        "associate.user.last_name",
        "associate.user.first_name",
        "associate.user.email",
        "associate.college.name",
        "get_instrument_display",
        "get_kind_display",
        "quantity",
        "nominal_euros",
        "amount_euros",
        "note",
    ]
    export_headings = {
        "date": gettext_lazy("Date"),
        "associate.user.last_name": gettext_lazy("Nom"),
        "associate.user.first_name": gettext_lazy("Prénom"),
        "associate.user.email": gettext_lazy("Courriel"),
        "associate.college.name": gettext_lazy("Collège"),
        "get_instrument_display": gettext_lazy("Instrument"),
        "get_kind_display": gettext_lazy("Mouvement"),
        "quantity": gettext_lazy("Parts"),
        "nominal_euros": gettext_lazy("Valeur nominale (€)"),
        "amount_euros": gettext_lazy("Montant (€)"),
        "note": gettext_lazy("Note"),
    }
    edit_handler = ObjectList(
        [
            FieldPanel("associate"),
            FieldRowPanel([FieldPanel("date"), FieldPanel("instrument"), FieldPanel("kind")]),
            FieldRowPanel(
                [
                    FieldPanel("quantity"),
                    FieldPanel("nominal_value_cents"),
                    FieldPanel("amount_cents"),
                ]
            ),
            FieldPanel("note"),
        ],
        base_form_class=MovementForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=HoldingMovement.objects.select_related(
                "associate__user", "associate__college"
            ),
            **kwargs,
        )


class AssociatesGroup(ViewSetGroup):
    menu_label = gettext_lazy("Associés")
    menu_icon = "group"
    menu_order = 260
    items = [AssociateViewSet, HoldingMovementViewSet, CollegeViewSet]
