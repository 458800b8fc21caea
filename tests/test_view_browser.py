"""`extract view` pages in a real browser: headless Chromium (Debian's `chromium` package; `.ci/run` installs it)
loads each page from file:// and the rendered DOM must highlight every span of the record once, over exactly
its text. Skipped when Chromium is missing, except in CI (CI=true), where that is a failure.

Pages: some samples, two articles of ../shared/corpus/wide and its longest Ofsted report (when ../shared is
there), and a made-up article full of markup that must stay text. One page is screenshotted (1400x1000) under
the test's temporary folder; VIEW_SCREENSHOT=path copies it there (docs/view-screenshot.png is made so).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from extract.output import safe_name
from extract.view import INDEX_RATINGS
from tests.test_view import check_page, parse_marks

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() == "true"
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))[:6]
WIDE = sorted((SHARED / "corpus" / "wide").glob("*.txt"))[:2]
REPORTS = sorted((SHARED / "corpus" / "reports").rglob("*.txt"), key=lambda p: (-p.stat().st_size, str(p)))[:1]
HOSTILE = (
    "A made-up story\n\n"
    "<script>document.documentElement.setAttribute('data-pwned', 'script')</script>\n"
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned', 'img')\">\n"
    "</div></mark><mark data-span=\"0-1\">forged</mark> &amp; &lt;b&gt;\n\n"
    "The council was rated inadequate by Ofsted on 3 May 2019. \"We will <b>improve</b>,\" said Jane Example, "
    "the council's chief executive.\n"
)
# What a page's links do, run in the page after its own script: a click on a field flashes its highlights, a
# click on a highlight flashes its field. The result is written into the DOM that --dump-dom prints.
PROBE = """<script>
(function () {
  var out = {};
  var field = document.querySelector("#record [data-h]");
  field.click();
  out.field_h = field.dataset.h.split(" ");
  out.flashed_marks = Array.prototype.map.call(document.querySelectorAll("#text mark.flash"),
                                               function (m) { return m.dataset.h; });
  document.querySelectorAll(".flash").forEach(function (el) { el.classList.remove("flash"); });
  var mark = document.querySelector("#text mark[data-h]");
  mark.click();
  out.mark_h = mark.dataset.h;
  out.flashed_fields = Array.prototype.map.call(document.querySelectorAll("#record .flash"),
                                                function (el) { return el.dataset.h.split(" "); });
  document.body.setAttribute("data-probe", JSON.stringify(out));
})();
</script>"""

pytestmark = pytest.mark.skipif(not IN_CI and not CHROMIUM.exists(),
                                reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; CI=true fails instead)")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        pytest.fail(f"CI: Chromium is missing at {CHROMIUM}; .ci/run installs Debian's chromium package")
    profile = tmp_path / "chromium-profile"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _dom(tmp_path: Path, page: Path) -> str:
    return _chromium(tmp_path, "--dump-dom", page.resolve().as_uri()).stdout


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The records (`extract -o FILE`) and the pages (`extract view`) of the inputs, both real subprocesses."""
    tmp = tmp_path_factory.mktemp("view-browser")
    hostile = tmp / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    inputs = [*(p.relative_to(ROOT) for p in SAMPLES), *WIDE, *REPORTS, hostile]  # run in ROOT
    records = tmp / "records.jsonl"
    cli = [sys.executable, "-m", "extract"]
    done = subprocess.run([*cli, "-q", "-j", "1", "-o", str(records), *map(str, inputs)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    out = tmp / "pages"
    done = subprocess.run([*cli, "view", *map(str, inputs), "-o", str(out)], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    by_source = {r["source"]: r for r in map(json.loads, records.read_text(encoding="utf-8").splitlines())}
    found = []
    for path in inputs:
        record = by_source[str(path)]
        with open(ROOT / path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        page = out / (safe_name(str(path), set())[: -len(".json")] + ".html")
        found.append((path, page, record, text))
    return tmp, out, found


def test_every_span_is_highlighted_once_over_its_text_in_the_rendered_dom(pages, tmp_path):
    _, _, found = pages
    assert len(found) >= len(SAMPLES) + 1
    for path, page, record, text in found:
        assert page.exists(), f"no page for {path}"
        dom = _dom(tmp_path, page)
        marks = parse_marks(dom)
        try:
            check_page(marks, record, text)
        except AssertionError as err:
            raise AssertionError(f"{path}: {err}") from err
        assert 'data-pwned="' not in dom, f"{path}: markup in the article ran"
        assert 'data-ready="1"' in dom, f"{path}: the page's own script did not run"
    assert len(marks.pieces) >= 3  # the made-up story (last): its rating, date and quote at least


def test_the_index_links_every_page(pages, tmp_path):
    _, out, found = pages
    dom = _dom(tmp_path, out / "index.html")
    for _, page, record, _ in found:
        assert f'href="{page.name}"' in dom
        for rating in record["ratings"][:INDEX_RATINGS]:
            assert rating["grade"] in dom


def test_a_field_and_its_highlights_are_linked_both_ways(pages, tmp_path):
    _, _, found = pages
    _, page, _, _ = found[0]
    probe = tmp_path / page.name
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    # the probe is a script the page's policy does not allow: without it, only the page's own script runs
    dom = _dom(tmp_path, probe)
    assert 'data-probe="' not in dom
    unlocked = page.read_text(encoding="utf-8")
    start = unlocked.index('<meta http-equiv="Content-Security-Policy"')
    unlocked = unlocked[:start] + unlocked[unlocked.index(">", start) + 1:]
    probe.write_text(unlocked.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    dom = _dom(tmp_path, probe)
    start = dom.index('data-probe="') + len('data-probe="')
    result = json.loads(html.unescape(dom[start:dom.index('"', start)]))
    assert result["flashed_marks"] and set(result["flashed_marks"]) == set(result["field_h"])
    assert result["flashed_fields"] and all(result["mark_h"] in hs for hs in result["flashed_fields"])


def test_screenshot(pages, tmp_path):
    _, _, found = pages
    _, page, _, _ = next(item for item in found if item[2]["ratings"] and item[2]["quotes"])
    shot = tmp_path / "view-screenshot.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", page.resolve().as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1400, 1000)
    assert len(data) > 50_000  # a page with text and colour, not a blank one
    if os.environ.get("VIEW_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["VIEW_SCREENSHOT"])
