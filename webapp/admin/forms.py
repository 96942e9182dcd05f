"""Admin forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from webapp.auth.forms import MIN_PASSWORD_LENGTH
from webapp.auth.models import Role
from webapp.core.forms import options

ROLE_CHOICES = options([(Role.PRACTITIONER.value, "Practitioner (own caseload, on a phone)"),
                        (Role.STAFF.value, "Staff (the clinic desk)"),
                        (Role.ADMIN.value, "Admin (the desk, users and devices)")])


class UserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Enter the person's name."), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(message="Enter an email address."),
                                            # A shape check only: special-use domains (.test, .example)
                                            # are fine for sign-in names, and nothing is mailed here.
                                            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                                   message="Enter an email address like name@example.org."),
                                            Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Save")


class NewUserForm(UserForm):
    password = PasswordField("First password", validators=[
        DataRequired(message="Choose a first password."),
        Length(min=MIN_PASSWORD_LENGTH, message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")])
    submit = SubmitField("Create user")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[
        DataRequired(message="Choose a new password."),
        Length(min=MIN_PASSWORD_LENGTH, message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")])
    submit = SubmitField("Set password")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")
