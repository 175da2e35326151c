"""Realistic fake people, courses and enrollments for `flask seed`, fast enough for a million students."""

import random
import re
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker
from faker.decode import unidecode

from models import Course, fold, utcnow

# Most names from the school's own country, some from elsewhere: accents and other scripts show up.
LOCALES = {"en_US": 12, "es_ES": 2, "fr_FR": 1, "de_DE": 1, "pl_PL": 1, "vi_VN": 1, "ru_RU": 1, "el_GR": 1, "ar_AA": 1}
SUBJECTS = {
    "MATH": ["Algebra", "Geometry", "Statistics", "Calculus", "Number Sense"],
    "ENG": ["Reading", "Writing", "Literature", "Poetry", "Public Speaking"],
    "SCI": ["Biology", "Chemistry", "Physics", "Earth Science", "Astronomy"],
    "HIST": ["World History", "Civics", "Geography", "Ancient Worlds", "Economics"],
    "ART": ["Drawing", "Painting", "Music", "Drama", "Photography"],
    "LANG": ["Spanish", "French", "German", "Mandarin", "Arabic"],
    "PE": ["Athletics", "Swimming", "Team Sports", "Health", "Dance"],
    "TECH": ["Programming", "Robotics", "Design", "Data", "Electronics"],
}


class FakeSchool:
    """Rows as dicts for bulk inserts, built from pools of Faker names: Faker per row is too slow."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = utcnow()
        self.today = date.today()
        self.spelled = {}  # name -> (email handle, folded name)
        self.cultures = []  # (first names, last names) of one locale, repeated by its weight
        for locale, weight in LOCALES.items():
            fake = Faker(locale)
            fake.seed_instance(rng.random())
            names = [fake.first_name() for _ in range(100)], [fake.last_name() for _ in range(100)]
            self.cultures += [names] * weight

    def timestamps(self) -> dict:
        return {"created_at": self.now, "updated_at": self.now}

    def person(self, number: int, domain: str) -> dict:
        first_names, last_names = self.rng.choice(self.cultures)
        name = f"{self.rng.choice(first_names)} {self.rng.choice(last_names)}"
        if name not in self.spelled:  # names repeat: transliterate and fold each once
            handle = re.sub(r"[^a-z0-9]+", ".", unidecode(name).lower()).strip(".") or "person"
            self.spelled[name] = handle, fold(name)
        handle, folded_name = self.spelled[name]
        email = f"{handle}.{number}@{domain}"
        # What Student.search_text_for gives: the email is lowercase ASCII already, so folding leaves it as it is.
        return {"name": name, "email": email, "search_text": f"{folded_name} {email}", **self.timestamps()}

    def user(self, number: int) -> dict:
        age = self.rng.randint(22, 68) if self.rng.random() < 0.9 else None
        return self.person(number, "staff.example.edu") | {"age": age}

    def student(self, number: int, staff: list[int]) -> dict:
        grade = self.rng.randint(1, 12)
        birthday = self.today - timedelta(days=365 * (grade + 5) + self.rng.randint(0, 364))
        return self.person(number, "students.example.edu") | {
            "grade": grade,
            "birthday": birthday if self.rng.random() < 0.95 else None,
            "enrolled_on": self.today - timedelta(days=self.rng.randint(0, 365 * min(grade, 6))),
            "gpa": Decimal(self.rng.randint(150, 400)).scaleb(-2) if grade >= 6 else None,
            "advisor_id": self.rng.choice(staff) if staff and self.rng.random() < 0.85 else None,
        }

    def course(self, number: int, staff: list[int]) -> dict:
        department = self.rng.choice(list(SUBJECTS))
        code, title = f"{department}-{number:03}", f"{self.rng.choice(SUBJECTS[department])} {self.rng.randint(1, 4)}"
        return {
            "code": code,
            "title": title,
            "credits": self.rng.choice([1, 2, 3, 3, 4, 5]),
            "teacher_id": self.rng.choice(staff) if staff and self.rng.random() < 0.9 else None,
            "search_text": Course.search_text_for({"code": code, "title": title}),
            **self.timestamps(),
        }

    def enrollments(self, student_ids: list[int], course_ids: list[int]):
        """Two to five distinct courses per student."""
        for student_id in student_ids if course_ids else ():
            for course_id in self.rng.sample(course_ids, min(len(course_ids), self.rng.randint(2, 5))):
                enrolled_on = self.today - timedelta(days=self.rng.randint(0, 200))
                yield {"student_id": student_id, "course_id": course_id, "enrolled_on": enrolled_on}
