from app import create_app


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"}
    first = create_app(config)
    first_key = first.config["SECRET_KEY"]
    assert len(first_key) >= 64
    assert create_app(config).config["SECRET_KEY"] == first_key


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"})
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/elsewhere.db")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("elsewhere.db")


def test_default_database_is_in_instance():
    app = create_app({})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/roster.db"
