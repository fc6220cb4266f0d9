"""Spreadsheet exports of the admin listings (CSV and XLSX): safe to open, and read by a
French spreadsheet as the staff see the listing. Every export of the site goes through
`SafeExportMixin` (money columns through its `EuroExportMixin`):

- Formulas neutralised. A spreadsheet runs a cell that starts like a formula (`=`, `+`,
  `-`, `@`, or a tab or CR before them): a name typed as `=HYPERLINK("http://…")` would
  become a live link in the staff's spreadsheet. Such cells get a leading quote; phone
  numbers (`+33 3 84…`) and negative amounts (`-12,50`) stay as they are.
- CSV for a French spreadsheet: `;` between cells, a UTF-8 BOM (without it Excel reads
  the file as Windows-1252 and shows one column), decimal comma (`1234,56`).
- Times in Europe/Paris to the minute, as the listings show them (`date_text`, the
  listings' `LocalDateColumn` in home.viewsets): the CSV writes that text; the XLSX a
  Paris date-time without time zone (Excel has none: an aware time would be written in
  UTC, one or two hours off) shown with the same format.
- French values: oui/non for booleans; a field with choices gives its label
  (`get_status_display`: « liste d'attente », never `waiting`).
- One row for both formats (`to_row_dict`): the CSV and the XLSX have the same columns.
- The two export buttons stand in the listing's header, not under its "…" menu.
"""

import csv
import datetime
import re
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils import dateformat, timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.views.mixins import Echo
from wagtail.admin.widgets.button import HeaderButton
from wagtail.coreutils import multigetattr

from home.money import cents_to_euros

_FORMULA_START = re.compile(r"^[=@\t\r]|^[+\-](?![\d\s().,\-]*$)")

# What the listings show and the CSV writes (Django's French SHORT_DATE(TIME)_FORMAT),
# and the same for a spreadsheet's cells.
DATE_FORMAT, DATETIME_FORMAT = "d/m/Y", "d/m/Y H:i"
XLSX_DATE_FORMAT, XLSX_DATETIME_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
CSV_DELIMITER = ";"
BOM = "\ufeff"
YES, NO = "oui", "non"


def neutralise_formula(value):
    """`value` with a leading quote when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def local_time(value: datetime.datetime) -> datetime.datetime:
    """`value` in Europe/Paris (TIME_ZONE), without time zone nor microseconds."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def date_text(value) -> str:
    """A date or time as the admin listings show it and the CSV writes it:
    "12/03/2026 14:05" in Europe/Paris, "12/03/2026" for a date; "" for none."""
    if isinstance(value, datetime.datetime):
        return dateformat.format(local_time(value), DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return dateformat.format(value, DATE_FORMAT)
    return ""


def spreadsheet_value(value, export_format: str):
    """What a cell holds, the same in both formats except where a spreadsheet reads the
    CSV's text back into the XLSX's type (times, dates, numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.datetime):
        return date_text(value) if export_format == "csv" else local_time(value)
    if isinstance(value, datetime.date):
        return date_text(value) if export_format == "csv" else value
    if isinstance(value, int | float | Decimal):
        return str(value).replace(".", ",") if export_format == "csv" else value
    if isinstance(value, list | tuple | set):
        return ", ".join(force_str(item) for item in value)
    return force_str(value)


class SafeExportMixin:
    """For Wagtail index views (SnippetViewSet/ModelViewSet `index_view_class`)."""

    def to_row_dict(self, item):
        return {field: self.export_cell(item, field) for field in self.list_export}

    def export_cell(self, item, field):
        """The value of `field` for `item`: an empty cell when a dotted path crosses an
        empty link (an idea without a theme); a choice's French label."""
        head, _dot, rest = field.partition(".")
        if rest and getattr(item, head, None) is None:
            return ""
        if field in self._choice_fields:
            return getattr(item, f"get_{field}_display")()
        return multigetattr(item, field)

    @cached_property
    def _choice_fields(self) -> set[str]:
        fields = set()
        for name in self.list_export:
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if getattr(field, "choices", None):
                fields.add(name)
        return fields

    def get_heading(self, queryset, field):
        """The column's French heading: `export_headings`, else the field's verbose name,
        also for `get_status_display` (never "Get status display") and `pk`."""
        if field not in self.export_headings:
            if field == "pk":
                return _("Numéro")
            choice = re.fullmatch(r"get_(\w+)_display", field)
            if choice:
                field = choice[1]
        return super().get_heading(queryset, field)

    def preprocess_field_value(self, field, value, export_format):
        custom = self.custom_field_preprocess.get(field, {})
        if export_format in custom:
            value = custom[export_format](value)
        return neutralise_formula(spreadsheet_value(value, export_format))

    # --- CSV: BOM and `;` --------------------------------------------------------------

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=CSV_DELIMITER)
        yield BOM.encode() + writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export}
        )
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    # --- XLSX: Paris times shown as in the listing --------------------------------------

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=self.sheet_title())
        worksheet.append(self.get_heading(queryset, field) for field in self.list_export)
        for item in queryset:
            worksheet.append(self.generate_xlsx_row(worksheet, self.to_row_dict(item)))
        workbook.save(output)

    def sheet_title(self) -> str:
        title = capfirst(force_str(self.model._meta.verbose_name_plural))
        return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        from openpyxl.cell import WriteOnlyCell

        for field, value in row_dict.items():
            cell = WriteOnlyCell(
                worksheet, self.preprocess_field_value(field, value, self.FORMAT_XLSX)
            )
            if cell.data_type == "f":
                cell.data_type = "s"  # never a formula (openpyxl sees one in "=…")
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = XLSX_DATE_FORMAT
            yield cell

    # --- the buttons, in sight ----------------------------------------------------------

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.show_export_buttons:
            buttons += [
                HeaderButton(
                    _("Exporter en XLSX"),
                    url=self.xlsx_export_url,
                    icon_name="download",
                    priority=1100,
                ),
                HeaderButton(
                    _("Exporter en CSV"),
                    url=self.csv_export_url,
                    icon_name="download",
                    priority=1200,
                ),
            ]
        return buttons

    @cached_property
    def header_more_buttons(self):
        exports = {self.xlsx_export_url, self.csv_export_url}
        return [
            button
            for button in super().header_more_buttons
            if getattr(button, "url", None) not in exports
        ]


class EuroExportMixin(SafeExportMixin):
    """Safe exports whose `euro_columns` (export name -> the attribute in cents) are
    written in euros, as numbers a spreadsheet adds up, never in cents."""

    euro_columns: dict[str, str] = {}

    def export_cell(self, item, field):
        if field in self.euro_columns:
            return cents_to_euros(multigetattr(item, self.euro_columns[field]))
        return super().export_cell(item, field)
