import pytest

from beffroi.config import ConfigError, example_config_path, load_settings


def test_example_config_is_valid_and_names_marcq():
    settings = load_settings(example_config_path())
    assert settings.city.name == "Marcq-en-Barœul"
    assert settings.city.timezone == "Europe/Paris"
    assert {r.key for r in settings.rendezvous} == {
        "instamoment",
        "jeudi_economie",
        "minute_culturelle",
    }
    thursday = next(r for r in settings.rendezvous if r.key == "jeudi_economie")
    assert thursday.recurrence.days == ["thu"]
    assert settings.business_hours.start.hour == 8 and settings.business_hours.start.minute == 30
    assert {a.network for a in settings.accounts} >= {"x", "facebook", "instagram"}


def test_database_path_is_relative_to_the_config_file(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "data.db"\n')
    assert load_settings(cfg).database_path == tmp_path / "data.db"


def test_missing_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "absent.toml")


def test_missing_key_names_key_and_file(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[database]\npath = "x.db"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    assert "missing key 'city'" in str(err.value)
    assert str(cfg) in str(err.value)


def test_unknown_key_is_refused_with_its_path(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text(
        '[city]\nname = "V"\n[[accounts]]\nkey = "x_ville"\nnetwork = "x"\nhandle = "v"\ntokn_env = "A"\n'
    )
    with pytest.raises(ConfigError, match=r"unknown key 'accounts\[x_ville\]\.tokn_env'"):
        load_settings(cfg)


def test_wrong_value_names_key(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "V"\ntimezone = "Europe/Lile"\n')
    with pytest.raises(ConfigError, match=r"invalid value for 'city\.timezone'.*Europe/Lile"):
        load_settings(cfg)


def test_rendezvous_must_name_known_accounts(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text(
        '[city]\nname = "V"\n[[rendezvous]]\nkey = "r"\nname = "R"\naccounts = ["nope"]\n'
        'recurrence = { kind = "weekly", days = ["thu"], time = 11:00:00 }\n'
    )
    with pytest.raises(ConfigError, match="unknown account 'nope'"):
        load_settings(cfg)


def test_not_toml(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text("[city\nname=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(cfg)
