"""What each user keeps for themselves: their saved views, the columns each list shows them, their colour scheme.

These are rows of their own, not records: no history, no version, written here and committed at once. A view name
taken by another request in the meantime (the unique constraint is the backstop of the form's check) is False,
nothing written.
"""

from sqlalchemy.exc import IntegrityError

from models import Preferences, SavedView, db


def save_view(owner_id: int, resource: str, name: str, query: str, shared: bool) -> SavedView | None:
    view = SavedView(owner_id=owner_id, resource=resource, name=name, query=query, shared=shared)
    db.session.add(view)
    return view if committed() else None


def rename_view(view: SavedView, name: str) -> bool:
    view.name = name
    return committed()


def pin_view(view: SavedView, pinned: bool):
    view.pinned = pinned
    db.session.commit()


def delete_view(view: SavedView):
    db.session.delete(view)
    db.session.commit()


def choose_columns(user_id: int, resource: str, names: list[str]):
    change_preferences(user_id, lambda preferences: preferences.choose_columns(resource, names))


def choose_color_scheme(user_id: int, scheme: str):
    change_preferences(user_id, lambda preferences: setattr(preferences, "color_scheme", scheme))


def change_preferences(user_id: int, change):
    """Changes the user's preferences, made on their first choice (and, when another request made them a moment
    before, changed once more)."""
    for _ in range(2):
        preferences = db.session.get(Preferences, user_id)
        if preferences is None:
            preferences = Preferences(user_id=user_id)
            db.session.add(preferences)
        change(preferences)
        if committed():
            return
    raise RuntimeError("The preferences could not be saved")


def committed() -> bool:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
