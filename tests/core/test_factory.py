from webapp import create_app


def test_testing_config_is_applied(app):
    assert app.testing


def test_default_app_is_not_in_testing_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDBOOK_INSTANCE", str(tmp_path / "inst"))
    assert not create_app().testing


def test_first_start_creates_secret_and_vapid_keys_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDBOOK_INSTANCE", str(tmp_path / "inst"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app()
    secret = (tmp_path / "inst" / "secret_key").read_text().strip()
    assert app.config["SECRET_KEY"] == secret and len(secret) == 64
    assert (tmp_path / "inst" / "vapid_private.pem").stat().st_mode & 0o777 == 0o600
    assert len(app.config["VAPID_PUBLIC_KEY"]) == 87  # 65 bytes, base64url without padding
    # A second start reuses the same keys.
    again = create_app()
    assert again.config["SECRET_KEY"] == secret
    assert again.config["VAPID_PUBLIC_KEY"] == app.config["VAPID_PUBLIC_KEY"]
