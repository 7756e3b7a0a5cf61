"""The console serves the front-end packages its pages load, and nothing else of
node_modules: the accessibility checker is installed for the tests only."""

import json

from agent_console import vendor

TESTS_ONLY = "/vendor/axe-core/axe.min.js"


def test_the_accessibility_checker_is_installed_but_never_served(client):
    assert (vendor.ROOT / "node_modules" / "axe-core" / "axe.min.js").is_file()
    assert client.get(TESTS_ONLY).status_code == 404
    assert client.get("/vendor/axe-core/package.json").status_code == 404


def test_each_package_the_pages_load_is_served(client):
    assert client.get("/vendor/htmx.org/dist/htmx.min.js").status_code == 200
    assert client.get("/vendor/sip.js/lib/index.js").status_code == 200
    assert client.get("/vendor/chart.js/dist/chart.umd.min.js").status_code == 200


def test_only_the_dependencies_are_served_not_the_development_ones():
    manifest = json.loads((vendor.ROOT / "package.json").read_text(encoding="utf-8"))
    served = vendor.served_packages(vendor.ROOT / "package.json")
    assert "axe-core" in manifest["devDependencies"]
    assert "axe-core" not in served
    assert set(served) == set(manifest["dependencies"])
