"""The filters templates show numbers, dates, times and plurals with, used as templates use them."""

from datetime import date, datetime, timedelta, timezone

import pytest

from app import create_app


def renderer(tmp_path, **config):
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}", **config})

    def render(source, **values):
        with app.app_context():
            return app.jinja_env.from_string(source).render(**values)

    return render


@pytest.fixture
def render(tmp_path):
    """Renders a template string with the app's filters: render("{{ n|number }}", n=5)."""
    return renderer(tmp_path)


def test_number_groups_thousands(render):
    assert render("{{ n|number }}", n=1234567) == "1,234,567"


def test_date_is_day_short_month_year(render):
    assert render("{{ d|date }}", d=date(2024, 3, 5)) == "5 Mar 2024"


def test_long_date_spells_the_month(render):
    assert render("{{ d|long_date }}", d=date(2024, 3, 5)) == "5 March 2024"



@pytest.mark.parametrize("name", ["date", "long_date", "timestamp"])
def test_missing_date_or_time_is_empty(render, name):
    assert render(f"{{{{ d|{name} }}}}", d=None) == ""



def test_timestamp_is_naive_utc_to_the_minute(render):
    assert render("{{ t|timestamp }}", t=datetime(2024, 3, 5, 14, 3, 59)) == "5 Mar 2024, 14:03 UTC"


def test_timestamp_with_a_zone_is_shown_in_utc(render):
    paris = timezone(timedelta(hours=1))
    assert render("{{ t|timestamp }}", t=datetime(2024, 3, 5, 15, 3, tzinfo=paris)) == "5 Mar 2024, 14:03 UTC"


def test_timestamp_is_shown_in_the_schools_time_zone(tmp_path):
    render = renderer(tmp_path, TIME_ZONE="Europe/Paris")
    assert render("{{ t|timestamp }}", t=datetime(2024, 3, 5, 14, 3)) == "5 Mar 2024, 15:03 CET"
    assert render("{{ t|timestamp }}", t=datetime(2024, 7, 5, 14, 3)) == "5 Jul 2024, 16:03 CEST"


def test_an_unknown_time_zone_is_refused_at_start(tmp_path):
    with pytest.raises(RuntimeError, match="TIME_ZONE"):
        renderer(tmp_path, TIME_ZONE="Mars/Olympus_Mons")


@pytest.mark.parametrize("count, shown", [(0, "0 courses"), (1, "1 course"), (2, "2 courses"), (1204, "1,204 courses")])
def test_plural_adds_an_s_except_for_one(render, count, shown):
    assert render('{{ n|plural("course") }}', n=count) == shown


@pytest.mark.parametrize("count, shown", [(1, "1 course will lose its"), (3, "3 courses will lose their")])
def test_plural_takes_a_phrase_for_more_than_one(render, count, shown):
    assert render('{{ n|plural("course will lose its", "courses will lose their") }}', n=count) == shown


@pytest.mark.parametrize("count, shown", [(1, "student"), (2, "students"), (0, "students")])
def test_plural_word_is_the_word_alone(render, count, shown):
    assert render('{{ n|plural_word("student") }}', n=count) == shown
