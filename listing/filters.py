"""The kinds of filter a resource declares beyond a plain field, and what the filter bar shows of them: several values
of one filter (OR-ed), yes or no, a related row or none, the chips of the filters in use, and the rows a related
filter's search-then-pick found."""

from dataclasses import dataclass

from wtforms import SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from listing.args import RowIdField
from listing.first import first_matches

NONE = "none"  # a related filter's value for "no advisor", "no teacher"
PICKS = 8  # rows a related filter's search offers


class Several(SelectMultipleField):
    """Several values of one filter, any of which a row may have (?grade=3&grade=4): checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label, choices, coerce=str, **kwargs):
        choices = [SelectChoice(value, shown) for value, shown in choices]
        super().__init__(label, choices=choices, coerce=coerce, validators=[Optional()], **kwargs)


def yes_or_no(label: str, yes: str, no: str) -> SelectField:
    return SelectField(label, choices=[SelectChoice("", "Any"), SelectChoice("yes", yes), SelectChoice("no", no)])


def either(condition):
    """A yes-or-no filter's condition from the condition of yes."""
    return lambda value: condition if value == "yes" else ~condition


class RowOrNoneField(RowIdField):
    """A filter by a related row's id, or by having none (?advisor=none)."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] == NONE:
            self.data = NONE
        else:
            super().process_formdata(valuelist)

    def validate(self, form, extra_validators=()):
        return self.data == NONE or super().validate(form, extra_validators)


def row_or_none(column):
    """The condition of a RowOrNoneField on `column` (Student.advisor_id)."""
    return lambda value: column.is_(None) if value == NONE else column == value


@dataclass(frozen=True)
class FilterChip:
    """A filter in use, as "Grade: 3 ×": its label, the value as it reads, and the list's URL without it."""

    label: str
    shown: str
    removal: str


def chips(page, filters) -> list[FilterChip]:
    """A chip per value of every filter in use; related rows read as the page's chips name them."""
    named = {chip.name: chip for chip in page.chips}
    result = []
    for f in filters:
        value, field = page.args.value(f.name), page.args[f.name]
        if value is None:
            continue
        if f.name in named:
            chip = named[f.name]
            result.append(FilterChip(field.label.text, chip.shown or f"#{chip.id} (deleted)", page.without(f.name)))
        elif value == NONE:
            result.append(FilterChip(field.label.text, "none", page.without(f.name)))
        elif isinstance(value, list):
            labels = {choice.value: choice.label for choice in field.choices}
            for one in value:
                rest = [other for other in value if other != one]
                result.append(FilterChip(field.label.text, str(labels.get(one, one)), page.url(**{f.name: rest, "page": None})))
        elif not f.related:
            shown = {c.value: c.label for c in field.choices}.get(value, value) if hasattr(field, "choices") else value
            result.append(FilterChip(field.label.text, str(shown), page.without(f.name)))
    return result


def picks(filters, args) -> dict[str, tuple[str, list]]:
    """For each related filter searched in the filter bar (?advisor_find=padilla): what was typed and the first
    matching rows, to pick one from. Never every row."""
    found = {}
    for f in filters:
        typed = (args.get(f"{f.name}_find") or "")[:100].strip()
        if f.related and typed:
            found[f.name] = typed, first_matches(f.related[0], typed, PICKS)
    return found
