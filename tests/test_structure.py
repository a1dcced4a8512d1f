"""The layers are kept by a tool, not by habit: `make lint` runs import-linter
on the contracts in pyproject.toml ([tool.importlinter]). These tests plant a
forbidden import in a copy of the project and check that the contracts break,
naming the contract and the import, and that the unmodified copy passes."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["dealership", "supply", "appointments", "reception", "workshop", "inspection", "settlement", "followup",
            "mycar", "demo", "tests"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

CORE = "The core (dealership) imports no stage"
STAGES = "Each stage imports only the core and the stages before it"
PRODUCT = "The product imports neither the demo data nor the tests"
ABOVE = "Nothing in the product imports the customer's pages (mycar)"


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The project's Python packages and the contracts, in a folder of their own."""
    where = tmp_path_factory.mktemp("layers")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, where / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    return where


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(where / "pyproject.toml"), "--no-cache"],
                          cwd=where, env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60)


def planted(copy: Path, module: str, code: str) -> subprocess.CompletedProcess:
    """lint-imports with `code` appended to `module` (a path in the copy), which is then restored."""
    path = copy / module
    original = path.read_text()
    path.write_text(original + "\n\n" + code + "\n")
    try:
        return lint_imports(copy)
    finally:
        path.write_text(original)


def verdict(result: subprocess.CompletedProcess, contract: str) -> str:
    found = re.search(rf"^{re.escape(contract)} (KEPT|BROKEN)", result.stdout, re.M)
    assert found, result.stdout + result.stderr
    return found.group(1)


def test_make_lint_checks_the_import_contracts():
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert "ruff check" in recipe and "lint-imports" in recipe


def test_the_project_as_it_is_keeps_every_contract(copy):
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [verdict(result, c) for c in (CORE, STAGES, PRODUCT, ABOVE)] == ["KEPT"] * 4


def test_the_core_importing_a_stage_breaks_the_core_contract_even_inside_a_function(copy):
    result = planted(copy, "dealership/moneycheck.py",
                     "def statements():\n    import settlement.models\n\n    return settlement.models.Statement")
    assert result.returncode != 0
    assert verdict(result, CORE) == "BROKEN"
    assert "dealership.moneycheck -> settlement.models" in result.stdout


def test_a_stage_importing_a_later_stage_breaks_the_layers(copy):
    result = planted(copy, "workshop/jobs.py", "import followup  # noqa")
    assert result.returncode != 0
    assert verdict(result, STAGES) == "BROKEN"
    assert "workshop is not allowed to import followup" in result.stdout
    assert "workshop.jobs -> followup" in result.stdout


def test_a_stage_importing_the_demo_data_breaks_the_product_contract(copy):
    result = planted(copy, "reception/services.py", "from demo.builder import drive  # noqa")
    assert result.returncode != 0
    assert verdict(result, PRODUCT) == "BROKEN"


def test_parts_supply_sits_below_the_stages(copy):
    """Issue 19: supply imports only the core (stage 1's shelf and stage 3's requisitions both need it); a stage
    may import it, and the core may not."""
    allowed = planted(copy, "workshop/parts.py", "import supply.receiving  # noqa")
    assert allowed.returncode == 0, allowed.stdout
    refused = planted(copy, "supply/ledger.py", "import appointments.models  # noqa")
    assert refused.returncode != 0 and verdict(refused, STAGES) == "BROKEN"
    core = planted(copy, "dealership/views.py", "import supply.ledger  # noqa")
    assert core.returncode != 0 and verdict(core, CORE) == "BROKEN"


def test_the_customers_pages_sit_above_the_stages(copy):
    """Issue 20: mycar shows the whole visit at once, so it may import every stage (the last one too); no stage,
    nor the core, may import it, and it may not import the demo data or the tests."""
    allowed = planted(copy, "mycar/selectors.py", "import followup.figures  # noqa\nimport supply.ledger  # noqa")
    assert allowed.returncode == 0, allowed.stdout
    stage = planted(copy, "reception/links.py", "import mycar.selectors  # noqa")
    assert stage.returncode != 0 and verdict(stage, ABOVE) == "BROKEN"
    assert "reception.links -> mycar.selectors" in stage.stdout
    last = planted(copy, "followup/services.py", "from mycar import views  # noqa")
    assert last.returncode != 0 and verdict(last, ABOVE) == "BROKEN"
    core = planted(copy, "dealership/views.py", "import mycar.views  # noqa")
    assert core.returncode != 0 and verdict(core, CORE) == "BROKEN" and verdict(core, ABOVE) == "BROKEN"
    demo = planted(copy, "mycar/views.py", "import demo.builder  # noqa")
    assert demo.returncode != 0 and verdict(demo, PRODUCT) == "BROKEN"


def test_only_the_configuration_modules_may_name_a_stage(copy):
    """The root URLs may include a stage's urls (an exception the contract lists); a core view may not."""
    allowed = planted(copy, "dealership/urls.py", "import appointments.urls  # noqa")
    assert allowed.returncode == 0, allowed.stdout
    refused = planted(copy, "dealership/views.py", "import appointments.urls  # noqa")
    assert refused.returncode != 0 and verdict(refused, CORE) == "BROKEN"
    assert "dealership.views -> appointments.urls" in refused.stdout


def test_no_core_module_but_the_configuration_names_a_page_of_a_stage():
    """The header's links and each role's home page come from what the stages register
    (dealership.navigation, dealership.access), so adding a stage touches no core file."""
    stage_page = re.compile(r"""["'](appointments|reception|workshop|inspection|settlement|followup):""")
    configuration = {"settings.py", "settings_test.py", "urls.py", "celery.py"}
    naming = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "dealership").rglob("*.py"))
              if "migrations" not in path.parts and path.relative_to(ROOT / "dealership").as_posix() not in configuration
              for n, line in enumerate(path.read_text().splitlines(), 1) if stage_page.search(line)]
    assert naming == []
