"""Realistic fake people, courses and enrollments for `flask seed`, fast enough for a million students."""

import random
import re
from datetime import date, timedelta

from faker import Faker
from faker.decode import unidecode

from models import Course, new_session_token, sort_key, utcnow

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
# The columns of each table's rows, in order.
COLUMNS = {
    "users": ("name", "email", "search_text", "sort_name", "created_at", "updated_at", "age", "role", "active", "session_token"),
    "courses": ("code", "title", "search_text", "sort_title", "created_at", "updated_at", "credits", "teacher_id"),
    "students": ("name", "email", "search_text", "sort_name", "created_at", "updated_at", "grade", "birthday", "enrolled_on", "gpa",
                 "advisor_id"),
    "enrollments": ("student_id", "course_id", "enrolled_on", "student_sort_name", "student_gpa"),  # the seed adds the
    # student's name and GPA
}


class FakeSchool:
    """Rows as tuples of what every driver takes as it is (dates and times as ISO text, a GPA as its hundredths), so
    they go to the database without a conversion per value; names come from pools of Faker names, as Faker per row is
    too slow. self.rng.random() is the one source of chance: the quickest Random has."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = utcnow().isoformat(" ", "microseconds")  # the text SQLite's DateTime stores
        today = date.today()
        self.days_ago = [(today - timedelta(days=days)).isoformat() for days in range(365 * 18)]
        self.spelled = {}  # name -> (email handle, folded name)
        self.cultures = []  # (first names, last names) of one locale, repeated by its weight
        for locale, weight in LOCALES.items():
            fake = Faker(locale)
            fake.seed_instance(rng.random())
            names = [fake.first_name() for _ in range(100)], [fake.last_name() for _ in range(100)]
            self.cultures += [names] * weight

    def pick(self, items):
        return items[int(self.rng.random() * len(items))]

    def person(self, number: int, domain: str) -> tuple:
        """name, email, search_text, sort_name, created_at, updated_at"""
        first_names, last_names = self.pick(self.cultures)
        name = f"{self.pick(first_names)} {self.pick(last_names)}"
        if name not in self.spelled:  # names repeat: transliterate and fold each once
            handle = re.sub(r"[^a-z0-9]+", ".", unidecode(name).lower()).strip(".") or "person"
            self.spelled[name] = handle, sort_key(name)
        handle, folded_name = self.spelled[name]
        email = f"{handle}.{number}@{domain}"
        # What Student.search_text_for gives: the email is lowercase ASCII already, so folding leaves it as it is.
        return name, email, f"{folded_name} {email}", folded_name, self.now, self.now

    def users(self, numbers: range) -> list[tuple]:
        chance = self.rng.random
        return [
            self.person(number, "staff.example.edu")
            + (22 + int(chance() * 47) if chance() < 0.9 else None, "viewer", True, new_session_token())
            for number in numbers
        ]

    def courses(self, numbers: range, staff: list[int]) -> list[tuple]:
        rows = []
        for number in numbers:
            department = self.pick(list(SUBJECTS))
            code, title = f"{department}-{number:03}", f"{self.pick(SUBJECTS[department])} {1 + int(self.rng.random() * 4)}"
            search_text = Course.search_text_for({"code": code, "title": title})
            teacher = self.pick(staff) if staff and self.rng.random() < 0.9 else None
            rows.append((code, title, search_text, sort_key(title), self.now, self.now, self.pick([1, 2, 3, 3, 4, 5]), teacher))
        return rows

    def students(self, numbers: range, staff: list[int]) -> list[tuple]:
        chance, days_ago, rows = self.rng.random, self.days_ago, []
        for number in numbers:
            grade = 1 + int(chance() * 12)
            born = days_ago[365 * (grade + 5) + int(chance() * 365)] if chance() < 0.95 else None
            enrolled_on = days_ago[int(chance() * 365 * min(grade, 6))]
            gpa = 150 + int(chance() * 251) if grade >= 6 else None  # 1.50 to 4.00
            advisor = self.pick(staff) if staff and chance() < 0.85 else None
            rows.append(self.person(number, "students.example.edu") + (grade, born, enrolled_on, gpa, advisor))
        return rows

    def enrollments(self, student_ids: list[int], course_ids: list[int]) -> list[tuple]:
        """Two to five distinct courses per student, taken in the last 200 days."""
        chance, days_ago, rows = self.rng.random, self.days_ago, []
        for student_id in student_ids if course_ids else ():
            wanted, taken = min(len(course_ids), 2 + int(chance() * 4)), set()
            while len(taken) < wanted:
                taken.add(self.pick(course_ids))
            rows += [(student_id, course_id, days_ago[int(chance() * 201)]) for course_id in taken]
        return rows
