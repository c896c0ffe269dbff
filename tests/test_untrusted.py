"""A page or catalog reaches nothing outside the repository: no file of the build machine, no
address on its network, no symbolic link out of it, and no head element of its own.

Each case is a page of one small project, built once: each must be reported at its file and
line, with what to do, and nothing it reached for may be in any output or message.
"""

from __future__ import annotations

import os
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resume import environment
from resume.insertion import active_content, inside

from helpers import Build, build, copy_project, release, shared, write_project
from resume_sources import projects, roles

SECRET = "quartz-owl-7731-outside"


def png(width: int, height: int, padding: int = 0) -> bytes:
    """A PNG file whose header says ``width`` × ``height`` (its pixels are not read)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    text = chunk(b"tEXt", b"pad\0" + b"x" * padding) if padding else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + text + chunk(b"IEND", b"")


class Recorder(BaseHTTPRequestHandler):
    """An address on the build machine's network: it answers with the secret."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.requests.append(self.path)
        body = f"a,b\n{SECRET},1\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> str:
    httpd = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def cases(outside: Path, url: str) -> dict[str, tuple[str, int, str]]:
    """name: (page text, the line reported, a part of the message)."""
    up = "../" * 12 + str(outside).lstrip("/")
    return {
        "literalinclude": (
            f"# A\n\n```{{literalinclude}} {up}/secret.txt\n```\n",
            3,
            "literalinclude",
        ),
        "include": (f"# A\n\n```{{include}} {outside}/secret.txt\n```\n", 3, "include directive"),
        "rst-include": (
            f"# A\n\n```{{eval-rst}}\n.. include:: {up}/secret.txt\n   :literal:\n```\n",
            4,
            "include directive",
        ),
        "download": (f"# A\n\n{{download}}`x <{up}/secret.txt>`\n", 3, "download"),
        "image": (f"# A\n\n![x]({up}/secret.png)\n", 3, "outside the source folder"),
        "figure": (f"# A\n\n```{{figure}} {up}/secret.png\nx\n```\n", 3, "outside the source"),
        "csv-url": (
            f"# A\n\n```{{eval-rst}}\n.. csv-table:: t\n   :url: {url}\n```\n",
            4,
            "csv-table directive with :url:",
        ),
        "csv-file": (
            f"# A\n\n```{{eval-rst}}\n.. csv-table:: t\n   :file: {outside}/secret.txt\n```\n",
            4,
            "csv-table directive with :file:",
        ),
        "raw-file": (
            f"# A\n\n```{{eval-rst}}\n.. raw:: html\n   :file: {outside}/secret.txt\n```\n",
            4,
            "raw directive with :file:",
        ),
        "remote-image": (f"# A\n\n![x]({url}x.png)\n", 3, "another address"),
        "script-download": (
            "# A\n\n{download}`x <javascript://%0aalert(1)>`\n",
            3,
            "neither a file",
        ),
        "hidden-download": ("# A\n\n{download}`x <.env>`\n", 3, "hidden"),
        "huge-image": ("# A\n\n![x](huge.png)\n", 3, "20000×20000 pixels"),
        "heavy-image": ("# A\n\n![x](heavy.png)\n", 3, "MB, more than 2 MB"),
        "script-svg": ("# A\n\n![x](active.svg)\n", 3, "would run in a reader's browser"),
        "handler-svg": ("# A\n\n![x](handler.svg)\n", 3, "would run in a reader's browser"),
        "html-download": ("# A\n\n{download}`x <active.html>`\n", 3, "would run in a reader"),
    }


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory, server: str) -> tuple[Build, dict]:
    root = tmp_path_factory.mktemp("untrusted")
    outside = root / "machine"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n", "utf-8")
    (outside / "secret.png").write_bytes(png(1, 1, 16) + SECRET.encode())
    table = cases(outside, server)
    pages = {f"{name}.md": text for name, (text, _, _) in table.items()}
    toctree = "\n".join(table)
    pages["index.md"] = f"# 首页\n\n```{{toctree}}\n{toctree}\n```\n"
    src = write_project(root / "src", pages)
    (src / ".env").write_text(f"TOKEN={SECRET}\n", "utf-8")
    (src / "huge.png").write_bytes(png(20000, 20000))
    (src / "heavy.png").write_bytes(png(10, 10, 3 * 1024 * 1024))
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'
    (src / "active.svg").write_text(svg.format("<script>alert(1)</script>"), "utf-8")
    (src / "handler.svg").write_text(svg.format('<rect ONLOAD = "alert(1)"/>'), "utf-8")
    (src / "active.html").write_text("<p>x</p><SCRIPT>alert(1)</SCRIPT>", "utf-8")
    epub = build(src, root / "out-epub", "epub")  # Sphinx's ePub builder fetches remote images
    assert epub.returncode == 1 and SECRET not in epub.stdout + epub.stderr, epub.stderr
    for path in epub.outdir.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path
    return build(src, root / "out"), table


@pytest.mark.parametrize("case", list(cases(Path("/x"), "http://x/")))
def test_each_reach_is_an_error_at_its_line(attacked, case: str) -> None:
    result, table = attacked
    _, line, words = table[case]
    assert result.returncode == 1
    reported = [w for w in result.warnings if f"/{case}.md:{line}:" in w]
    assert reported, result.stderr
    assert words in reported[0], reported
    assert "What to do:" in reported[0], reported


def test_nothing_outside_reaches_an_output_or_a_message(attacked) -> None:
    result, _ = attacked
    assert "javascript:" not in (result.outdir / "script-download.html").read_text("utf-8")
    assert not Recorder.requests, "the build fetched an address"
    assert SECRET not in result.stdout + result.stderr
    for path in result.outdir.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    copied = [
        p.name
        for folder in ("_images", "_downloads")
        for p in result.outdir.rglob(f"{folder}/**/*")
    ]
    assert not any(name.startswith(("secret", "huge", "heavy")) for name in copied), copied


@pytest.mark.parametrize("where", ["_static/host.css", "pages/host.md", "_templates/x.html"])
def test_a_link_that_leaves_the_repository_stops_the_build(tmp_path: Path, where: str) -> None:
    outside = tmp_path / "machine" / "hostname"
    outside.parent.mkdir()
    outside.write_text(SECRET, "utf-8")
    conf = "html_static_path = ['_static']\ntemplates_path = ['_templates']\n"
    src = write_project(tmp_path / "src", {"index.md": "# 首页\n"}, conf)
    link = src / where
    link.parent.mkdir(parents=True, exist_ok=True)
    (src / "_static").mkdir(exist_ok=True)
    os.symlink(outside, link)
    result = build(src, tmp_path / "out")
    assert result.returncode == 2
    assert where in result.stderr and "What to do:" in result.stderr, result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert not any(
        SECRET.encode() in p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()
    )


def test_a_table_with_its_rows_in_the_page_is_kept(tmp_path: Path) -> None:
    page = "# 首页\n\n```{eval-rst}\n.. csv-table:: 表\n\n   甲,1\n   乙,2\n```\n"
    result = build(write_project(tmp_path / "src", {"index.md": page}), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    cells = [td.get_text(strip=True) for td in result.html("index").find_all("td")]
    assert cells == ["甲", "1", "乙", "2"]


@pytest.mark.parametrize("target", [".git/config", ".env", "_build/secret.txt", ".nox/x.txt"])
def test_a_link_to_a_hidden_or_unpublished_file_stops_the_build(
    tmp_path: Path, target: str
) -> None:
    conf = "html_static_path = ['_static']\nexclude_patterns = ['_build', '.nox']\n"
    src = write_project(tmp_path / "src", {"index.md": "# 首页\n"}, conf)
    (src / target).parent.mkdir(parents=True, exist_ok=True)
    (src / target).write_text(f"url = https://owner:{SECRET}@example.com/r.git\n", "utf-8")
    (src / "_static").mkdir()
    os.symlink(Path("..", target), src / "_static" / "site.css")
    result = build(src, tmp_path / "out")
    assert result.returncode == 2
    assert "_static/site.css" in result.stderr and "What to do:" in result.stderr, result.stderr
    assert not any(
        SECRET.encode() in p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()
    )


def test_a_link_inside_the_repository_is_kept(tmp_path: Path) -> None:
    conf = "html_static_path = ['_static']\n"
    src = write_project(tmp_path / "src", {"index.md": "# 首页\n"}, conf)
    (src / "_static").mkdir()
    (src / "_static" / "real.css").write_text("p{}", "utf-8")
    os.symlink("real.css", src / "_static" / "alias.css")
    os.symlink("root@host.1234:1700000000", src / ".#index.md")  # an editor's lock file
    result = build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (result.outdir / "_static" / "alias.css").read_text("utf-8") == "p{}"


#: name: (page text, the line reported, a part of the message)
PAGE_RULES = {
    "meta-refresh": (
        "# A\n\n```{eval-rst}\n.. meta::\n   :http-equiv=refresh: 0; url=https://example.net/\n```\n",
        4,
        "may not add a <meta> element",
    ),
    "html-meta": (
        "---\nmyst:\n  html_meta:\n    http-equiv=refresh: 0; url=https://example.net/\n---\n"
        "# A\n\n正文。\n",
        3,
        "may not add a <meta> element",
    ),
    "hard-break": ("# A\n\n第一行\\\n第二行\n", 3, "a hard line break"),
    "nested-list": ("# A\n\n- 外层\n\t- 内层一\n\t- 内层二\n- 外层二\n", 4, "a list inside a list"),
    "long-word": ("# A\n\n前文 " + "x" * 10_000 + " 后文\n", 3, "a word of 10000 characters"),
}


@pytest.fixture(scope="module")
def ruled(tmp_path_factory: pytest.TempPathFactory) -> Build:
    pages = {f"{name}.md": text for name, (text, _, _) in PAGE_RULES.items()}
    pages["index.md"] = "# 首页\n\n```{toctree}\n" + "\n".join(PAGE_RULES) + "\n```\n"
    return shared(
        tmp_path_factory,
        "rules",
        lambda root: build(write_project(root / "src", pages), root / "out"),
    )


@pytest.mark.parametrize("case", list(PAGE_RULES))
def test_what_the_pdf_cannot_show_or_the_head_must_not_hold_is_refused(ruled, case: str) -> None:
    _, line, words = PAGE_RULES[case]
    assert ruled.returncode == 1
    reported = [w for w in ruled.warnings if f"/{case}.md:{line}:" in w]
    assert reported, ruled.stderr
    assert words in reported[0] and "What to do:" in reported[0], reported
    assert "raw HTML" not in " ".join(w for w in ruled.warnings if f"/{case}.md" in w)


def test_no_page_writes_a_meta_element(ruled) -> None:
    for name in ("meta-refresh", "html-meta"):
        head = ruled.html(name).head
        assert head is not None
        assert not head.find_all("meta", attrs={"http-equiv": True}), name
        assert "example.net" not in str(head), name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["..", ".", "a", "b", "..."]), min_size=1, max_size=8))
def test_a_path_is_inside_exactly_when_it_never_climbs_out(parts: list[str]) -> None:
    root = Path("/srv/source")
    depth, escaped = 0, False
    for part in parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        escaped = escaped or depth < 0
    path = root.joinpath(*parts)
    assert inside(path, root) == (
        os.path.normpath(path).startswith(f"{root}/") or os.path.normpath(path) == str(root)
    )
    if not escaped:
        assert inside(path, root)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["https", "http", "javascript", "data", "HTTPS", "file", ""]),
    st.sampled_from(["example.org", "", "ex ample.org", "example.org:8443", 'a"b.org', "x.org>"]),
    st.sampled_from(["/", "/zh-cn/latest/", "//zh-cn/", ""]),
)
def test_an_address_from_the_environment_is_https_with_a_host(
    scheme: str, host: str, path: str
) -> None:
    url = f"{scheme}://{host}{path}" if scheme else f"{host}{path}"
    good = scheme.lower() == "https" and host in ("example.org", "example.org:8443")
    try:
        assert environment.https_url("READTHEDOCS_CANONICAL_URL", url) == url and good, url
    except environment.SettingError as error:
        assert not good, url
        assert str(error).startswith("READTHEDOCS_CANONICAL_URL=") and "\n" not in str(error)


def test_the_release_of_an_attacked_project_fails_in_every_edition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attacks as a pull request would bring them, on the real project: the build's own
    environment, a file of the machine and a redirect, appended to role pages. Both editions
    refuse them (a literal block or a meta element is no message the translation gate would
    miss), each at its file and line, with what to do; nothing reaches the output or the log."""
    project = copy_project(tmp_path / "project")
    outside = tmp_path / "machine" / "token.txt"
    outside.parent.mkdir()
    outside.write_text(SECRET, "utf-8")
    monkeypatch.setenv("RESUME_UNTRUSTED_MARKER", SECRET)  # in /proc/self/environ
    first_role, second_role = list(roles())[:2]  # any pages
    attacks = {
        f"{first_role}.md": "```{literalinclude} " + "../" * 12 + "proc/self/environ\n```\n",
        f"{second_role}.md": "```{eval-rst}\n.. meta::\n   :http-equiv=refresh: 0; "
        "url=https://example.net/\n```\n",
        f"{next(iter(projects()))}.md": "```{include} "
        + "../" * 12
        + str(outside).lstrip("/")
        + "\n```\n",
    }
    lines = {}
    for page, text in attacks.items():
        path = project / page
        before = path.read_text("utf-8")
        # the directive's line: the fence's, or the line of ``.. meta::`` inside it
        lines[page] = before.count("\n") + 2 + ("eval-rst" in text)
        path.write_text(before + "\n" + text, "utf-8")
    build = tmp_path / "_build"
    ok, out, err = release(build, project, ("zh-cn", "en"))
    assert not ok
    for code in ("zh-cn", "en"):
        for page, line in lines.items():
            assert any(
                f"[html/{code}]" in said and f"{page}:{line}:" in said for said in out.splitlines()
            ), (code, page, out)
    for kind in ("[resume.insertion]", "[resume.unsafe]"):  # each says what to do, once
        [said, *_] = [line for line in out.splitlines() if line.endswith(kind)]
        what_to_do = said.partition("What to do: ")[2].removesuffix(kind).strip()
        assert what_to_do and what_to_do not in err, (said, err)
    assert SECRET not in out + err
    assert not (build / "current").exists()
    for path in build.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


#: name: a page with raw HTML or a link that would run in the reader's browser
SCRIPTS_ON_A_PAGE = {
    "raw-directive": "# A\n\n```{raw} html\n<script>alert(1)</script>\n```\n",
    "raw-role": "# A\n\n```{eval-rst}\n.. role:: h(raw)\n   :format: html\n\n:h:`<script>alert(1)</script>`\n```\n",
    "html-block": "# A\n\n<div onclick=alert(1)>x</div>\n",
    "rst-link": "# A\n\n```{eval-rst}\n`x <javascript:alert(1)>`_\n```\n",
    "image-target": "# A\n\n```{image} p.png\n:target: javascript:alert(1)\n```\n",
}


@pytest.mark.parametrize("case", list(SCRIPTS_ON_A_PAGE))
def test_what_would_run_in_the_browser_is_out_of_the_page_even_when_warnings_pass(
    tmp_path: Path, case: str
) -> None:
    """The live preview only warns: the page it writes must hold no script all the same."""
    pages = {
        "index.md": f"# 首页\n\n```{{toctree}}\n{case}\n```\n",
        f"{case}.md": SCRIPTS_ON_A_PAGE[case],
    }
    src = write_project(tmp_path / "src", pages)
    (src / "p.png").write_bytes(png(1, 1))
    result = build(src, tmp_path / "out")
    assert result.returncode == 1 and f"/{case}.md:" in result.stderr, result.stderr
    page = result.html(case)
    assert not [tag for tag in page.find_all("script") if "alert" in tag.get_text()], case
    assert not page.find_all(onclick=True), case
    assert not page.find_all(href=lambda h: h and h.strip().lower().startswith("javascript:"))


@pytest.mark.parametrize(
    ("name", "text", "runs"),
    [
        ("plain.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>', False),
        ("onion.svg", "<svg><text>an onion = a vegetable</text></svg>", False),
        ("script.svg", "<svg><ScRiPt>alert(1)</script></svg>", True),
        ("href.svg", '<svg><a href="javascript:alert(1)">x</a></svg>', True),
        ("object.svg", "<svg><foreignObject><p>x</p></foreignObject></svg>", True),
        ("page.htm", '<body onload="x()">', True),
        ("slash.svg", "<svg/onload=alert(1)>", True),
        ("entity.svg", '<svg><a href="jav&#97;script:alert(1)">x</a></svg>', True),
        ("photo.png", "<script>", False),  # a PNG is never run as a document
    ],
)
def test_a_file_that_runs_in_the_browser_is_told_from_one_that_does_not(
    tmp_path: Path, name: str, text: str, runs: bool
) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert bool(active_content(path)) == runs
