"""`beffroi init` says what it creates, including the database's folder."""

from beffroi.cli.main import main


def test_init_creates_the_database_folder_and_says_so(tmp_path, capsys):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "donnees/b.db"\n')
    assert main(["-c", str(cfg), "init"]) == 0
    out = capsys.readouterr().out
    assert f"created the folder {tmp_path / 'donnees'} for the database" in out
    assert (tmp_path / "donnees" / "b.db").exists()


def test_collect_with_a_missing_folder_builds_nothing(tmp_path, capsys):
    cfg = tmp_path / "b.toml"
    cfg.write_text(
        '[city]\nname = "Ville"\n[database]\npath = "absent/dir/b.db"\n'
        '[[accounts]]\nkey = "sim_x"\nnetwork = "sandbox"\nhandle = "ville"\n'
    )
    assert main(["-c", str(cfg), "collect"]) == 2
    err = capsys.readouterr().err
    assert "the folder of the database does not exist" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.toml"]
