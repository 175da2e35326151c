"""Signing in and out, the first admin, and changing one's own password."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.security import check_password_hash

import records
from forms import PasswordForm, SetupForm, SignInForm
from models import EMAIL_MAX, ID_MAX, SignIn, User, db
from security import dummy_password_hash, is_safe_redirect, role_required, start_session
from sign_in_limits import Attempt, in_words, log

bp = Blueprint("auth", __name__)

PAGE_SIZE = 50


def has_admin() -> bool:
    return db.session.scalar(db.select(User.id).where(User.role == "admin", User.active).limit(1)) is not None


def has_users() -> bool:
    return db.session.scalar(db.select(User.id).limit(1)) is not None


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if not has_users():
        return redirect(url_for(".setup"))
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).where(User.email == form.email.data))
        attempt = Attempt.of(form.email.data, user)
        if wait := attempt.claim():
            form.form_errors.append(f"Too many failed sign-ins. Try again in {in_words(wait)}.")
            return render_template("auth/sign_in.html", form=form), 429, {"Retry-After": str(wait)}
        if user is not None and user.password_hash is not None:
            correct = user.check_password(form.password.data)
        else:
            correct = check_password_hash(dummy_password_hash(), form.password.data)  # the same work either way
        succeeded = user is not None and correct and user.active
        attempt.record(succeeded)
        if succeeded:
            start_session(user)
            flash(f"Signed in as {user.name}.", "success")
            target = request.args.get("next")
            response = redirect(target if is_safe_redirect(target) else url_for("main.home"))
            attempt.remember_browser(response)
            return response
        form.form_errors.append("The email or password is not right, or this account cannot sign in.")
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def logout():
    """Sign out, ending this user's sessions everywhere."""
    log(current_user.email, "sign-out", commit=False)
    records.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("Signed out.", "success")
    return redirect(url_for(".login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first admin; there is no such page once anyone has an account."""
    # Open only while the users table is empty: a site whose admins were all deleted or deactivated still has
    # people who sign in, and this page would let anyone who can reach it make themselves an admin.
    if has_admin():
        abort(404)
    if has_users():
        abort(403, "This site has accounts but no active admin, so it cannot be set up again from here. Someone "
                   "with a shell on the server can make an admin: flask --app app create-admin (it also makes an "
                   "existing account an admin, with a new password).")
    form = SetupForm()
    if form.validate_on_submit():
        admin, _ = records.account(form.email.data, form.name.data, "admin", form.password.data)
        start_session(admin)
        flash(f"Welcome, {admin.name}. You are the first admin.", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/setup.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """Change one's own password; other sessions end."""
    form = PasswordForm()
    user = current_user._get_current_object()
    # Wrong current passwords are limited and logged as failed sign-ins are: else whoever holds a session (a
    # browser left signed in) could guess the password here without limit.
    attempt = Attempt.of(user.email, user) if form.is_submitted() else None
    if attempt and (wait := attempt.claim()):
        form.form_errors.append(f"Too many wrong passwords. Try again in {in_words(wait)}.")
        return render_template("auth/password.html", form=form), 429, {"Retry-After": str(wait)}
    if form.validate_on_submit():
        attempt.withdraw()  # the current password was right: no failure
        records.set_password(user, form.new_password.data)
        start_session(user)
        flash("Your password is changed. Other devices signed in as you are signed out.", "success")
        return redirect(url_for("main.home"))
    if attempt and PasswordForm.WRONG not in form.current_password.errors:  # not a wrong password: not a failure
        attempt.withdraw()
        db.session.commit()
    return render_template("auth/password.html", form=form)


@bp.get("/sign-ins")
@role_required("admin")
def sign_ins():
    """The sign-in log, newest first: sign-ins, failed attempts and sign-outs, for one email or all."""
    email = "".join(c for c in request.args.get("email", "") if c.isprintable()).strip().lower()[:EMAIL_MAX]
    before = request.args.get("before", type=int)
    query = db.select(SignIn).order_by(SignIn.id.desc()).limit(PAGE_SIZE + 1)
    if email:
        query = query.where(SignIn.email == email)
    if before and 0 < before <= ID_MAX:
        query = query.where(SignIn.id < before)
    rows = db.session.scalars(query).all()
    next_before = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return render_template("auth/sign_ins.html", rows=rows[:PAGE_SIZE], email=email, next_before=next_before)
