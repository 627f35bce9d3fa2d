"""The built wheel carries the questionnaires and templates and works outside the checkout.

The wheel is built from this checkout with the build backend already in the project's
environment (no network), installed without dependencies into a fresh virtual
environment, and run from another folder. The fresh environment borrows the project
environment's third-party packages through a `.pth` line, because installing WeasyPrint
and the rest again would need the network; `diagnose` itself comes only from the wheel,
which the test checks before running any command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", "-w", dist, ROOT], cwd=dist)
    # the distribution is diagnose-sales ("diagnose" on PyPI is another project); the
    # command and the import name stay diagnose
    (built,) = dist.glob("diagnose_sales-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    home = tmp_path_factory.mktemp("fresh")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=home)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "--disable-pip-version-check", "-q", wheel], cwd=home)
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=home)
                   .stdout.strip())
    # third-party dependencies from the project environment (see the module docstring)
    (purelib / "_project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return {"home": home, "python": python, "diagnose": venv / "bin" / "diagnose", "purelib": purelib}


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def test_wheel_contains_the_bundled_content(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "diagnose/cli.py",
        "diagnose/locale/ui.yaml",
        "diagnose/_bundled/questionnaires/sales-structure.yaml",
        "diagnose/_bundled/questionnaires/examples/engineering-equipment.yaml",
        "diagnose/_bundled/questionnaires/examples/small-distributor.yaml",
        "diagnose/schemas/answers.json",
        "diagnose/schemas/rulebook.json",
        "diagnose/schemas/diagnosis.json",
    ):
        assert name in names, name
    assert any(n.startswith("diagnose/_bundled/report_templates/") for n in names)
    assert not any(n.startswith(("tests/", "questionnaires/")) for n in names)


def test_installed_package_is_the_wheel_not_the_checkout(installed: dict[str, Path]) -> None:
    code = "import diagnose, diagnose.resources as r; print(diagnose.__file__); print(r.questionnaires_dir())"
    out = run([installed["python"], "-c", code], cwd=installed["home"], env=clean_env()).stdout.splitlines()
    assert Path(out[0]).is_relative_to(installed["purelib"])
    assert Path(out[1]) == installed["purelib"] / "diagnose" / "_bundled" / "questionnaires"


def test_installed_command_validates_a_bundled_example(installed: dict[str, Path]) -> None:
    example = installed["purelib"] / "diagnose/_bundled/questionnaires/examples/engineering-equipment.yaml"
    result = run([installed["diagnose"], "validate", example], cwd=installed["home"], env=clean_env())
    assert result.stdout == f"{example}: valid answers\n"


def test_installed_command_finds_the_questionnaire(installed: dict[str, Path]) -> None:
    result = run([installed["diagnose"], "questions", "--lang", "en"], cwd=installed["home"], env=clean_env())
    assert result.stdout.startswith("Sales department structure\n")
    result = run([installed["diagnose"], "template", "--lang", "ru"], cwd=installed["home"], env=clean_env())
    assert "questionnaire: sales-structure" in result.stdout
    # a bad file is still a located message and exit 2 from the installed command
    bad = installed["home"] / "bad.yaml"
    bad.write_text("questionnaire: sales-structure\nversion: 7\nmeta: {company: X}\nanswers: {}\n")
    failed = subprocess.run([str(installed["diagnose"]), "validate", "bad.yaml"], cwd=installed["home"],
                            env=clean_env(), capture_output=True, text=True, check=False)
    assert failed.returncode == 2
    assert failed.stderr.startswith("bad.yaml:2:10: version: this file answers version 7")


def test_installed_distribution_is_named_diagnose_sales(installed: dict[str, Path]) -> None:
    code = ("import importlib.metadata as m, diagnose; d = m.distribution('diagnose-sales'); "
            "print(d.metadata['Name'], d.version == diagnose.__version__, d.entry_points['diagnose'].value)")
    out = run([installed["python"], "-c", code], cwd=installed["home"], env=clean_env()).stdout
    assert out == "diagnose-sales True diagnose.cli:main\n"


def test_installed_command_prints_the_shipped_schemas(installed: dict[str, Path]) -> None:
    for name in ("answers", "rulebook", "diagnosis"):
        result = run([installed["diagnose"], "schema", name], cwd=installed["home"], env=clean_env())
        assert result.stdout == (ROOT / "diagnose" / "schemas" / f"{name}.json").read_text(encoding="utf-8")
