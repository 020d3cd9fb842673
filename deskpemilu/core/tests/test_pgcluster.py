"""The pure helpers of the throw-away PostgreSQL cluster runner (no server)."""

import shlex
import signal
from pathlib import Path

from deskpemilu.devtools.pgcluster import (
    Cluster,
    ci_enabled,
    command_after_separator,
    database_url,
    exit_code,
    highest_version_bindir,
    parse_version,
    server_settings,
    settings_options,
    tail,
    version_key,
)


def test_ci_flag_is_true_only_for_true_in_any_case():
    for value in ["true", "TRUE", "True", " true\n"]:
        assert ci_enabled({"CI": value}) is True
    for value in ["", "false", "1", "yes", "truthy"]:
        assert ci_enabled({"CI": value}) is False
    assert ci_enabled({}) is False


def test_version_key_orders_numerically_not_alphabetically():
    assert version_key("15") == (15,)
    assert version_key("9.6") == (9, 6)
    assert version_key("10") > version_key("9.6")
    for bad in ["", "main", "15beta", "15.", ".15"]:
        assert version_key(bad) is None


def test_highest_version_bindir_picks_the_newest_release():
    paths = [
        Path("/usr/lib/postgresql/9.6/bin"),
        Path("/usr/lib/postgresql/16/bin"),
        Path("/usr/lib/postgresql/10/bin"),
        Path("/usr/lib/postgresql/common/bin"),
    ]
    assert highest_version_bindir(paths) == Path("/usr/lib/postgresql/16/bin")


def test_highest_version_bindir_without_versions_is_none():
    assert highest_version_bindir([]) is None
    assert highest_version_bindir([Path("/usr/lib/postgresql/x/bin")]) is None


def test_command_is_what_follows_the_separator():
    assert command_after_separator(["--", "pytest", "-x"]) == ["pytest", "-x"]
    assert command_after_separator(["pytest", "--", "-x"]) == ["pytest", "--", "-x"]
    assert command_after_separator(["--"]) == []
    assert command_after_separator([]) == []


def test_database_url_names_user_host_port_and_database():
    assert database_url(54321) == "postgres://deskpemilu@127.0.0.1:54321/deskpemilu"


def test_server_listens_locally_and_skips_durability():
    settings = server_settings(5433, Path("/tmp/x/sockets"))
    assert settings["listen_addresses"] == "127.0.0.1"
    assert settings["port"] == "5433"
    assert settings["unix_socket_directories"] == "/tmp/x/sockets"
    for name in ["fsync", "synchronous_commit", "full_page_writes"]:
        assert settings[name] == "off"


def test_settings_options_survive_the_shell_pg_ctl_passes_them_through():
    settings = {"port": "5433", "unix_socket_directories": "/tmp/with space/it's"}
    words = shlex.split(settings_options(settings))
    assert words == [
        "-c",
        "port=5433",
        "-c",
        "unix_socket_directories=/tmp/with space/it's",
    ]


def test_tools_run_as_postgres_only_when_root():
    as_root = Cluster(Path("/pg/bin"), Path("/tmp/c"), 5433, as_root=True)
    as_user = Cluster(Path("/pg/bin"), Path("/tmp/c"), 5433, as_root=False)
    assert as_root.tool("initdb", "-D", "d") == [
        *("runuser", "-u", "postgres", "--"),
        *("/pg/bin/initdb", "-D", "d"),
    ]
    assert as_user.tool("initdb", "-D", "d") == ["/pg/bin/initdb", "-D", "d"]


def test_exit_code_of_a_signal_death_is_shell_style():
    assert exit_code(0) == 0
    assert exit_code(3) == 3
    assert exit_code(-signal.SIGINT) == 130


def test_parse_version_reads_pg_ctl_output():
    output = "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"
    assert parse_version(output) == "PostgreSQL 15.18"
    assert parse_version("") == "PostgreSQL (unknown version)"


def test_tail_keeps_the_last_lines():
    text = "\n".join(str(n) for n in range(100))
    assert tail(text, 3) == "97\n98\n99"
    assert tail("", 3) == ""
