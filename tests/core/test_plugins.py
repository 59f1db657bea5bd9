"""The plugin system: discovery through real entry points, failure isolation, collisions."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.errors import NotFoundError, PluginError, UsageError
from distkit.plugins import get_registry, missing_members
from distkit.plugins.describe import description, parameters
from tests.core.conftest import DUCK_DISTRIBUTION

if TYPE_CHECKING:
    from conftest import PluginSite


def test_builtins_register_gaussian_and_binomial_through_the_hooks() -> None:
    registry = get_registry()
    found = {(r.name, r.plugin) for r in registry.distributions}
    assert {("gaussian", "distkit.distributions"), ("binomial", "distkit.distributions")} <= found


def test_a_class_that_does_not_subclass_distkit_is_found_through_its_entry_point(
    plugin_site: PluginSite,
) -> None:
    module = plugin_site.add_distribution("triangle", "triangle")
    cls = get_registry().distribution("triangle")
    assert cls.__module__ == module
    assert not any(base.__module__.startswith("distkit") for base in cls.__mro__)


def test_a_plugin_that_fails_to_import_is_reported_and_the_rest_keeps_working(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add("broken", "raise RuntimeError('boom at import')\n")
    plugin_site.add_distribution("triangle", "triangle")
    registry = get_registry()
    assert registry.distribution("triangle").name == "triangle"
    assert registry.distribution("gaussian").name == "gaussian"
    broken = registry.plugins["broken"]
    assert not broken.ok
    assert "RuntimeError: boom at import" in broken.errors[0]


def test_a_plugin_whose_hook_raises_is_reported_and_keeps_nothing(plugin_site: PluginSite) -> None:
    plugin_site.add(
        "halfway",
        """
        import pluggy
        from {module} import Triangle
        hookimpl = pluggy.HookimplMarker("distkit")

        @hookimpl
        def register_distributions(register):
            register(Triangle)
            raise ValueError("second class is missing")
        """.replace("{module}", plugin_site.add_distribution("other", "other-triangle")),
    )
    registry = get_registry()
    names = [r.name for r in registry.distributions]
    assert names.count("triangle") == 0
    assert "other-triangle" in names
    assert "ValueError: second class is missing" in registry.plugins["halfway"].errors[0]


def test_a_misspelled_hookimpl_is_caught_by_check_pending(plugin_site: PluginSite) -> None:
    plugin_site.add(
        "typo",
        """
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        @hookimpl
        def register_distribution(register):
            pass
        """,
    )
    errors = get_registry().plugins["typo"].errors
    assert len(errors) == 1
    assert "register_distribution" in errors[0]
    assert "misspelled" in errors[0]


def test_a_registered_class_without_the_api_is_refused_with_what_it_lacks(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add(
        "incomplete",
        """
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        class Half:
            name = "half"
            def pdf(self, x):
                return x

        @hookimpl
        def register_distributions(register):
            register(Half)
        """,
    )
    registry = get_registry()
    assert "half" not in [r.name for r in registry.distributions]
    assert "lacks cdf, sample, fit, read_data_file" in registry.plugins["incomplete"].errors[0]


def test_missing_members_accepts_a_duck_typed_music_model() -> None:
    class Duck:
        name = "duck"

        def harmonize(self, melody: object, *, seed: int | None = None) -> object:
            return melody

    assert missing_members(Duck, "music model") == []
    assert missing_members(object, "music model") == ["name", "harmonize"]


def test_two_classes_with_one_name_are_both_kept_and_a_bare_lookup_names_both(
    plugin_site: PluginSite,
) -> None:
    first = plugin_site.add_distribution("alpha", "triangle")
    second = plugin_site.add_distribution("beta", "triangle")
    registry = get_registry()
    assert [r.plugin for r in registry.distributions if r.name == "triangle"] == ["alpha", "beta"]
    with pytest.raises(UsageError, match=r"'alpha' and 'beta'.*alpha:triangle or beta:triangle"):
        registry.distribution("triangle")
    assert registry.distribution("alpha:triangle").__module__ == first
    assert registry.distribution("beta:triangle").__module__ == second


def test_an_unknown_name_suggests_the_closest_and_lists_the_known() -> None:
    with pytest.raises(
        NotFoundError, match=r"did you mean 'gaussian'\?.*Known: binomial, gaussian"
    ):
        get_registry().distribution("gausian")


def test_load_plugins_limits_which_entry_points_load(
    plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin_site.add_distribution("alpha", "alpha-triangle")
    plugin_site.add_distribution("beta", "beta-triangle")
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "beta")
    get_registry.cache_clear()
    names = {r.name for r in get_registry().distributions}
    assert "beta-triangle" in names
    assert "alpha-triangle" not in names
    assert "alpha" not in get_registry().plugins


def test_an_empty_load_plugins_loads_no_entry_point(
    plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin_site.add_distribution("alpha", "alpha-triangle")
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    get_registry.cache_clear()
    assert set(get_registry().plugins) == {
        "distkit.distributions",
        "distkit.music",
        "distkit.user_models",
    }


def test_disabled_plugins_are_blocked(
    plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin_site.add_distribution("alpha", "alpha-triangle")
    monkeypatch.setenv("DISTKIT_DISABLED_PLUGINS", "alpha, distkit.music")
    get_registry.cache_clear()
    registry = get_registry()
    assert "alpha" not in registry.plugins
    assert "distkit.music" not in registry.plugins
    assert registry.music_models == []


def test_plugin_info_has_package_version_and_hooks(plugin_site: PluginSite) -> None:
    plugin_site.add_distribution("alpha", "alpha-triangle")
    info = get_registry().plugins["alpha"]
    assert info.package is not None
    assert info.package.startswith("distkit-alpha")
    assert info.version == "1.0"
    assert info.hooks == ["register_distributions"]
    assert info.ok


def test_a_music_model_is_registered_and_looked_up_by_name(plugin_site: PluginSite) -> None:
    plugin_site.add(
        "drone",
        """
        import numpy as np
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        class Drone:
            name = "drone"
            description = "Holds middle C under the melody."

            def harmonize(self, melody, *, seed=None):
                held = np.zeros_like(melody)
                held[:, 60] = True
                return np.stack([melody, held, held, held])

        @hookimpl
        def register_music_models(register):
            register(Drone)
        """,
    )
    registry = get_registry()
    (drone,) = [r for r in registry.music_models if r.name == "drone"]
    assert drone.plugin == "drone"
    assert description(drone) == "Holds middle C under the melody."
    assert registry.music_model("drone:drone") is drone.cls


LAZY_PLUGIN = """
import pluggy
hookimpl = pluggy.HookimplMarker("distkit")

@hookimpl
def register_distributions(register):
    register("{module}:Triangle", name="triangle", description="A lazy triangle.")
"""


def test_a_class_registered_by_its_path_is_imported_only_when_used(
    plugin_site: PluginSite,
) -> None:
    module = f"lazy_triangle_{uuid.uuid4().hex[:8]}"
    code = DUCK_DISTRIBUTION.format(cls="Triangle", name="triangle")
    (plugin_site.root / f"{module}.py").write_text(code)
    plugin_site.add("lazy", LAZY_PLUGIN.format(module=module))
    registry = get_registry()
    registration = registry.lookup("distribution", "lazy:triangle")
    assert (description(registration), registration.class_path) == (
        "A lazy triangle.",
        f"{module}:Triangle",
    )
    assert module not in sys.modules
    assert parameters(registration) is None
    assert registration.cls.__module__ == module
    assert parameters(registration) == ["low", "high"]


def test_a_lazy_path_whose_class_is_missing_is_a_plugin_error_on_use(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add("lazy", LAZY_PLUGIN.format(module="no_such_module_here"))
    registration = get_registry().lookup("distribution", "triangle")
    with pytest.raises(PluginError, match="plugin 'lazy' failed importing no_such_module_here"):
        registration.cls  # noqa: B018


@pytest.mark.parametrize(
    "body",
    [
        "import sys\nsys.exit(3)\n",
        "raise KeyboardInterrupt\n",
        "raise SystemExit('bye')\n",
    ],
)
def test_a_plugin_that_exits_or_interrupts_at_import_is_reported_and_distkit_runs_on(
    plugin_site: PluginSite, body: str
) -> None:
    plugin_site.add("exits", body)
    registry = get_registry()
    assert registry.distribution("gaussian").name == "gaussian"
    assert not registry.plugins["exits"].ok


def test_what_a_plugin_prints_in_a_hook_goes_to_stderr(
    plugin_site: PluginSite, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin_site.add(
        "chatty",
        """
        import pluggy
        hookimpl = pluggy.HookimplMarker("distkit")

        @hookimpl
        def register_distributions(register):
            print("hello from a plugin")
        """,
    )
    get_registry().distributions  # noqa: B018
    out, err = capsys.readouterr()
    assert "hello from a plugin" not in out
    assert "hello from a plugin" in err


def two_classes(first: str, second: str, *, same: bool = False) -> str:
    """A plugin that registers a class named `first`, then one named `second` (or the first
    class again, when `same`)."""
    base = DUCK_DISTRIBUTION.format(cls="First", name=first).replace(
        "    register(First)\n", "    register(First)\n    register(Second)\n"
    )
    second_class = "Second = First\n" if same else f"class Second(First):\n    name = {second!r}\n"
    return base.replace("@hookimpl", second_class + "\n\n@hookimpl")


def test_a_name_with_a_colon_or_a_space_is_refused_at_registration(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add_distribution("colon", "tri:angle")
    plugin_site.add_distribution("space", "tri angle")
    registry = get_registry()
    assert {r.plugin for r in registry.distributions} == {"distkit.distributions"}
    assert registry.plugins["colon"].errors == [
        "registered Triangle, whose name 'tri:angle' contains ':', which separates PLUGIN:NAME"
    ]
    assert "'tri angle' contains spaces" in registry.plugins["space"].errors[0]


def test_case_twins_in_one_plugin_keep_the_first_and_name_both(plugin_site: PluginSite) -> None:
    plugin_site.add("twins", two_classes("twin", "Twin"))
    registry = get_registry()
    assert [r.name for r in registry.distributions if r.plugin == "twins"] == ["twin"]
    (error,) = registry.plugins["twins"].errors
    assert "two distribution classes named 'twin' and 'Twin'" in error
    assert registry.distribution("TWIN").__name__ == "First"


def test_a_class_registered_twice_is_kept_once_with_a_warning(plugin_site: PluginSite) -> None:
    plugin_site.add("twice", two_classes("twin", "twin", same=True))
    registry = get_registry()
    assert registry.distribution("twin").__name__ == "First"
    assert registry.plugins["twice"].ok
    assert registry.plugins["twice"].warnings == ["registered First twice; distkit keeps one"]


def test_an_instance_is_refused_and_list_json_still_lists(plugin_site: PluginSite) -> None:
    plugin_site.add(
        "instance",
        DUCK_DISTRIBUTION.format(cls="Triangle", name="triangle").replace(
            "register(Triangle)", "register(Triangle())"
        ),
    )
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert result.exit_code == 0, result.output
    assert "triangle" not in [d["name"] for d in json.loads(result.stdout)["distributions"]]
    assert result.stderr.splitlines() == [
        "warning: plugin 'instance' registered a 'Triangle' object, which is not a class "
        "(register the class itself) (see `distkit plugins`)"
    ]


@pytest.mark.parametrize(
    "providers",
    [
        [("alpha", "triangle"), ("beta", "triangle")],
        [("alpha", "Triangle"), ("beta", "triangle")],
        [("Alpha", "triangle"), ("alpha", "triangle")],
        [("distkit_poisson", "poisson"), ("distkit_poisson_fast", "poisson"), ("x", "POISSON")],
    ],
    ids=["two-plugins", "names-differ-in-case", "plugins-differ-in-case", "three"],
)
def test_every_choice_the_pick_one_advice_offers_selects_one_class(
    plugin_site: PluginSite, providers: list[tuple[str, str]]
) -> None:
    modules = {plugin_site.add_distribution(plugin, name) for plugin, name in providers}
    registry = get_registry()
    reached = set()
    for _, name in providers:
        try:
            reached.add(registry.distribution(name).__module__)
        except UsageError as error:
            choices = str(error).split("pick one: ")[1].split(" or ")
            assert len(choices) > 1
            reached |= {registry.distribution(choice).__module__ for choice in choices}
    assert reached == modules


def test_an_exact_match_settles_a_lookup_that_ignoring_case_leaves_open(
    plugin_site: PluginSite,
) -> None:
    upper = plugin_site.add_distribution("alpha", "Triangle")
    lower = plugin_site.add_distribution("beta", "triangle")
    registry = get_registry()
    assert registry.distribution("Triangle").__module__ == upper
    assert registry.distribution("triangle").__module__ == lower
    with pytest.raises(UsageError, match="pick one: alpha:Triangle or beta:triangle"):
        registry.distribution("TRIANGLE")


def test_a_slow_plugin_gets_a_warning_and_still_works(plugin_site: PluginSite) -> None:
    module = plugin_site.add_distribution("slow", "triangle")
    path = plugin_site.root / f"{module}.py"
    path.write_text("import time\ntime.sleep(1.2)\n" + path.read_text())
    registry = get_registry()
    assert registry.distribution("triangle").__module__ == module
    (warning,) = registry.plugins["slow"].warnings
    assert warning.startswith("took ")
    assert registry.plugins["slow"].ok


BROKEN_CLASSES = """
import pluggy
hookimpl = pluggy.HookimplMarker("distkit")

class Meta(type):
    @property
    def description(cls):
        raise ValueError("boom")

    @property
    def style(cls):
        print("a plugin printing while read")
        raise RuntimeError("no style")

class Shady(metaclass=Meta):
    name = "shady"
    def harmonize(self, melody):
        return melody

class PanelOfAModule:
    name = "panelled"
    description = "Its panel_file names a module, not a package."
    panel_file = "json:panel.json"
    def harmonize(self, melody):
        return melody

@hookimpl
def register_music_models(register):
    register("no_such_module_here:Model", name="lazymodel", description="Needs torch.")
    register(Shady)
    register(PanelOfAModule)

@hookimpl
def register_distributions(register):
    register("no_such_module_here:Dist", name="lazydist", description="Needs torch.")
"""


def test_a_class_that_cannot_be_imported_or_read_is_listed_with_its_error(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add("broken", BROKEN_CLASSES)
    runner = CliRunner()
    table = runner.invoke(cli, ["list"])
    assert table.exit_code == 0, table.output
    assert "lazymodel  broken  (cannot be used; see the warning above)" in table.stdout
    assert "shady" in table.stdout
    assert "panelled" in table.stdout
    assert "Traceback" not in table.output
    assert table.stderr.count("failed importing no_such_module_here:Model") == 1
    listed = runner.invoke(cli, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    models = {m["name"]: m for m in json.loads(listed.stdout)["music_models"]}
    assert "failed importing no_such_module_here:Model" in models["lazymodel"]["error"]
    assert "failed describing" in models["shady"]["error"]
    assert "cannot be described" in models["shady"]["description"]
    assert models["panelled"]["panel"] is None
    assert "error" not in models["panelled"]
    assert "a plugin printing while read" not in listed.stdout


def test_fit_best_skips_a_family_whose_class_cannot_be_imported(
    plugin_site: PluginSite, tmp_path: Path
) -> None:
    plugin_site.add("broken", BROKEN_CLASSES)
    data = tmp_path / "data.txt"
    data.write_text("1\n2\n3\n4.5\n")
    result = CliRunner().invoke(cli, ["fit", "--best", str(data)])
    assert result.exit_code == 0, result.output
    assert "gaussian" in result.stdout
    assert "lazydist (broken): plugin 'broken' failed importing no_such_module_here:Dist" in (
        result.stdout
    )
