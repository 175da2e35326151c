"""A list page's query string, read into a form: values that do not validate are ignored, never an error page."""

from urllib.parse import urlencode

from wtforms import Form, IntegerField, SearchField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, NumberRange, Optional

from models import ID_MAX
from validators import no_control_characters, strip


class ListArgs(Form):
    """The arguments every list takes; a listing adds one field per filter (Listing.arguments)."""

    q = SearchField("Search", filters=[strip], validators=[Optional(), Length(max=200), no_control_characters])
    sort = StringField(validators=[Optional(), Length(max=40)])
    per_page = SelectField("Rows per page", choices=[SelectChoice(n, str(n)) for n in (10, 25, 50, 100)], coerce=int, default=25)
    page = IntegerField(default=1, validators=[NumberRange(min=1, max=10**9)])
    default_sort = ""  # the listing's (Listing.arguments): named in the query string or not, the same list

    def __init__(self, formdata):
        super().__init__(formdata)
        self.validate()

    def value(self, name):
        field = self[name]
        if field.errors or field.data in ("", None, []) or (name == "sort" and field.data == self.default_sort):
            return field.default
        return field.data

    def params(self) -> dict:
        """The arguments that differ from their defaults."""
        return {name: self.value(name) for name in self._fields if self.value(name) != self[name].default}

    def query(self) -> str:
        """The arguments that differ from their defaults, as a query string: each of several values its own
        (grade=9&grade=10)."""
        return urlencode(self.params(), doseq=True)

    @property
    def offset(self) -> int:
        """How many rows come before the page asked for."""
        return (self.value("page") - 1) * self.value("per_page")

    @property
    def narrowed(self) -> set[str]:
        """The search and filter arguments in use."""
        return set(self.params()) - {"sort", "per_page", "page", "columns"}


class RowIdField(IntegerField):
    """A filter by a related row's id (?advisor=12): ignored, like any value that does not validate, when no row
    could have it."""

    def __init__(self, label, **kwargs):
        super().__init__(label, validators=[Optional(), NumberRange(1, ID_MAX)], **kwargs)


class ColumnsField(SelectMultipleField):
    """The columns a list shows (?columns=name&columns=grade), of those it has: other names are left out, not
    refused, so one unknown name does not undo the rest."""

    def __init__(self, label, choices, **kwargs):
        super().__init__(label, choices=choices, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        known = {choice.value for choice in self.choices}
        self.data = [name for name in dict.fromkeys(valuelist) if name in known]
