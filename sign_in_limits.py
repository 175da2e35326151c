"""Limits on guessing passwords, counted in the database's sign-in log so they hold across workers and machines.

Each checked sign-in is a row of the sign-in log, `sign_ins`. Failures within SIGN_IN_WINDOW seconds are limited to
SIGN_IN_LIMIT, counted one of two ways (OWASP's "device cookies"):
- a browser that signed in to this account before carries a signed device cookie for it, and is limited by its own
  failures only: guessing from elsewhere never locks the account's owner out;
- every other browser is limited by its address, and by the account across all such browsers, so guessing from
  many addresses stays bounded too.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from models import SignIn, User, db, utcnow

DEVICE_COOKIE = "roster_device"
DEVICE_COOKIE_DAYS = 365


def device_cookies() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="sign-in device")


@dataclass
class Attempt:
    """One sign-in with a valid form: who it names, where it comes from, and whether the browser is known."""

    email: str
    user: User | None
    address: str
    device: str | None  # the nonce of this browser's device cookie, when it was issued for this user

    @classmethod
    def of(cls, email: str, user: User | None) -> "Attempt":
        return cls(email, user, request.remote_addr or "", known_device(user))

    def claim(self) -> int:
        """Logs this attempt as failed before its password is checked, and commits: attempts made at once then count
        each other (counted only after each other's checks, a burst of parallel guesses got about 4 past the limit).
        Returns how long to wait, 0 to go on; a refused attempt is taken back out of the log, unchecked."""
        self.row = SignIn(email=self.email, address=self.address, device=self.device, event="failure")
        db.session.add(self.row)
        db.session.commit()
        if wait := self.seconds_to_wait():
            self.withdraw()
            db.session.commit()
        return wait

    def withdraw(self):
        """Takes the claimed attempt out of the log (committed with what the request writes next)."""
        db.session.delete(self.row)

    def seconds_to_wait(self) -> int:
        """0 when this attempt, claimed, may be checked; else how long until the oldest counted failure before it
        leaves the window."""
        if self.device is not None:
            counted = [SignIn.device == self.device]
        else:
            unknown = SignIn.device.is_(None)
            counted = [unknown & (SignIn.address == self.address), unknown & (SignIn.email == self.email)]
        window = timedelta(seconds=current_app.config["SIGN_IN_WINDOW"])
        now = utcnow()
        waits = [0]
        for where in counted:
            oldest_counted = db.session.scalar(
                db.select(SignIn.at)
                .where(where, SignIn.event == "failure", SignIn.at > now - window)
                .order_by(SignIn.at.desc())
                .offset(current_app.config["SIGN_IN_LIMIT"])  # its own failure is the newest, or among them
                .limit(1)
            )
            if oldest_counted is not None:
                waits.append(math.ceil((oldest_counted + window - now).total_seconds()))
        return max(waits)

    def record(self, succeeded: bool):
        """Logs the claimed attempt's outcome: it was claimed as a failure."""
        if succeeded:
            self.row.event = "sign-in"
            log_forgets()
            db.session.commit()

    def remember_browser(self, response):
        """A successful sign-in makes (or renews) this browser's device cookie for the user."""
        value = device_cookies().dumps({"user": self.user.id, "nonce": self.device or secrets.token_urlsafe(16)})
        response.set_cookie(
            DEVICE_COOKIE, value, max_age=timedelta(days=DEVICE_COOKIE_DAYS), secure=request.is_secure,
            httponly=True, samesite="Lax",
        )


def log(email: str, event: str, device: str | None = None, commit: bool = True):
    """Adds to the sign-in log, and forgets what is older than SIGN_IN_LOG_DAYS; `commit=False` leaves it to the
    change the request makes next (a sign-out's), so that nothing follows that commit."""
    db.session.add(SignIn(email=email, address=request.remote_addr or "", device=device, event=event))
    if event != "failure":
        log_forgets()
    if commit:
        db.session.commit()


def log_forgets():
    cutoff = utcnow() - timedelta(days=current_app.config["SIGN_IN_LOG_DAYS"])
    db.session.execute(db.delete(SignIn).where(SignIn.at < cutoff))


def known_device(user: User | None) -> str | None:
    value = request.cookies.get(DEVICE_COOKIE)
    if user is None or not value:
        return None
    try:
        device = device_cookies().loads(value, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    return device.get("nonce") if device.get("user") == user.id else None


def in_words(seconds: int) -> str:
    """How long to wait, as a person says it: "30 seconds", "2 minutes"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
