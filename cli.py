"""Commands: `flask init-db` creates the schema or checks it is current, `flask seed` fills it with fake people."""

import random
import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice

import click
import flask_migrate
from flask.cli import with_appcontext
from faker import Faker
from faker.decode import unidecode
from sqlalchemy import MetaData, func, insert, inspect

from database import database_revisions, migration_scripts, migrations_directory
from models import Student, User, db, utcnow

# Most names from the school's own country, some from elsewhere: accents and other scripts show up.
LOCALES = {"en_US": 12, "es_ES": 2, "fr_FR": 1, "de_DE": 1, "pl_PL": 1, "vi_VN": 1, "ru_RU": 1, "el_GR": 1, "ar_AA": 1}
BATCH = 10_000


def register_commands(app):
    app.cli.add_command(init_db)
    app.cli.add_command(seed)


def database_name() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@click.command("init-db")
@with_appcontext
@click.option("--drop", is_flag=True, help="Delete every table and its data first.")
@click.option("--yes", is_flag=True, help="Do not ask before --drop.")
def init_db(drop, yes):
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
        flask_migrate.upgrade(migrations_directory())
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
@click.option("--append", is_flag=True, help="Add to a database that already has people.")
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when the database has people.")
@click.option("--random-seed", type=int, help="Make the same people every time.")
def seed(users, students, append, if_empty, random_seed):
    """Fill the database with realistic fake people."""
    people = sum(db.session.scalar(db.select(func.count()).select_from(m)) for m in (User, Student))
    if people and if_empty:
        click.echo(f"The database already has {people:,} people; seeding skipped.")
        return
    if people and not append:
        raise click.ClickException(f"The database already has {people:,} people; add --append to add more.")
    names = NamePool(random.Random(random_seed))
    for model, count, make in ((User, users, names.user), (Student, students, names.student)):
        first_number = (db.session.scalar(db.select(func.max(model.id))) or 0) + 1
        rows = (make(number) for number in range(first_number, first_number + count))
        with click.progressbar(length=count, label=f"Adding {count:,} {model.__tablename__}") as bar:
            while batch := list(islice(rows, BATCH)):
                db.session.execute(insert(model), batch)
                bar.update(len(batch))
    db.session.commit()
    click.echo(f"Added {users:,} users and {students:,} students to {database_name()}.")


class NamePool:
    """Builds people from pools of Faker names: Faker per row would be far too slow for a million rows."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = utcnow()
        self.today = date.today()
        self.cultures = []  # (first names, last names) of one locale, repeated by its weight
        for locale, weight in LOCALES.items():
            fake = Faker(locale)
            fake.seed_instance(rng.random())
            names = [fake.first_name() for _ in range(100)], [fake.last_name() for _ in range(100)]
            self.cultures += [names] * weight

    def person(self, number: int, domain: str) -> dict:
        first_names, last_names = self.rng.choice(self.cultures)
        name = f"{self.rng.choice(first_names)} {self.rng.choice(last_names)}"
        handle = re.sub(r"[^a-z0-9]+", ".", unidecode(name).lower()).strip(".") or "person"
        email = f"{handle}.{number}@{domain}"
        return {
            "name": name,
            "email": email,
            "search_text": Student.search_text_for({"name": name, "email": email}),
            "created_at": self.now,
            "updated_at": self.now,
        }

    def user(self, number: int) -> dict:
        age = self.rng.randint(22, 68) if self.rng.random() < 0.9 else None
        return self.person(number, "staff.example.edu") | {"age": age}

    def student(self, number: int) -> dict:
        grade = self.rng.randint(1, 12)
        birthday = self.today - timedelta(days=365 * (grade + 5) + self.rng.randint(0, 364))
        return self.person(number, "students.example.edu") | {
            "grade": grade,
            "birthday": birthday if self.rng.random() < 0.95 else None,
            "enrolled_on": self.today - timedelta(days=self.rng.randint(0, 365 * min(grade, 6))),
            "gpa": Decimal(self.rng.randint(150, 400)).scaleb(-2) if grade >= 6 else None,
        }
