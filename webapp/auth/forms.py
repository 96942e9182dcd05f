"""Sign-in, password and second-factor forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from webapp.auth.passwords import password_problem


class AcceptablePassword:
    """Refuses a password that ``password_problem`` refuses; the form's ``personal_words``
    (the person's name, email and clinic, set by the view) count as too easy to guess."""

    def __call__(self, form, field) -> None:
        problem = password_problem(field.data or "", getattr(form, "personal_words", ()))
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(message="Enter your current password.")]
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(message="Choose a new password."), AcceptablePassword()],
    )
    confirm = PasswordField(
        "New password, again",
        validators=[EqualTo("new_password", message="The two new passwords do not match.")],
    )
    submit = SubmitField("Change password")


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(message="Enter your password.")])
    submit = SubmitField("Confirm")


class CodeForm(FlaskForm):
    # Text, not a number: a recovery code has letters, and leading zeros of a code matter.
    code = StringField(
        "Code",
        validators=[DataRequired(message="Enter the code.")],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField("Continue")


class ConfirmForm(FlaskForm):
    """A button that does one thing (remove, reset, deactivate): only its CSRF token is checked."""

    submit = SubmitField("Confirm")
