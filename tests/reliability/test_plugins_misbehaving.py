"""Misbehaving plugins, installed as real packages, never take distkit down (issue 10).

Each plugin below is installed (a module and a dist-info with its entry point, on PYTHONPATH)
beside a well-behaved one, `good`, that adds the distribution `triangle` and the command `hello`.
Every command a user reaches for runs in a real process under a timeout. Whatever the plugin
does, the command succeeds, prints no traceback (unless --debug), keeps --json parseable, names
the plugin wherever its failure shows, and the good plugin keeps working.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.conftest import DUCK_DISTRIBUTION
from tests.reliability.plugin_packages import (
    HEADER,
    TIMEOUT,
    hook,
    install,
    shape,
    strict_json,
)

IMPORT = "import"
DISTRIBUTIONS = "register_distributions"
MUSIC = "register_music_models"
COMMANDS = "register_commands"

GOOD = (
    DUCK_DISTRIBUTION.format(cls="Triangle", name="triangle")
    + """
import click

@hookimpl
def register_commands(cli):
    @cli.command()
    @click.argument("who")
    def hello(who):
        "Say hello."
        click.echo(f"hello {who}")
"""
)


@dataclass(frozen=True)
class Misbehaviour:
    """A plugin's code, and where distkit finds it misbehaving (IMPORT or a hook's name).

    `level` is "error" (the plugin is listed as broken) or "warning" (it works, with a note).
    """

    code: str
    where: frozenset[str] = frozenset()
    level: str = "error"


PRINTS_AT_IMPORT = """
print("noise at import")
sys.stdout.write("raw noise at import\\n")
sys.__stdout__.write("noise on the real stdout\\n")
sys.__stdout__.flush()
os.system("echo noise from a child process")
"""

HOSTILE_CLASS = """
class Meta(type):
    def __getattribute__(cls, attribute):
        raise RuntimeError(f"no {attribute} for you")


class Hostile(metaclass=Meta):
    pass
"""

MISBEHAVIOURS: dict[str, Misbehaviour] = {
    "exit-at-import": Misbehaviour("sys.exit(3)\n", frozenset({IMPORT})),
    "exit-zero-at-import": Misbehaviour("raise SystemExit(0)\n", frozenset({IMPORT})),
    "interrupt-at-import": Misbehaviour("raise KeyboardInterrupt\n", frozenset({IMPORT})),
    "memory-error-at-import": Misbehaviour("raise MemoryError\n", frozenset({IMPORT})),
    "base-exception-at-import": Misbehaviour(
        "class Weird(BaseException):\n    pass\nraise Weird('odd')\n", frozenset({IMPORT})
    ),
    "syntax-error": Misbehaviour("def broken(:\n", frozenset({IMPORT})),
    "exit-in-hook": Misbehaviour(hook(DISTRIBUTIONS, "sys.exit(3)"), frozenset({DISTRIBUTIONS})),
    "interrupt-in-hook": Misbehaviour(hook(MUSIC, "raise KeyboardInterrupt"), frozenset({MUSIC})),
    "exit-in-commands-hook": Misbehaviour(hook(COMMANDS, "sys.exit(4)"), frozenset({COMMANDS})),
    "adds-a-non-command": Misbehaviour(
        hook(COMMANDS, "cli.add_command(42)"), frozenset({COMMANDS})
    ),
    "prints": Misbehaviour(
        PRINTS_AT_IMPORT
        + hook(DISTRIBUTIONS, 'print("noise in a hook")\nregister(Shape)', before=shape())
        + hook(MUSIC, 'print("noise in a hook")')
        + hook(COMMANDS, 'print("noise in a hook")')
    ),
    "slow": Misbehaviour("time.sleep(1.5)\n", frozenset({IMPORT}), "warning"),
    "returns-things": Misbehaviour(
        hook(DISTRIBUTIONS, "return [Shape]", before=shape())
        + hook(MUSIC, 'return "text"')
        + hook(COMMANDS, "return 42"),
        frozenset({DISTRIBUTIONS, MUSIC, COMMANDS}),
        "warning",
    ),
    "wrong-register-arguments": Misbehaviour(
        hook(
            DISTRIBUTIONS,
            """
            register(42)
            register("not a path")
            register("some.module:Class")
            register(Shape, description=3)
            register(Shape, name="other")
            """,
            before=shape(),
        ),
        frozenset({DISTRIBUTIONS}),
    ),
    "registers-an-instance": Misbehaviour(
        hook(DISTRIBUTIONS, "register(Shape())", before=shape()), frozenset({DISTRIBUTIONS})
    ),
    "registers-a-class-twice": Misbehaviour(
        hook(DISTRIBUTIONS, "register(Shape)\nregister(Shape)", before=shape()),
        frozenset({DISTRIBUTIONS}),
        "warning",
    ),
    "name-with-a-colon": Misbehaviour(
        hook(DISTRIBUTIONS, "register(Shape)", before=shape("tri:angle")),
        frozenset({DISTRIBUTIONS}),
    ),
    "case-twins": Misbehaviour(
        hook(
            DISTRIBUTIONS,
            "register(Shape)\nregister(Twin)",
            before=shape("twin") + "\nclass Twin(Shape):\n    name = 'Twin'\n",
        ),
        frozenset({DISTRIBUTIONS}),
    ),
    "hostile-module-attribute": Misbehaviour(HOSTILE_CLASS, frozenset({IMPORT})),
    "hostile-class": Misbehaviour(
        hook(DISTRIBUTIONS, HOSTILE_CLASS + "register(Hostile)"), frozenset({DISTRIBUTIONS})
    ),
    "wrapper-hook": Misbehaviour(
        "@pluggy.HookimplMarker('distkit')(wrapper=True)\n"
        "def register_distributions(register):\n"
        "    return (yield)\n",
        frozenset({DISTRIBUTIONS}),
    ),
    "wrong-hook-arguments": Misbehaviour(
        "@hookimpl\ndef register_distributions(reg):\n    pass\n", frozenset({IMPORT})
    ),
}


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]
    hooks: frozenset[str]  # the hooks this command runs, so the failures it can see

    @property
    def debug(self) -> bool:
        return "--debug" in self.args

    @property
    def json(self) -> bool:
        return "--json" in self.args


ALL_HOOKS = frozenset({DISTRIBUTIONS, MUSIC, COMMANDS})
RUNS = {
    "list": Command(("list",), frozenset({DISTRIBUTIONS, MUSIC})),
    "list --json": Command(("list", "--json"), frozenset({DISTRIBUTIONS, MUSIC})),
    "plugins": Command(("plugins",), ALL_HOOKS),
    "plugins --json": Command(("plugins", "--json"), ALL_HOOKS),
    "--debug plugins": Command(("--debug", "plugins"), ALL_HOOKS),
    "fit --json": Command(("fit", "gaussian", "{data}", "--json"), frozenset({DISTRIBUTIONS})),
    "plugin command": Command(("hello", "world"), frozenset({COMMANDS})),
}


def source(name: str) -> str:
    """The plugin's whole module: imports, then its code."""
    return HEADER + MISBEHAVIOURS[name].code


@dataclass(frozen=True)
class Site:
    root: Path
    plugins: tuple[str, ...]
    data: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`python -m distkit ARGS` in a real process that sees these plugins, under a timeout."""
        env = {
            **os.environ,
            "PYTHONPATH": str(self.root),
            "DISTKIT_LOAD_PLUGINS": ",".join(self.plugins),
        }
        env.pop("DISTKIT_DISABLED_PLUGINS", None)
        argv = [a.replace("{data}", str(self.data)) for a in args]
        try:
            return subprocess.run(
                [sys.executable, "-m", "distkit", *argv],
                capture_output=True,
                text=True,
                env=env,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"hang: distkit {' '.join(argv)} ran over {TIMEOUT} s")


@pytest.fixture(scope="module")
def make_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[[tuple[str, ...]], Site]:
    """A site with the good plugin and the named misbehaving ones, made once per set."""
    made: dict[tuple[str, ...], Site] = {}

    def make(names: tuple[str, ...]) -> Site:
        if names not in made:
            root = tmp_path_factory.mktemp("site")
            install(root, "good", GOOD)
            for name in names:
                install(root, name, source(name))
            data = root / "heights.txt"
            data.write_text("".join(f"{170 + (i % 17) - 8}\n" for i in range(200)))
            made[names] = Site(root, ("good", *names), data)
        return made[names]

    return make


def named(name: str, run: str, done: subprocess.CompletedProcess[str]) -> bool:
    """Whether the output of `run` names the plugin `name` as broken or warned about."""
    if run == "plugins --json":
        entry = next(p for p in strict_json(done.stdout) if p["name"] == name)
        return bool(entry["errors"] or entry["warnings"])
    if run.endswith("plugins"):
        return any(line.startswith(f"  {name}: ") for line in done.stderr.splitlines())
    return f"warning: plugin {name!r} " in done.stderr


def check_the_promise(run: str, done: subprocess.CompletedProcess[str]) -> None:
    """What holds for every run: it works, no traceback, JSON parses, the good plugin works."""
    command = RUNS[run]
    assert done.returncode == 0, done.stderr
    if not command.debug:
        assert "Traceback" not in done.stderr
    if command.json:
        data = strict_json(done.stdout)
    if run == "list --json":
        assert "triangle" in [d["name"] for d in data["distributions"]]
    elif run == "list":
        assert any(line.split()[:2] == ["triangle", "good"] for line in done.stdout.splitlines())
    elif run == "plugins --json":
        assert next(p for p in data if p["name"] == "good")["ok"] is True
    elif run == "fit --json":
        assert data["distribution"] == "gaussian"
        assert data["n"] == 200
    elif run == "plugin command":
        assert done.stdout == "hello world\n"


@pytest.mark.parametrize("run", list(RUNS))
@pytest.mark.parametrize("name", list(MISBEHAVIOURS))
def test_a_misbehaving_plugin_is_named_and_the_rest_works(
    make_site: Callable[[tuple[str, ...]], Site], name: str, run: str
) -> None:
    misbehaviour, command = MISBEHAVIOURS[name], RUNS[run]
    done = make_site((name,)).run(*command.args)
    check_the_promise(run, done)
    visible = IMPORT in misbehaviour.where or bool(misbehaviour.where & command.hooks)
    assert named(name, run, done) == visible, done.stderr
    if run == "plugins --json" and misbehaviour.where:
        entry = next(p for p in strict_json(done.stdout) if p["name"] == name)
        assert entry["ok"] is (misbehaviour.level == "warning")


@pytest.mark.parametrize("run", list(RUNS))
def test_all_of_them_at_once_are_each_named_and_the_rest_works(
    make_site: Callable[[tuple[str, ...]], Site], run: str
) -> None:
    command = RUNS[run]
    done = make_site(tuple(MISBEHAVIOURS)).run(*command.args)
    check_the_promise(run, done)
    for name, misbehaviour in MISBEHAVIOURS.items():
        visible = IMPORT in misbehaviour.where or bool(misbehaviour.where & command.hooks)
        assert named(name, run, done) == visible, name


def test_what_a_plugin_prints_goes_to_stderr(make_site: Callable[[tuple[str, ...]], Site]) -> None:
    done = make_site(("prints",)).run("list", "--json")
    assert "noise" not in done.stdout
    for noise in ("noise at import", "raw noise", "real stdout", "child process", "in a hook"):
        assert noise in done.stderr


def test_a_slow_plugin_is_named_with_the_time_it_took(
    make_site: Callable[[tuple[str, ...]], Site],
) -> None:
    done = make_site(("slow",)).run("list")
    (warning,) = [line for line in done.stderr.splitlines() if "'slow'" in line]
    assert warning.startswith("warning: plugin 'slow' took ")
    assert "s to load" in warning


def test_debug_shows_the_traceback_of_a_plugin_that_failed(
    make_site: Callable[[tuple[str, ...]], Site],
) -> None:
    done = make_site(("exit-in-hook",)).run("--debug", "plugins")
    assert "Traceback (most recent call last)" in done.stderr
    assert "sys.exit(3)" in done.stderr


@pytest.mark.parametrize(
    ("name", "selected"),
    [("registers-a-class-twice", "shape"), ("case-twins", "twin"), ("prints", "prints:shape")],
)
def test_what_a_misbehaving_plugin_registered_well_can_be_fitted(
    make_site: Callable[[tuple[str, ...]], Site], name: str, selected: str
) -> None:
    done = make_site((name,)).run("fit", selected, "{data}", "--json")
    assert done.returncode == 0, done.stderr
    assert strict_json(done.stdout)["plugin"] == name


COMMAND_FAILURES = {
    "sys.exit(3)": "SystemExit: 3",
    "raise MemoryError": "MemoryError",
    "raise ValueError('a plugin bug')": "ValueError: a plugin bug",
    "raise LookupError('\\n\\nfirst\\nsecond')": "LookupError: first",
    "raise type('Odd', (BaseException,), {})()": "Odd",
}


@pytest.mark.parametrize("body", list(COMMAND_FAILURES))
def test_a_plugin_command_that_fails_is_one_line_naming_the_plugin(
    tmp_path: Path, body: str
) -> None:
    install(
        tmp_path, "crasher", HEADER + hook(COMMANDS, f"@cli.command()\ndef crash():\n    {body}")
    )
    done = Site(tmp_path, ("crasher",), tmp_path).run("crash")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"Error: command 'crash' of plugin 'crasher' failed: {COMMAND_FAILURES[body]}"
    ]


@pytest.mark.parametrize(("body", "code"), [("sys.exit(0)", 0), ("raise KeyboardInterrupt", 1)])
def test_a_plugin_command_may_exit_or_be_interrupted_as_any_command(
    tmp_path: Path, body: str, code: int
) -> None:
    install(
        tmp_path, "quitter", HEADER + hook(COMMANDS, f"@cli.command()\ndef quit():\n    {body}")
    )
    done = Site(tmp_path, ("quitter",), tmp_path).run("quit")
    assert done.returncode == code
    assert "Traceback" not in done.stderr


def test_a_lazy_path_to_an_instance_is_one_line_when_used(tmp_path: Path) -> None:
    code = (
        shape()
        + "\nSHAPE = Shape()\n"
        + hook(DISTRIBUTIONS, 'register("misbehaving_lazy:SHAPE", name="shape")')
    )
    install(tmp_path, "lazy", HEADER + code)
    data = tmp_path / "values.txt"
    data.write_text("1\n2\n3\n")
    site = Site(tmp_path, ("lazy",), data)
    listed = site.run("list", "--json")
    assert listed.returncode == 0
    assert "shape" in [d["name"] for d in strict_json(listed.stdout)["distributions"]]
    done = site.run("fit", "shape", "{data}", "--json")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Error: plugin 'lazy' registered misbehaving_lazy:SHAPE, which is not a class "
        "(register the class itself)"
    ]


def test_ctrl_c_while_a_slow_plugin_loads_stops_the_command(tmp_path: Path) -> None:
    loading = tmp_path / "loading"
    install(tmp_path, "sleepy", HEADER + f"open({str(loading)!r}, 'w').close()\ntime.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DISTKIT_LOAD_PLUGINS": "sleepy"}
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "list"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        waited = 0.0
        while not loading.exists() and waited < TIMEOUT:
            time.sleep(0.05)
            waited += 0.05
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 1
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "Aborted!"
