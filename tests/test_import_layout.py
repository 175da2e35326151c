"""How a CSV that is not UTF-8 is read (its encoding guessed, or chosen on the page matching columns), and where its
table starts: the delimiter, and a title above the column names."""

import re

import pytest

from helpers import read
from models import Student, Upload, db
from test_import import confirm, counts, preview, text, upload

CENTRAL = "Name,Email,Grade\nAntonín Dvořák,antonin@school.example,3\nŁukasz Wójcik,lukasz@school.example,4\n"


@pytest.mark.parametrize("names, encoding", [
    (("Antonín Dvořák", "Łukasz Wójcik"), "cp1250"),
    (("Jiří Černý", "Zuzana Kovačević"), "cp1250"),
    (("Hélène Müller", "José Muñoz"), "cp1252"),
    (("Søren Kierkegaard", "Lætitia Casta"), "cp1252"),
], ids=["polish and czech", "czech and croatian", "french and spanish", "danish"])
def test_a_short_file_is_read_in_the_encoding_whose_letters_its_names_make_sense_in(client, app, names, encoding):
    data = f"Name,Email,Grade\n{names[0]},a@school.example,3\n{names[1]},b@school.example,4\n".encode(encoding)
    response, address = preview(client, data)
    assert f"it was read as Windows-{encoding[2:]}, a guess" in text(response)
    confirm(client, address)
    assert sorted(s.name for s in read(app, Student)) == sorted(names)


def test_the_page_matching_columns_shows_names_as_read_and_reads_the_file_again_as_chosen(client, app):
    data = "Name,Email,Grade\nRenée Čapek,renee@school.example,3\n".encode("cp1250")  # Western as Renée Èapek
    map_page = upload(client, data).headers["Location"]
    page = text(client.get(map_page))
    assert "its encoding was guessed" in page and "Check the letters of these names as read: Renée Èapek" in page
    page = client.get(f"{map_page}?encoding=cp1250").get_data(as_text=True)
    assert "its encoding was chosen" in text_of(page) and "as read: Renée Čapek" in text_of(page)
    assert '<option value="cp1250" selected>' in page
    client.post(map_page, data={"encoding": "cp1250", "column-0": "name", "column-1": "email", "column-2": "grade"})
    response = client.get(f"{map_page}/preview")
    assert "it was read as Windows-1250, as you chose" in text(response)
    assert "its encoding was chosen" in text(client.get(map_page))  # and back on the page matching columns
    confirm(client, f"{map_page}/preview")
    assert [s.name for s in read(app, Student)] == ["Renée Čapek"]


def test_a_utf8_file_offers_no_encoding_to_choose(client):
    map_page = upload(client, CENTRAL.encode()).headers["Location"]
    assert 'name="encoding"' not in client.get(map_page).get_data(as_text=True)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("title", ["Class 9B intake 2025", "Class 9B intake 2025;;", "Intake, class 9B"],
                         ids=["alone", "with the separators of its row", "with a comma"])
def test_a_title_above_semicolon_separated_column_names_is_left_out(client, app, title):
    data = f"{title}\r\nName;Email;Grade;GPA\r\nBea;bea@school.example;3;3,5\r\nCid;cid@school.example;4;\r\n"
    response, address = preview(client, data.encode())
    page = text(response)
    assert counts(response) == (2, 2, 0, 0, 0)
    assert "Columns are separated by semicolons." in page
    assert f"Row 1, “{title.rstrip(';')}”, above the column names, is read as a title and left out: the column " \
           "names are row 2." in page
    confirm(client, address)
    assert sorted((s.name, str(s.gpa)) for s in read(app, Student)) == [("Bea", "3.50"), ("Cid", "None")]


def test_rows_are_numbered_as_the_sheet_numbers_them_below_a_title(client):
    data = b"Class 9B\r\nPrinted 2025-01-06\r\n\r\nName,Email,Grade\r\nBea,bea@school.example,13\r\n"
    page = text(preview(client, data)[0])
    assert "Rows 1 to 2, “Class 9B” / “Printed 2025-01-06”, above the column names, are read as a title" in page
    assert "5 Grade Enter a whole number from 1 to 12." in page and "the header is row 4" in page


def test_a_file_of_one_column_has_no_title(client):
    page = text(preview(client, b"Email\nbea@school.example\n")[0])
    assert "read as a title" not in page


def test_an_upload_whose_columns_were_matched_before_encodings_were_chosen_still_previews(client, app):
    map_page = upload(client, CENTRAL.encode("cp1250")).headers["Location"]
    with app.app_context():
        kept = db.session.scalars(db.select(Upload)).one()
        kept.mapping = '["name", "email", "grade"]'  # as the page matching columns kept it before
        db.session.commit()
    response = client.get(f"{map_page}/preview")
    assert counts(response) == (2, 2, 0, 0, 0) and "Łukasz Wójcik" in text(response)
