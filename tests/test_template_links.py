"""A template folder cannot reach outside itself through symbolic links: a template, an
include, the stylesheet and texts.yaml that lead out of the folder are a located error
and are never read; WeasyPrint's fetcher does not serve a font or an image that leads
out. A link that stays inside the folder works. The folders and links are made here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_helpers import leftovers

from diagnose.cli import cli
from diagnose.errors import UserError
from diagnose.report.html import find_file, folder_file
from diagnose.report.pdf import ReportFetcher
from diagnose.resources import examples_dir, templates_dir

ANSWERS = str(examples_dir() / "small-distributor.yaml")
SECRET = "TOP-SECRET-5f1d"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the template folder holding what no report may show."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "secret.html").write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    (folder / "secret.css").write_text(f'body::before {{ content: "{SECRET}"; }}\n', encoding="utf-8")
    (folder / "texts.yaml").write_text(f"kind: texts\ntexts:\n  cover_title: {{ru: {SECRET}, en: {SECRET}}}\n",
                                       encoding="utf-8")
    (folder / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    return folder


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    (folder / "parts").mkdir(parents=True)
    return folder


def report_html(templates: Path, out: Path):
    return CliRunner().invoke(cli, ["report", ANSWERS, "--templates", str(templates), "--format", "html",
                                    "-o", str(out)])


def assert_refused(result, line: str, out: Path) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == line + "\n"
    assert SECRET not in result.output
    assert not out.exists() and leftovers(out.parent) == []


@pytest.mark.parametrize("name", ["report.html", "base.html", "parts/cover.html"])
def test_template_linked_out_of_the_folder_is_refused(templates, outside, tmp_path, name):
    (templates / name).symlink_to(outside / "secret.html")
    out = tmp_path / "report.html"
    resolved = templates.resolve()
    assert_refused(report_html(templates, out), f"{resolved / name}: leads out of the template folder {resolved} "
                   "(a symbolic link); expected a file inside the folder", out)


def test_folder_of_parts_linked_out_is_refused(templates, outside, tmp_path):
    (templates / "parts").rmdir()
    (templates / "parts").symlink_to(outside, target_is_directory=True)
    os.link(outside / "secret.html", outside / "cover.html")  # parts/cover.html is then the secret
    out = tmp_path / "report.html"
    resolved = templates.resolve()
    assert_refused(report_html(templates, out), f"{resolved / 'parts/cover.html'}: leads out of the template "
                   f"folder {resolved} (a symbolic link); expected a file inside the folder", out)


@pytest.mark.parametrize(("name", "target"), [("report.css", "secret.css"), ("texts.yaml", "texts.yaml")])
def test_stylesheet_or_texts_linked_out_of_the_folder_is_refused(templates, outside, tmp_path, name, target):
    (templates / name).symlink_to(outside / target)
    out = tmp_path / "report.html"
    resolved = templates.resolve()
    assert_refused(report_html(templates, out), f"{resolved / name}: leads out of the template folder {resolved} "
                   "(a symbolic link); expected a file inside the folder", out)


def test_links_that_stay_inside_the_folder_work(templates, tmp_path):
    (templates / "v2").mkdir()
    (templates / "v2" / "cover.html").write_text('<section class="cover">Cover of the v2 templates</section>\n',
                                                 encoding="utf-8")
    (templates / "parts" / "cover.html").symlink_to(Path("..") / "v2" / "cover.html")
    (templates / "v2" / "extra.css").write_text(".cover { color: #123456; }\n", encoding="utf-8")
    (templates / "report.css").write_text((templates_dir() / "report.css").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    out = tmp_path / "report.html"
    result = report_html(templates, out)
    assert result.exit_code == 0, result.output
    assert "Cover of the v2 templates" in out.read_text(encoding="utf-8")


def test_a_dangling_link_is_a_missing_file(templates, tmp_path):
    """A link to nothing is no file: the bundled copy is used, nothing is read through it."""
    (templates / "parts" / "cover.html").symlink_to(tmp_path / "nowhere.html")
    assert folder_file(templates, "parts/cover.html") is None
    assert find_file([templates, templates_dir().resolve()], "parts/cover.html") == \
        templates_dir().resolve() / "parts" / "cover.html"


def test_swapping_a_loaded_template_for_a_link_is_noticed(templates, outside, tmp_path):
    """The environment keeps loaded templates; one replaced by a link since is checked again."""
    from diagnose.report.html import _environment

    (templates / "parts" / "cover.html").write_text("<p>cover</p>\n", encoding="utf-8")
    environment = _environment((templates.resolve(), templates_dir().resolve()))
    assert environment.get_template("parts/cover.html").render() == "<p>cover</p>\n"
    (templates / "parts" / "cover.html").unlink()
    (templates / "parts" / "cover.html").symlink_to(outside / "secret.html")
    with pytest.raises(UserError, match="leads out of the template folder"):
        environment.get_template("parts/cover.html")


def test_stylesheet_check_names_the_file():
    with pytest.raises(UserError) as caught:
        find_file([templates_dir().resolve()], "no-such.css")
    assert str(caught.value.problems[0]).endswith("no-such.css: missing from the report templates; reinstall diagnose")


# ── the fetcher: fonts and images of a template folder ─────────────────────────────
def test_fetcher_refuses_a_font_or_an_image_linked_out(templates, outside):
    bundled = templates_dir().resolve()
    (templates / "fonts").mkdir()
    (templates / "fonts" / "PTSans-Regular.ttf").symlink_to(outside / "secret.png")
    (templates / "images").symlink_to(outside, target_is_directory=True)
    (templates / "inside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (templates / "alias.png").symlink_to("inside.png")
    fetcher = ReportFetcher([templates, bundled])
    user = templates.resolve()
    for url in [(user / "fonts" / "PTSans-Regular.ttf").as_uri(), (user / "images" / "secret.png").as_uri(),
                (outside / "secret.png").as_uri()]:
        assert fetcher.resolve(url) is None, url
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    # the bundled font the stylesheet asks for: the user's copy leads out, so the bundled one
    assert fetcher.resolve((bundled / "fonts" / "PTSans-Regular.ttf").as_uri()) == bundled / "fonts" / "PTSans-Regular.ttf"
    assert fetcher.resolve((user / "alias.png").as_uri()) == user / "inside.png"


def test_pdf_with_an_image_linked_out_shows_nothing_of_it(templates, outside, tmp_path):
    from report_helpers import pdf_text

    from diagnose.report.render import diagnosis_for, report_bytes

    (templates / "parts" / "cover.html").write_text('<section class="cover"><img src="picture.png">'
                                                     '<h1>Cover</h1></section>\n', encoding="utf-8")
    (templates / "picture.png").symlink_to(outside / "secret.png")
    rendered = report_bytes(diagnosis_for(ANSWERS), "pdf", "en", templates=templates)
    # a relative URL is looked up in the user's folder first, then in the bundled one
    assert rendered.fetcher.refused == [(templates_dir().resolve() / "picture.png").as_uri()]
    assert SECRET.encode() not in rendered.data and SECRET not in pdf_text(rendered.data)
