"""The documentation site and the README: the site builds with ``mkdocs build --strict`` (a broken link, anchor,
page or docstring fails it), has a page for every entry of its navigation, and loads nothing from the network;
the README stays short and its links lead somewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
MKDOCS_YML = PROJECT_ROOT / "mkdocs.yml"
README_MAX_LINES = 200

# What a browser fetches by itself when it opens a page: stylesheets, scripts, images, frames, fonts.
# Links a reader clicks (<a href="https://...">) are not fetched and are allowed.
_FETCHED_FROM_NETWORK = (
    re.compile(r"<(?:link|script|img|iframe|source|embed|object)\b[^>]*\b(?:href|src|data)\s*=\s*[\"']?(?:https?:)?//",
               re.IGNORECASE),
    re.compile(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//", re.IGNORECASE),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.IGNORECASE),
)
# Markdown links and images with a target that is not a URL: [text](target) and ![alt](target).
_MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built as `make docs` builds it, into a temporary folder."""
    target = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(MKDOCS_YML), "--site-dir", str(target)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return target


def _nav_pages(entries: list) -> Iterator[str]:
    for entry in entries:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            for value in entry.values():
                yield from _nav_pages(value) if isinstance(value, list) else [value]


def _built_page(site: Path, source: str) -> Path:
    """Where mkdocs writes the page of ``source`` (directory URLs: ``a/b.md`` -> ``a/b/index.html``)."""
    path = Path(source)
    folder = path.parent if path.stem in ("index", "README") else path.parent / path.stem
    return site / folder / "index.html"


def nav_pages() -> list[str]:
    config = yaml.safe_load(MKDOCS_YML.read_text(encoding="utf-8"))
    return [page for page in _nav_pages(config["nav"]) if not re.match(r"https?://", page)]


def test_the_site_builds_in_strict_mode(site):
    assert (site / "index.html").is_file()
    assert (site / "404.html").is_file()


def test_every_navigation_entry_has_a_built_page_with_a_title(site):
    pages = nav_pages()
    assert len(pages) >= 12, pages
    missing = [page for page in pages if not _built_page(site, page).is_file()]
    assert not missing, f"nav entries without a built page: {missing}"
    untitled = [page for page in pages if "<h1" not in _built_page(site, page).read_text(encoding="utf-8")]
    assert not untitled, f"pages without a title: {untitled}"


def test_every_documentation_page_is_in_the_navigation():
    docs = PROJECT_ROOT / "docs"
    sources = {path.relative_to(docs).as_posix() for path in docs.rglob("*.md")}
    assert sources - set(nav_pages()) == set()


def test_the_site_loads_nothing_from_the_network(site):
    offenders = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in _FETCHED_FROM_NETWORK:
            offenders += [f"{path.relative_to(site)}: {match.group(0)}" for match in pattern.finditer(text)]
    assert not offenders, "the built site fetches from the network:\n" + "\n".join(offenders[:20])


def test_the_site_uses_no_web_fonts(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home and "fonts.gstatic.com" not in home


def test_the_readme_is_at_most_200_lines():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail to docs/"


def test_every_relative_link_in_the_readme_points_at_an_existing_file():
    targets = _MARKDOWN_LINK.findall(README.read_text(encoding="utf-8"))
    relative = [target for target in targets if not re.match(r"[a-z][a-z0-9+.-]*:|#", target, re.IGNORECASE)]
    assert relative, "the README links to no page of the documentation"
    broken = [target for target in relative if not (PROJECT_ROOT / target.split("#", 1)[0]).exists()]
    assert not broken, f"README.md links to files that do not exist: {broken}"
