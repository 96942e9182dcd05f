"""The flask CLI: every command explains itself and refuses bad input clearly."""

from sqlalchemy import select

from webapp.auth.models import Clinic, Role, User
from webapp.extensions import db


def test_help_lists_the_commands(runner):
    output = runner.invoke(args=["--help"]).output
    for command in ("create-user", "load-demo", "db"):
        assert command in output


def test_each_command_has_help(runner):
    assert "Create a user account" in runner.invoke(args=["create-user", "--help"]).output
    assert "Load the demo clinic" in runner.invoke(args=["load-demo", "--help"]).output
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output


def test_create_user_makes_the_first_clinic_and_admin(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Boss@Example.org",
            "--name",
            "Bo Ss",
            "--password",
            "a long password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert (
        user.email == "boss@example.org"
        and user.role == Role.ADMIN
        and user.check_password("a long password")
    )
    assert db.session.scalars(select(Clinic)).one().name == "My clinic"


def test_create_user_refuses_a_short_password_and_a_taken_email(runner):
    short = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A", "--password", "short"]
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A", "--password", "a long password"]
    )
    again = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--password",
            "a long password",
            "--role",
            "staff",
        ]
    )
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_user_needs_a_clinic_name_when_there_are_several(runner):
    db.session.add_all([Clinic(name="One"), Clinic(name="Two")])
    db.session.commit()
    result = runner.invoke(
        args=["create-user", "--email", "b@example.org", "--name", "B", "--password", "a long password"]
    )
    assert result.exit_code != 0 and "--clinic" in result.output
    ok = runner.invoke(
        args=[
            "create-user",
            "--email",
            "b@example.org",
            "--name",
            "B",
            "--password",
            "a long password",
            "--clinic",
            "Two",
            "--role",
            "practitioner",
        ]
    )
    assert ok.exit_code == 0
    assert db.session.scalars(select(User)).one().clinic.name == "Two"
