"""Helpers of the real-browser tests: accessibility checks with the vendored axe-core, screenshots, keyboard walks.

Artifacts (axe figures per kind of page, screenshots) go to $RDC_TEST_ARTIFACTS or <repo>/test-artifacts, for a
person to look at after a run; no test reads them back.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
MAX_TAB_STOPS = 500  # a page with more stops than this is a finding in itself


def artifacts_dir() -> Path:
    return Path(os.environ.get("RDC_TEST_ARTIFACTS") or ROOT / "test-artifacts")


def off_origin(urls: list[str], origin: str) -> list[str]:
    """The URLs that would leave `origin` (data: and blob: URLs are the page's own)."""
    own = urlsplit(origin)
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and (urlsplit(url).scheme, urlsplit(url).netloc) != (own.scheme, own.netloc)
    ]


def axe_violations(page: Page, within: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The WCAG 2.1 A and AA violations axe-core finds on the page as it is now (only in the elements matching
    the selectors `within`, if given: axe needs about a minute for a DOM of 50,000 nodes).

    axe is injected as an inline script: the page must come from the `axe_page` fixture (bypass_csp=True).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE_SCRIPT)
    result = page.evaluate(
        """([tags, within]) => window.axe.run(
             within.length ? {include: within.map(selector => [selector])} : document,
             {runOnly: {type: "tag", values: tags}})""",
        [list(AXE_TAGS), list(within)],
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialises writers of `path` across test workers (xdist runs several processes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record_axe(kind: str, violations: list[dict[str, Any]]) -> None:
    """Stores the latest axe figures of one kind of page in test-artifacts/axe.json (kinds of other tests kept)."""
    path = artifacts_dir() / "axe.json"
    with _locked(path):
        figures: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        figures[kind] = {
            "violations": len(violations),
            "nodes": sum(len(violation["targets"]) for violation in violations),
            "by_rule": {violation["id"]: len(violation["targets"]) for violation in violations},
            "impacts": sorted({str(violation["impact"]) for violation in violations}),
        }
        path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def screenshot(page: Page, kind: str, *, full_page: bool = True) -> Path:
    """Saves test-artifacts/screenshots/<kind>.png (the whole page unless `full_page` is False)."""
    path = artifacts_dir() / "screenshots" / f"{kind}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=full_page)
    return path


_FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const first = window.__rdcFirstFocused === undefined;
  if (first) window.__rdcFirstFocused = element;
  else if (element === window.__rdcFirstFocused) return null;
  const label = element.getAttribute("href") || element.getAttribute("aria-label")
    || (element.labels && element.labels[0] && element.labels[0].innerText.trim())
    || (element.innerText || "").trim() || element.getAttribute("name") || element.getAttribute("value") || "";
  return label || element.tagName.toLowerCase();
}"""


def tab_through(page: Page) -> list[str]:
    """Presses Tab from the top of the page until focus leaves the page or comes back to its first stop; returns
    each stop's href, or else its accessible label or text."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); delete window.__rdcFirstFocused; }")
    stops: list[str] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop is None:
            return stops
        stops.append(stop)
    raise AssertionError(f"focus did not cycle back after {MAX_TAB_STOPS} Tab presses: {stops[:20]}...")


def visible_links(page: Page) -> list[dict[str, str]]:
    """The links a person can see on the page: their text (or accessible label) and href, in document order."""
    links: list[dict[str, str]] = page.evaluate(
        """() => [...document.querySelectorAll("a[href]")]
          .filter(link => link.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}))
          .map(link => ({text: (link.innerText || link.getAttribute("aria-label") || "").trim(),
                         href: link.getAttribute("href")}))"""
    )
    return links
