"""Flask CLI commands: ``flask --app wsgi <command> --help`` explains each."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from webapp.auth.models import Clinic, Role
from webapp.backup.commands import backup, restore
from webapp.extensions import db
from webapp.reminders.commands import reminders_cli


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(load_demo)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(reminders_cli, name="push")  # the earlier name, still in deployed crontabs


@click.command("create-user")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", required=True, help="Full name, as shown to colleagues.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default="admin",
    show_default=True,
    help="admin: everything; staff: the clinic desk; practitioner: own caseload.",
)
@click.option(
    "--clinic",
    "clinic_name",
    default=None,
    help="Clinic name; created if no clinic exists yet. Defaults to the only clinic.",
)
@click.password_option(
    help="The password (asked for if not given; at least 10 characters, not a common one)."
)
def create_user(email: str, name: str, role: str, clinic_name: str | None, password: str) -> None:
    """Create a user account (the first one is usually an admin)."""
    from webapp.auth.passwords import password_problem
    from webapp.auth.services import create_user as add_user

    clinics = db.session.scalars(select(Clinic)).all()
    problem = password_problem(
        password, [name, email, clinic_name or (clinics[0].name if len(clinics) == 1 else "")]
    )
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    if clinic_name:
        clinic = next((c for c in clinics if c.name == clinic_name), None)
        if clinic is None:
            clinic = Clinic(name=clinic_name)
            db.session.add(clinic)
            db.session.flush()
    elif len(clinics) == 1:
        clinic = clinics[0]
    elif not clinics:
        clinic = Clinic(name="My clinic")
        db.session.add(clinic)
        db.session.flush()
    else:
        raise click.UsageError("There are several clinics: name one with --clinic.")
    try:
        user = add_user(clinic_id=clinic.id, email=email, name=name, role=Role(role), password=password)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} in {clinic.name}.")


@click.command("load-demo")
@click.option("--force", is_flag=True, help="Load even if the database already has users.")
def load_demo(force: bool) -> None:
    """Load the demo clinic: users, about 30 clients, sessions and upcoming appointments."""
    from webapp.auth.models import User
    from webapp.demo.seed import DEMO_LOGINS, DEMO_TOTP_SECRETS, load_demo_data

    if db.session.scalar(select(User.id).limit(1)) and not force:
        click.echo("The database already has users; demo data not loaded (use --force to add it).")
        return
    load_demo_data()
    db.session.commit()
    click.echo("Demo data loaded. Sign in with:")
    for email, password, role in DEMO_LOGINS:
        click.echo(f"  {role:<13} {email:<32} {password}")
    click.echo(
        "The desk logins then ask for a code from an authenticator app. Add its key to one, or print the "
        "code of the moment with:"
    )
    for email, secret in DEMO_TOTP_SECRETS.items():
        click.echo(f"  {email:<32} .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\"")
