"""`flask export students [--q …] [--grade …] > students.csv` and `flask import students students.csv [--dry-run]`:
the pages' export and import for scripts, with the same checks and messages."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from records import import_checks, import_writes
from records.imports import Importer, automatic_mapping, enrollments
from resources import COURSES, STUDENTS, USERS
from spreadsheets import encodings, reading, writing
from spreadsheets.columns import file_columns, named_keys
from formatting import plural
from listing import export
from views.transfer import log_export, summary

RESOURCES = {resource.name: resource for resource in (STUDENTS, USERS, COURSES)}


def register_commands(app):
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)


@click.group("export")
def export_command():
    """Write every row of a list that a search and filters leave, as CSV or XLSX, to standard output."""


def add_export(resource):
    options = [click.Option(["--q"], help=f"Search, as the list's box does ({resource.search_hint.lower()})."),
               click.Option(["--sort"], help=f"A column to sort by, - before it to reverse [default: {resource.default_sort}]."),
               click.Option(["--format", "kind"], type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True),
               click.Option(["--bom"], is_flag=True, help="Start with the byte-order mark Excel needs to read UTF-8.")]
    options += [click.Option([f"--{f.name.replace('_', '-')}", f.name], help="Only these, as the list's filter.")
                for f in resource.filters]

    @with_appcontext
    def run(kind, bom, **values):
        listing = resource.listing
        arguments = MultiDict({name: str(value) for name, value in values.items() if value is not None})
        args = listing.args(arguments)
        if wrong := {name: errors for name, errors in args.errors.items() if name in arguments}:
            raise click.UsageError("; ".join(f"--{name}: {errors[0]}" for name, errors in wrong.items()))
        columns = file_columns(resource)
        rows = named_keys(columns, export.rows(listing, args, [column.sql for column in columns]))
        header = [column.header for column in columns]
        chunks = writing.xlsx_chunks(header, rows, resource.title) if kind == "xlsx" else writing.csv_chunks(
            header, rows, bom=bom)
        query = " ".join(f"--{name} {value}" for name, value in arguments.items())
        log_export(f"{resource.name} {query}".strip(), "flask export", "command line")
        output = sys.stdout.buffer
        for chunk in chunks:
            output.write(chunk)

    export_command.add_command(click.Command(resource.name, callback=run, params=options,
                                             help=f"Every {resource.noun} the search and filters leave."))


for resource in RESOURCES.values():
    add_export(resource)


@click.command("import")
@click.argument("kind", type=click.Choice([*RESOURCES, "enrollments"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would do; write nothing.")
@click.option("--encoding", type=click.Choice(list(encodings.CHOICES)),
              help="A CSV's encoding, when it is not UTF-8 and the guess (said in a note) is wrong.")
@with_appcontext
def import_command(kind, file, dry_run, encoding):
    """Import students, users (without passwords), courses or enrollments from a CSV or XLSX file, all or nothing."""
    importer = enrollments() if kind == "enrollments" else Importer.of(RESOURCES[kind])
    try:
        table = reading.read(file.read_bytes(), encoding)
    except reading.BadFile as bad:
        raise click.ClickException(str(bad)) from bad
    for note in table.notes:
        click.echo(note, err=True)
    mapping = automatic_mapping(table.header, importer)
    if ignored := [heading or "(no header)" for heading, name in zip(table.header, mapping) if name is None]:
        click.echo(f"Ignored columns: {', '.join(ignored)}.", err=True)
    with click.progressbar(length=len(table.rows), label="Checking" if dry_run else "Importing",
                           file=sys.stderr) as bar:
        try:
            if dry_run:
                result = import_checks.plan(importer, table, mapping, bar.update)
            else:
                result = import_writes.commit(importer, table, mapping, bar.update, name=file.name)
        except import_writes.Refused as refused:
            result = refused.plan
    for problem in result.problems:
        click.echo(problem_line(problem), err=True)
    if result.problems:
        raise click.ClickException(f"Nothing imported: {plural(len(result.problems), 'problem')} in {file.name}.")
    click.echo(f"{'Would import' if dry_run else 'Imported'} {file.name}: {summary(result)}.")


def problem_line(problem) -> str:
    text = str(problem)
    return text[0].upper() + text[1:]
