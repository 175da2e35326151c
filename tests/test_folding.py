"""Search and alphabetical order take the Latin letters Unicode does not decompose (Ł Ø Đ Ħ ı Æ Œ Þ ...) as their
base letters, as they take "Zoë" as "zoe": "lukasz" finds "Łukasz Kowalski", who sorts among the L's."""

import re
import unicodedata

import pytest

from helpers import listed_names
from models import UNDECOMPOSED_LETTERS, Course, Enrollment, Student, User, fold


@pytest.mark.parametrize("text, folded", [
    ("Łukasz", "lukasz"), ("ØRSTED Søren", "orsted soren"), ("Đorđe", "dorde"), ("Ħamrun", "hamrun"),
    ("Işıl", "isil"), ("Ævar Æsa", "aevar aesa"), ("Œuvre cœur", "oeuvre coeur"), ("Þóra Þorsteinsdóttir",
    "thora thorsteinsdottir"), ("Straße", "strasse"), ("Ðiðrik", "didrik"), ("Ǿrjan", "orjan"),
    ("Ŋgugi", "nggugi"), ("Ɓello Ɗanjuma", "bello danjuma"), ("Zoë", "zoe"), ("Иван", "иван"), ("王小明", "王小明"),
])
def test_fold_takes_each_letter_as_its_base_letters(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("base, letter", [(base, letter) for base, letters in UNDECOMPOSED_LETTERS.items()
                                          for letter in letters])
def test_each_letter_and_its_capital_fold_alike(base, letter):
    assert fold(letter) == fold(letter.upper()) == base


def test_every_letter_of_latin_1_and_latin_extended_a_folds_to_ascii():
    """The letters of the national alphabets of Europe: none is left out of the table. Kra (ĸ, old Greenlandic) is
    the one whose transliterations disagree; ŀ is an l and a middle dot (Catalan's l·l), ŉ an apostrophe and an n."""
    letters = [chr(cp) for cp in range(0xC0, 0x180) if unicodedata.category(chr(cp)).startswith("L")]
    assert [letter for letter in letters if not fold(letter).isascii()] == ["ĸ", "Ŀ", "ŀ", "ŉ"]


@pytest.fixture
def school(add):
    teacher = add(User, name="Øyvind Ødegård", email="oo@staff.example", role="editor")
    add(Student, name="Łukasz Kowalski", email="lk@school.example", grade=3, advisor_id=teacher)
    for name in ("Karl Kaiser", "Lena Lang", "Marta Mazur"):
        add(Student, name=name, email=f"{name.split()[0].lower()}@school.example", grade=3)
    course = add(Course, code="PHYS-1", title="Ørsted's physics", credits=2, teacher_id=teacher)
    add(Course, code="ART-1", title="Painting", credits=2)
    add(Course, code="BIO-1", title="Plants", credits=2)
    add.many(Enrollment, [{"student_id": id, "course_id": course} for id in range(1, 5)])
    return course


def class_list(client, course) -> list[str]:
    """The students of a course's page, in its order by name."""
    return re.findall(r'href="/students/\d+">([^<]*)</a>', client.get(f"/courses/{course}").get_data(as_text=True))


@pytest.mark.parametrize("term", ["lukasz", "LUKASZ kowalski", "Łukasz", "łu", "lu"])
def test_a_student_is_found_without_the_stroke(client, school, term):
    assert listed_names(client, f"/students?q={term}") == ["Łukasz Kowalski"]


def test_students_sort_among_their_base_letters(client, school):
    assert listed_names(client, "/students") == ["Karl Kaiser", "Lena Lang", "Łukasz Kowalski", "Marta Mazur"]
    assert class_list(client, school) == ["Karl Kaiser", "Lena Lang", "Łukasz Kowalski", "Marta Mazur"]


def test_courses_and_users_are_found_and_sorted_so(client, school):
    assert listed_names(client, "/courses?q=orsted") == ["PHYS-1"]
    assert listed_names(client, "/courses?sort=title") == ["PHYS-1", "ART-1", "BIO-1"]
    assert listed_names(client, "/users?q=odegard") == ["Øyvind Ødegård"]


def test_the_search_across_everything_finds_them(client, school):
    html = client.get("/search?q=lukasz").get_data(as_text=True)
    assert "Łukasz Kowalski" in html
    assert "Øyvind Ødegård" in client.get("/search?q=oyvind").get_data(as_text=True)
