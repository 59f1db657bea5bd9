"""The `register_templates` hook: a plugin's cookiecutter template is rendered by
`distkit new --template NAME`, and a plugin that breaks in the hook spoils only itself."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.conftest import PluginSite

TEMPLATE_PLUGIN = """
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_templates(register):
    register("hello", {location!r}, description="A one-file package")
"""


def make_template(root: Path) -> Path:
    template = root / "hello-template"
    (template / "{{cookiecutter.slug}}").mkdir(parents=True)
    (template / "cookiecutter.json").write_text(json.dumps({"slug": "hello-pkg"}))
    (template / "{{cookiecutter.slug}}" / "hello.txt").write_text("hello {{ cookiecutter.slug }}\n")
    return template


def test_a_plugins_template_is_rendered_by_name(plugin_site: PluginSite, tmp_path: Path) -> None:
    template = make_template(tmp_path)
    plugin_site.add("hellotpl", TEMPLATE_PLUGIN.format(location=str(template)))
    out = tmp_path / "out"
    result = plugin_site.run("new", "--template", "hello", "-o", str(out), "--no-input", "--no-git")
    assert result.returncode == 0, result.stderr
    assert (out / "hello-pkg" / "hello.txt").read_text() == "hello hello-pkg\n"
    record = json.loads((out / "hello-pkg" / ".distkit-answers.json").read_text())
    assert record["template"] == "plugin:hello"


def test_a_plugin_whose_hook_raises_is_reported(plugin_site: PluginSite, tmp_path: Path) -> None:
    plugin_site.add(
        "brokentpl",
        "import pluggy\n\n@pluggy.HookimplMarker('distkit')\n"
        "def register_templates(register):\n    raise RuntimeError('no templates today')\n",
    )
    result = plugin_site.run("new", "--template", "hello", "-o", str(tmp_path), "--no-input")
    assert result.returncode == 2
    assert "no template 'hello'" in result.stderr
    assert "Traceback" not in result.stderr
