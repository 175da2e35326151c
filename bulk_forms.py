"""What a bulk action asks before it runs: a new advisor, a grade, a course, a role; and a second, explicit yes where
the person doing it would lose their own access or the students of grade 12 would be deleted."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from models import ROLES, Course, User, db
from validators import PickOne


class BulkForm(FlaskForm):
    """An action that asks nothing but the confirmation (and the CSRF token every form carries)."""

    include_me = BooleanField("Yes, include me")  # shown only when the selection holds the person doing it


def active_user(form, field):
    if field.data is not None:
        user = db.session.get(User, field.data)
        if user is not None and not user.active:
            raise ValidationError(f"{user.name} has been deactivated: choose someone active.")


class AdvisorChoice(BulkForm):
    advisor_id = PickOne("New advisor", User)

    def validate_advisor_id(self, field):
        active_user(self, field)


class TeacherChoice(BulkForm):
    teacher_id = PickOne("New teacher", User)

    def validate_teacher_id(self, field):
        active_user(self, field)


class GradeChoice(BulkForm):
    grade = IntegerField("New grade", validators=[InputRequired("Enter a grade."), NumberRange(
        1, 12, "A grade is a whole number from 1 to 12.")], render_kw={"min": 1, "max": 12})


class MoveUpChoice(BulkForm):
    """Asked only when the selection holds grade 12 students (actions.MoveUp.leave_out_moot removes both fields)."""

    twelfth = RadioField("Students in grade 12", default="keep", choices=[
        SelectChoice("keep", "Stay in grade 12"), SelectChoice("delete", "Are deleted (they have left the school)")])
    delete_twelfth = BooleanField("Yes, delete the grade 12 students")
    confirms = {"twelfth": "delete_twelfth"}  # bulk.html shows the second yes inside the choice it confirms

    def validate_delete_twelfth(self, field):
        if self.twelfth.data == "delete" and not field.data:
            raise ValidationError("Tick this to confirm that the grade 12 students are deleted.")


class RequiredPick(PickOne):
    """A pick that must be made: InputRequired in place of PickOne's Optional, so that its legend is not marked
    optional and an empty pick says `message`."""

    def __init__(self, label, model, message, **kwargs):
        super().__init__(label, model, **kwargs)
        self.validators = [InputRequired(message), *(v for v in self.validators if not isinstance(v, Optional))]
        self.flags.required, self.flags.optional = True, False


class CourseChoice(BulkForm):
    course_id = RequiredPick("Course", Course, "Choose a course.")


class RoleChoice(BulkForm):
    # Always one chosen (no empty first option), so no `required` in the HTML, which would then need one.
    role = SelectField("New role", choices=[SelectChoice(role, role.capitalize()) for role in ROLES],
                       validators=[InputRequired("Choose a role.")], render_kw={"required": False})
