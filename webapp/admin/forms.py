"""Admin forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from webapp.auth.forms import AcceptablePassword, ConfirmForm
from webapp.auth.models import Role
from webapp.core.forms import SchemaForm, SchemaSelectField, options
from webapp.vocab.schemas import VOCABULARY_TERM

ROLE_CHOICES = options(
    [
        (Role.PRACTITIONER.value, "Practitioner (own caseload, on a phone)"),
        (Role.STAFF.value, "Staff (the clinic desk)"),
        (Role.ADMIN.value, "Admin (the desk, users and devices)"),
    ]
)


class UserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Enter the person's name."), Length(max=120)])
    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Enter an email address."),
            # A shape check only: special-use domains (.test, .example)
            # are fine for sign-in names, and nothing is mailed here.
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@example.org."),
            Length(max=254),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Save")


class NewUserForm(UserForm):
    password = PasswordField(
        "First password", validators=[DataRequired(message="Choose a first password."), AcceptablePassword()]
    )
    submit = SubmitField("Create user")
    clinic_name = ""  # set by the view

    @property
    def personal_words(self) -> list[str | None]:
        return [self.name.data, self.email.data, self.clinic_name]


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired(message="Choose a new password."), AcceptablePassword()]
    )
    submit = SubmitField("Set password")
    personal_words: list[str] = []  # the user's name, email and clinic, set by the view


class ClinicSettingsForm(FlaskForm):
    require_second_factor = BooleanField(
        "Staff and admins sign in with a second factor (an authenticator app or a passkey)"
    )
    lock_after_minutes = IntegerField(
        "The phone app locks after this many minutes without use",
        validators=[
            InputRequired(message="Choose a number of minutes from 1 to 60."),
            NumberRange(min=1, max=60, message="Choose a number of minutes from 1 to 60."),
        ],
    )
    retention_years = IntegerField(
        "Keep a client's records for this many years after their last session",
        validators=[
            InputRequired(message="Choose a number of years from 0 to 30."),
            NumberRange(min=0, max=30, message="Choose a number of years from 0 to 30."),
        ],
    )
    staff_may_export = BooleanField("Staff may download a client's whole record, as well as admins")
    submit = SubmitField("Save settings")


# The lists a clinic may add to (vocab/defaults.py EXTENSIBLE), in the desk's words.
TERM_KINDS = [
    ("complaint", "What clients feel (complaints)"),
    ("region", "Body regions"),
    ("direction", "Directions of the tension"),
]


class TermForm(SchemaForm):
    """A word the clinic adds to a vocabulary its practitioners choose from (vocab/schemas.py)."""

    schema = VOCABULARY_TERM
    kind = SchemaSelectField("Add it to", choices=TERM_KINDS)
    label = StringField("Wording, as practitioners will read it")
    submit = SubmitField("Add")
    fixed_values = {"code": "new"}  # the code is made from the wording: vocab/services.py add_term()


__all__ = [
    "TERM_KINDS",
    "ClinicSettingsForm",
    "ConfirmForm",
    "NewUserForm",
    "ResetPasswordForm",
    "TermForm",
    "UserForm",
]
