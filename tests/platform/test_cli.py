import subprocess
import sys

from openprecinct.cli.main import FILE_COMMANDS, main


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "openprecinct", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_file_and_platform_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in FILE_COMMANDS:
        assert name in out
    for name in ("migrate", "serve", "import", "audit verify"):
        assert name in out


def test_platform_commands_have_help():
    for command in ("migrate", "serve", "demo", "audit", "unlock"):
        result = run(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage:" in result.stdout


def test_an_unknown_command_is_one_clear_line():
    result = run("no-such-command")
    assert result.returncode != 0
    assert "Unknown command: 'no-such-command'" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_creates_the_database_the_url_names(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "OPENPRECINCT_DATA_DIR": str(tmp_path),
        "OPENPRECINCT_DATABASE_URL": f"sqlite:///{db}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "openprecinct", "migrate", "--no-input"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert db.exists()
