"""Spreadsheet exports of the admin listings (CSV and XLSX), made safe to open.

A spreadsheet runs a cell that starts like a formula (`=`, `+`, `-`, `@`, or a tab
or CR before them): a name typed as `=HYPERLINK("http://…")` would become a live
link in the staff's spreadsheet. Every export of the site goes through
`SafeExportMixin`, which writes such cells with a leading quote. Phone numbers
(`+33 3 84…`) and negative amounts (`-12,50`) stay as they are.
"""

import re

from wagtail.coreutils import multigetattr

from home.money import cents_to_euros

_FORMULA_START = re.compile(r"^[=@\t\r]|^[+\-](?![\d\s().,\-]*$)")


def neutralise_formula(value):
    """`value` with a leading quote when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


class SafeExportMixin:
    """For Wagtail index views (SnippetViewSet/ModelViewSet `index_view_class`)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise_formula(value)

    def to_row_dict(self, item):
        return {field: self.export_cell(item, field) for field in self.list_export}

    def export_cell(self, item, field):
        """An empty cell when a dotted path crosses an empty link (an idea without a theme)."""
        head, _, rest = field.partition(".")
        if rest and getattr(item, head, None) is None:
            return ""
        return multigetattr(item, field)


class EuroExportMixin(SafeExportMixin):
    """Safe exports whose `euro_columns` (export name -> the attribute in cents) are
    written in euros, as numbers a spreadsheet adds up, never in cents."""

    euro_columns: dict[str, str] = {}

    def export_cell(self, item, field):
        if field in self.euro_columns:
            return cents_to_euros(multigetattr(item, self.euro_columns[field]))
        return super().export_cell(item, field)
