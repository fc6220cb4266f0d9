"""The associate's forms of a general assembly: finding and choosing a proxy holder, and
the voting form (one fieldset per resolution, for themself and each principal)."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from extranet.constants import RECEIPT_LENGTH, VoteChoice
from extranet.models import AssemblyResolution, Ballot
from extranet.services import assemblies as services
from home.forms import ErrorSummaryMixin, PublicTextField

VOTE_PREFIX = "vote_"
RECEIPT_PREFIX = "recu_"


class HolderSearchForm(forms.Form):
    """GET: narrows the list of associates by name; changes nothing."""

    q = PublicTextField(
        label=_("Nom de l'associé"),
        required=False,
        max_length=100,
        help_text=_("Un prénom, un nom ou une structure ; la liste ci-dessous se restreint."),
    )

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class ProxyForm(ErrorSummaryMixin, forms.Form):
    """The holder chosen among the associates who may receive the proxy. The template
    shows the radio buttons of the search results only; any eligible associate's id is
    accepted (a search made before a reload), any other refused."""

    holder = forms.ModelChoiceField(
        label=_("Mandataire"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez l'associé à qui donner procuration."),
            "invalid_choice": _(
                "Cet associé ne peut pas recevoir de procuration : choisissez-en un dans la liste."
            ),
        },
    )

    def __init__(self, *args, assembly, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = services.holder_candidates(assembly, principal=principal)


@dataclass
class VoteCell:
    """One fieldset of the voting form: a resolution, for one person."""

    resolution: AssemblyResolution
    number: int
    field: forms.BoundField
    receipt_field: forms.BoundField | None
    voted: bool
    ballot: Ballot | None
    person: services.Person

    @property
    def legend(self) -> str:
        return f"{self.number}. {self.resolution.title}"

    @property
    def hint(self) -> str:
        """What is recorded already, said next to the choices."""
        parts = []
        if self.resolution.secret:
            parts.append(_gettext("Vote à bulletin secret."))
        if self.ballot is not None:
            parts.append(
                _gettext("Vote enregistré : %(choice)s (code de reçu %(receipt)s).")
                % {"choice": self.ballot.get_choice_display(), "receipt": self.ballot.receipt}
            )
        elif self.voted:
            parts.append(
                _gettext(
                    "Vote enregistré. Pour le changer, choisissez à nouveau et donnez son code "
                    "de reçu ci-dessous."
                )
            )
        return " ".join(parts)


@dataclass
class VoteSection:
    person: services.Person
    cells: list[VoteCell]


def vote_field_name(associate_id: int, resolution_id: int) -> str:
    return f"{VOTE_PREFIX}{associate_id}_{resolution_id}"


def receipt_field_name(associate_id: int, resolution_id: int) -> str:
    return f"{RECEIPT_PREFIX}{associate_id}_{resolution_id}"


class VoteForm(ErrorSummaryMixin, forms.Form):
    """pour / contre / abstention on each resolution, for the voter and each principal.

    A blank choice leaves a resolution as it is (not voted yet, or voted before). Open
    ballots come back with their current choice; a secret ballot already cast shows no
    choice and asks for its receipt code to be changed.
    """

    def __init__(self, *args, sheet: services.VotingSheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.keys: dict[str, tuple[int, int]] = {}
        for person in sheet.people:
            for resolution in sheet.resolutions:
                pair = (person.associate.pk, resolution.pk)
                name = vote_field_name(*pair)
                ballot = sheet.open_ballots.get(pair)
                self.fields[name] = forms.ChoiceField(
                    label=resolution.title,
                    choices=[(value, label.capitalize()) for value, label in VoteChoice.choices],
                    widget=forms.RadioSelect,
                    required=False,
                    initial=ballot.choice if ballot else None,
                    error_messages={"invalid_choice": _("Choisissez pour, contre ou abstention.")},
                )
                self.keys[name] = pair
                if resolution.secret and pair in sheet.voted:
                    self.fields[receipt_field_name(*pair)] = forms.CharField(
                        label=_("Code de reçu de ce vote secret"),
                        required=False,
                        max_length=RECEIPT_LENGTH * 2,
                        help_text=_(
                            "Pour changer ce vote : le code affiché quand vous l'avez fait."
                        ),
                        widget=forms.TextInput(
                            attrs={"autocomplete": "off", "spellcheck": "false"}
                        ),
                    )

    def unknown_fields(self) -> list[str]:
        """Vote or receipt fields posted that this voter's form does not have: ids
        changed by hand, a proxy or resolution that is not theirs."""
        return [
            name
            for name in self.data
            if name.startswith((VOTE_PREFIX, RECEIPT_PREFIX)) and name not in self.fields
        ]

    def clean(self):
        cleaned = super().clean()
        self.choices: dict[tuple[int, int], str] = {}
        self.receipts: dict[tuple[int, int], str] = {}
        for name, pair in self.keys.items():
            choice = cleaned.get(name)
            if not choice:
                continue
            receipt_name = receipt_field_name(*pair)
            if receipt_name in self.fields:
                code = services.normalize_receipt(cleaned.get(receipt_name) or "")
                if not code:
                    self.add_error(
                        receipt_name,
                        _gettext(
                            "Un vote secret est déjà enregistré ici : pour le changer, donnez "
                            "le code de reçu affiché quand vous l'avez fait. Sans lui, il ne "
                            "peut pas être changé."
                        ),
                    )
                    continue
                self.receipts[pair] = code
            ballot = self.sheet.open_ballots.get(pair)
            if ballot is not None and ballot.choice == choice:
                continue  # as it was: nothing to write
            self.choices[pair] = choice
        if not self.errors and not self.choices:
            if any(pair in self.sheet.voted for pair in self.keys.values()):
                raise forms.ValidationError(
                    _gettext("Vous n'avez changé aucun vote : choisissez un autre choix.")
                )
            raise forms.ValidationError(_gettext("Choisissez pour, contre ou abstention."))
        return cleaned

    def sections(self) -> list[VoteSection]:
        """The form's fields grouped as the template shows them: per person, then per
        resolution."""
        sections = []
        for person in self.sheet.people:
            cells = []
            for number, resolution in enumerate(self.sheet.resolutions, 1):
                pair = (person.associate.pk, resolution.pk)
                receipt_name = receipt_field_name(*pair)
                cells.append(
                    VoteCell(
                        resolution=resolution,
                        number=number,
                        field=self[vote_field_name(*pair)],
                        receipt_field=self[receipt_name] if receipt_name in self.fields else None,
                        voted=pair in self.sheet.voted,
                        ballot=self.sheet.open_ballots.get(pair),
                        person=person,
                    )
                )
            sections.append(VoteSection(person=person, cells=cells))
        return sections
