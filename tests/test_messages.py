"""The extension's messages: one type, a "What to do" line each, the advice said once.

``resume.messages`` formats every warning and error of the extension; the release build reads
the "What to do" of each as it is written (``tools.release.reporting.WHAT_TO_DO``) and, since the
message says it, adds no advice of its own (``tools.release.hints``). These tests log
through a real Sphinx application's warning stream, as a build does, and read the stream back.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.application import Sphinx
from sphinx.util import logging

from resume import messages
from resume.messages import LEAD, SUBTYPES, TYPE, problem, warn
from tools.release import HINTS, hints
from tools.release.reporting import WHAT_TO_DO

EXTENSION = Path(__file__).parent.parent / "_ext" / "resume"
README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Sphinx]:
    """A bare Sphinx application: its logging is what a build's warnings go through. Cleaned
    up after each test, as ``helpers.build`` does, so that no registration of it outlives it."""
    from sphinx.testing.util import SphinxTestApp

    (tmp_path / "conf.py").write_text("", "utf-8")
    (tmp_path / "index.rst").write_text("首页\n====\n", "utf-8")
    app = SphinxTestApp("html", srcdir=tmp_path, status=io.StringIO(), warning=io.StringIO())
    try:
        yield app
    finally:
        app.cleanup()


def logged(app: Sphinx, say: Callable[[], object]) -> str:
    """What ``say()`` writes to the warning stream of ``app``, as a build writes it."""
    stream = io.StringIO()
    logging.setup(app, io.StringIO(), stream)
    say()
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", stream.getvalue())  # Sphinx's colours


def test_a_warning_names_its_place_its_type_and_what_to_do(app):
    said = logged(
        app, lambda: warn("the page has two roles", "move one", ("index", 3), subtype="data")
    )
    path = Path(app.srcdir, "index.rst")
    expected = f"{path}:3: WARNING: the page has two roles. {LEAD}move one [{TYPE}.data]\n"
    assert said == expected, said


def test_a_warning_without_advice_gets_its_subtypes(app):
    said = logged(app, lambda: warn("a problem", location="redirects.txt:4", subtype="redirects"))
    assert said == (
        f"redirects.txt:4: WARNING: a problem. "
        f"{LEAD}{SUBTYPES['redirects'].what_to_do} [{TYPE}.redirects]\n"
    ), said


def test_an_error_is_an_error_whatever_w_says(app):
    said = logged(app, lambda: messages.error("no PDF", "say less", subtype="pdf"))
    assert said == f"ERROR: no PDF. {LEAD}say less [{TYPE}.pdf]\n", said


def test_an_unknown_subtype_is_refused(app):
    with pytest.raises(KeyError, match="nowhere"):
        warn("a problem", "do something", subtype="nowhere")


def test_an_exceptions_text_ends_with_what_to_do():
    assert problem("bad value", "set it right") == f"bad value. {LEAD}set it right"
    assert problem("bad value:", "set it right") == f"bad value: {LEAD}set it right"
    assert problem("bad value", subtype="contact") == (
        f"bad value. {LEAD}{SUBTYPES['contact'].what_to_do}"
    )
    # Passed on (an exception's text logged, or wrapped in ConfigError): said once, as it was.
    text = problem("bad value", "set it right")
    assert problem(text, subtype="contact") == text


def test_advice_is_one_line():
    assert problem("bad", "first\nsecond  third\t") == f"bad. {LEAD}first second third"


def test_every_subtype_is_used_and_every_use_is_known():
    used: set[str] = set()
    for module in EXTENSION.glob("*.py"):
        if module.name == "messages.py":
            continue
        for line in module.read_text("utf-8").splitlines():
            if "subtype" in line:
                used |= set(re.findall(r'"([a-z]+)"', line)) & set(SUBTYPES)
                named = re.findall(r'subtype="([^"]+)"', line)
                assert set(named) <= set(SUBTYPES), (module.name, line)
    assert set(SUBTYPES) - used == set(), "subtypes no message has"


def test_the_readme_table_is_the_registry():
    """README.md's table of messages says what ``SUBTYPES`` says, a row per subtype."""
    text = README.read_text("utf-8")
    start = text.index("<!-- generated from resume.messages.SUBTYPES")
    start = text.index("\n", start) + 1
    end = text.index("<!-- end of the generated table -->", start)
    assert text[start:end] == messages.table()
    assert messages.table().count(f"| `{TYPE}.") == len(SUBTYPES)


def test_the_release_has_no_advice_for_the_extensions_messages():
    for mark in HINTS:
        assert f"[{TYPE}." not in mark and not mark.startswith(("resume-", "resume_")), mark


#: A line of text as a message may hold it: no control character (a terminal's codes), no
#: surrogate.
TEXT = st.characters(exclude_categories=("Cc", "Cs"))
#: The release reads a trailing ``[type.subtype]`` as Sphinx's, not the advice's.
TYPE_TAG = re.compile(r" \[[\w.]+\]$")


def normal(text: str) -> str:
    return " ".join(text.split())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    message=st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x1b\r"), min_size=1
    ),
    what_to_do=st.text(TEXT | st.sampled_from("\n\t "), min_size=1),
    subtype=st.sampled_from(sorted(SUBTYPES)),
)
def test_any_advice_reaches_the_release_as_written(app, message, what_to_do, subtype):
    """Whatever a message and its advice say, the release reads the advice as written (its
    whitespace normalised) and adds no advice of its own: the message says it."""
    advice = normal(what_to_do)
    both = message + what_to_do
    if not advice or TYPE_TAG.search(advice) or "What to do:" in both:
        return
    if any(mark in both for mark in HINTS):  # a Sphinx warning's words: its hint as well
        return
    said = logged(app, lambda: warn(message, what_to_do, ("index", 1), subtype=subtype))
    assert WHAT_TO_DO.findall(said) == [advice], said
    assert hints(said) == [], said


@pytest.mark.parametrize(
    ("message", "what_to_do"),
    [
        ("raw HTML '<script>' is not published", "write it in Markdown"),
        ("the link 'javascript:x' has the scheme 'javascript'", "link to an https:// address"),
        ("a line\nand another", "first do this,\nthen that"),
        ("100% of it", "use %(name)s and %s as they are"),
        ("简历", "在页面中改写：`nox -s catalogs`"),
        ("[resume.data] in the message", "advice [with brackets] inside"),
    ],
    ids=["plain", "address", "lines", "percent", "chinese", "brackets"],
)
def test_named_advice_reaches_the_release(app, message, what_to_do):
    said = logged(app, lambda: warn(message, what_to_do, ("index", 2), subtype="unsafe"))
    assert WHAT_TO_DO.findall(said) == [normal(what_to_do)], said
    assert hints(said) == [], said
