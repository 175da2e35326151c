"""The forms of what each user keeps for themselves: a saved view's name, a list's columns, the colour scheme."""

from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms import CheckedForm
from models import VIEW_NAME_MAX, SavedView, db, view_name_key
from validators import no_control_characters, strip

QUERY_MAX = 2000  # a saved view's query string: far more than any list's search and filters take


class ViewNameForm(CheckedForm):
    """A saved view's name: unique among its owner's views of the same list, ignoring case."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Give the view a name."), Length(max=VIEW_NAME_MAX), no_control_characters],
        render_kw={"maxlength": VIEW_NAME_MAX, "autocomplete": "off"},
    )

    def __init__(self, *args, owner_id: int, list_name: str, view: SavedView | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id, self.list_name, self.view = owner_id, list_name, view

    def validate_name(self, field):
        if field.errors:
            return
        taken = db.select(SavedView.name).where(SavedView.owner_id == self.owner_id,
                                                SavedView.resource == self.list_name,
                                                SavedView.name_key == view_name_key(field.data))
        if self.view is not None:
            taken = taken.where(SavedView.id != self.view.id)
        if (name := db.session.scalar(taken.limit(1))) is not None:
            choose = "another name" if name == field.data else "a name that differs by more than its capitals"
            raise ValidationError(f"You have a view of {self.list_name} named “{name}” already: choose {choose}.")


class SaveViewForm(ViewNameForm):
    """The list as it is now (its query string), saved under a name. Which list is the view's to say (a resource's
    name, posted as `resource`)."""

    query = HiddenField(validators=[Length(max=QUERY_MAX, message="This list's search and filters are too long to save.")])
    shared = BooleanField("Share with everyone")


class ColumnsForm(CheckedForm):
    """The columns a list shows its user (which list is posted as `resource`); `choices` are its columns."""

    query = HiddenField(validators=[Length(max=QUERY_MAX)])  # the list to go back to
    columns = SelectMultipleField("Columns", widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                  validate_choice=False)


class ColorSchemeForm(CheckedForm):
    color_scheme = RadioField("Colour scheme", choices=[
        SelectChoice("system", "As the device is set (light or dark)"),
        SelectChoice("light", "Light"),
        SelectChoice("dark", "Dark"),
    ], validators=[DataRequired("Choose a colour scheme.")])
