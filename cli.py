"""Commands: `flask init-db` creates the schema or checks it is current, `flask seed` fills it with fake people,
`flask backup` and `flask restore` copy the database out and back while the app serves."""

import json
import random
import secrets
from pathlib import Path

import click
import flask_migrate
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import MetaData, func, inspect

import records
from database import backup, database_revisions, migration_scripts, migrations_directory
from database.backend import backend
from database.seed import add_school
from records import history
from fake_school import FakeSchool
from formatting import plural
from validators import password_problem
from models import ROLES, Course, Student, User, db

DEMO_PASSWORDS = "demo_accounts.json"  # in instance/: the demo accounts' passwords, one per role


def register_commands(app):
    app.cli.add_command(init_db)
    app.cli.add_command(seed)
    app.cli.add_command(create_admin)
    app.cli.add_command(demo_accounts)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(history_commands)


def database_name() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@click.command("init-db")
@with_appcontext
@click.option("--drop", is_flag=True, help="Delete every table and its data first.")
@click.option("--yes", is_flag=True, help="Do not ask before --drop.")
@click.option("--verbose", is_flag=True, help="Show each migration as it runs (Alembic's INFO lines).")
def init_db(drop, yes, verbose):
    """Create the schema in an empty database, or say whether an existing one is up to date."""
    if drop:
        if not yes:
            click.confirm(f"Delete every table and all data in {database_name()}?", abort=True)
        drop_everything()
        click.echo(f"Dropped all tables in {database_name()}.")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    current = database_revisions()
    scripts = migration_scripts()
    heads = set(scripts.get_heads())
    newest = ", ".join(sorted(heads))
    if not tables and not current:
        flask_migrate.upgrade(migrations_directory(), x_arg=None if verbose else ["quiet=1"])
        click.echo(f"Created the schema in {database_name()}, at revision {newest}.")
        return
    if current == heads:
        click.echo(f"The database {database_name()} is up to date (revision {newest}); nothing changed.")
        return
    if not current:
        raise click.ClickException(
            f"The database {database_name()} has tables ({', '.join(sorted(tables))}) but no record of migrations. "
            f"If init-db made them before Roster had migrations, record them as the first revision and upgrade:\n"
            f"  flask --app app db stamp {scripts.get_base()} && flask --app app db upgrade\n"
            f"or start over, deleting all data: flask --app app init-db --drop"
        )
    if unknown := current - {script.revision for script in scripts.walk_revisions()}:
        raise click.ClickException(
            f"The database {database_name()} is at revision {', '.join(sorted(unknown))}, which migrations/ does not "
            f"have: the database is newer than this code. Update the code."
        )
    raise click.ClickException(
        f"The database {database_name()} is at revision {', '.join(sorted(current))}; this code needs {newest}. "
        f"Bring it up to date with:\n  flask --app app db upgrade"
    )


def drop_everything():
    """Drops our tables (and on PostgreSQL their types), then whatever else is left, such as alembic_version."""
    db.drop_all()
    leftover = MetaData()
    leftover.reflect(db.engine)
    leftover.drop_all(db.engine)


@click.command("seed")
@with_appcontext
@click.option("--users", default=0, type=click.IntRange(0), help="How many staff users to add.")
@click.option("--students", default=0, type=click.IntRange(0), help="How many students to add.")
@click.option("--courses", type=click.IntRange(0), help="How many courses to add  [default: one per 25 students].")
@click.option("--append", is_flag=True, help="Add to a database that already has students or courses.")
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when the database has students or courses.")
@click.option("--random-seed", type=int, help="Make the same people every time.")
def seed(users, students, courses, append, if_empty, random_seed):
    """Fill the database with realistic fake people."""
    # Staff accounts alone (the first admin) do not count as data: a new school is seeded after setup.
    rows = sum(db.session.scalar(db.select(func.count()).select_from(m)) for m in (Student, Course))
    if rows and if_empty:
        click.echo(f"The database already has {rows:,} students and courses; seeding skipped.")
        return
    if rows and not append:
        raise click.ClickException(f"The database already has {rows:,} students and courses; add --append to add more.")
    if courses is None:
        courses = -(-students // 25)
    school = FakeSchool(random.Random(random_seed))
    add_school(school, users=users, courses=courses, students=students, existing=rows)
    click.echo(f"Added {users:,} users, {courses:,} courses and {students:,} students to {database_name()}.")


@click.command("create-admin")
@click.option("--name", prompt=True, help="The admin's name.")
@click.option("--email", prompt=True, help="Their email, to sign in with.")
@click.password_option(help="At least 8 characters, not a common one.")
@with_appcontext
def create_admin(name, email, password):
    """Create an admin account (or make an existing user an admin with this password)."""
    if problem := password_problem(password):
        raise click.BadParameter(problem, param_hint="--password")
    user, created = records.account(email.strip().lower(), name.strip(), "admin", password)
    click.echo(f"{'Created' if created else 'Made'} admin {user.name} <{user.email}>.")


@click.command("demo-accounts")
@click.option("--show", is_flag=True, help="Only print the demo accounts' sign-ins again; change nothing.")
@with_appcontext
def demo_accounts(show):
    """Create one demo account per role, each with a password of its own kept in instance/, and print the sign-ins."""
    path = Path(current_app.instance_path) / DEMO_PASSWORDS
    passwords = json.loads(path.read_text()) if path.exists() else {}
    if show:
        if not passwords:
            raise click.ClickException("No demo accounts yet: make them with `flask --app app demo-accounts` (make run does).")
        # The passwords file outlives a database dropped or pointed elsewhere: print only sign-ins that work here.
        problems = {role: problem for role in reversed(ROLES) if (problem := demo_problem(role, passwords.get(role)))}
        working = {role: passwords[role] for role in ROLES if role not in problems}
        if working:
            print_demo_accounts(working)
        if problems:
            said = "\n".join(f"  {role}@example.org {problem}" for role, problem in problems.items())
            message = (f"{'These demo accounts do' if len(problems) > 1 else 'This demo account does'} not work in "
                       f"this database:\n{said}\nMake them (again) with `flask --app app demo-accounts`.")
            if not working:
                raise click.ClickException(message)
            click.echo(message, err=True)
        return
    # One password per role, never the same: whoever is shown the viewer's must not thereby hold the admin's. Kept,
    # so that a password a browser saved still works after a restart.
    for role in ROLES:
        passwords.setdefault(role, secrets.token_urlsafe(12))
    draft = path.with_suffix(".new")
    draft.touch(mode=0o600)
    draft.write_text(json.dumps(passwords, indent=2))
    draft.replace(path)
    for role in reversed(ROLES):
        if demo_problem(role, passwords[role]):
            records.account(f"{role}@example.org", f"Demo {role.capitalize()}", role, passwords[role], rename=True)
    print_demo_accounts(passwords)


def demo_problem(role: str, password: str | None) -> str | None:
    """Why the demo account of `role` cannot sign in with `password` in this database, if it cannot."""
    user = db.session.scalar(db.select(User).where(User.email == f"{role}@example.org"))
    if user is None:
        return "is not in this database"
    if not password or not user.check_password(password):
        return "has another password now"
    if not user.active:
        return "is deactivated"
    return None if user.role == role else f"has the role {user.role} now"


def print_demo_accounts(passwords: dict[str, str]):
    click.echo("Sign in at http://127.0.0.1:5000 with one of these (kept in instance/demo_accounts.json; "
               "`flask --app app demo-accounts --show` prints them again):")
    for role in reversed(ROLES):
        if role in passwords:
            click.echo(f"  {role:<7} {role}@example.org  {passwords[role]}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file):
    """Copy the SQLite database to FILE while the app serves (on a server, say which dump command to run)."""
    if backend().server:
        dump, load = backup.server_commands(db.engine.url, str(file))
        raise click.ClickException(
            f"Roster backs up only SQLite itself. Back up {database_name()} with:\n  {dump}\n"
            f"and restore it with:\n  {load}\n{backup.password_note(db.engine.url)}".rstrip()
        )
    try:
        backup.back_up(file)
    except backup.Refused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    click.echo(f"Backed up {database_name()} to {file} (integrity check ok).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask first.")
@with_appcontext
def restore_command(file, yes):
    """Replace all data in the SQLite database with the backup in FILE, while the app serves."""
    if backend().server:
        _, load = backup.server_commands(db.engine.url, str(file))
        raise click.ClickException(
            f"Roster restores only SQLite itself. Restore {database_name()} from a dump with:\n  {load}\n"
            f"{backup.password_note(db.engine.url)}".rstrip()
        )
    try:
        holds = backup.describe_restorable(file)
    except backup.Refused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    if not yes:
        click.confirm(f"Replace all data in {database_name()} with {file} ({holds})?", abort=True)
    backup.restore(file)
    click.echo(f"Restored {database_name()} from {file} ({holds}).")


@click.group("history")
def history_commands():
    """The change history."""


@history_commands.command("prune")
@click.option("--before", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Delete what was changed before this day.")
@click.option("--yes", is_flag=True, help="Do not ask first.")
@with_appcontext
def prune(before, yes):
    """Delete the history of changes made before a day (UTC), for retention rules; the records stay as they are."""
    if not yes:
        click.confirm(f"Delete the history of every change made before {before:%-d %B %Y} in {database_name()}? "
                      "Those changes can no longer be traced or undone.", abort=True)
    click.echo(f"Deleted the history of {plural(history.prune(before), 'change')} made before {before:%-d %B %Y}.")
