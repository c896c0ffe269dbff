"""The privacy gate reads what a reader reads: the full phone number, however it is disguised
in a page, fails the build at the page and line where it was typed.

Named disguises are built as pages of one small project; generated ones (Hypothesis) are
rendered by MyST's Markdown parser and given to the gate's reading of a page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resume import privacy
from resume.markup import parser

from helpers import Build, build, shared, write_project

MASKED = "+86 136 **** 3209"
NATIONAL = "13612343209"  # a made-up number that fits the mask
CONF = f"resume_contact = {{'phone': {{'value': {MASKED!r}, 'visibility': 'masked'}}}}\n"
SECRET = privacy.masked_pattern(MASKED)

#: Ways to write each digit: ASCII, full-width, Arabic-Indic, Devanagari, Thai, mathematical
#: bold, and the Chinese numerals (everyday and financial).
SCRIPTS = {
    "ascii": lambda d: d,
    "full-width": lambda d: chr(0xFF10 + int(d)),
    "arabic-indic": lambda d: chr(0x0660 + int(d)),
    "devanagari": lambda d: chr(0x0966 + int(d)),
    "thai": lambda d: chr(0x0E50 + int(d)),
    "math-bold": lambda d: chr(0x1D7CE + int(d)),
    "chinese": lambda d: "〇一二三四五六七八九"[int(d)],
    "financial": lambda d: "零壹贰叁肆伍陆柒捌玖"[int(d)],
}
INVISIBLE = ["", "\u200b", "\u00ad", "\u200d", "\u2060", "\ufeff", "\u200c", "\u2063"]
BETWEEN = [" ", "-", ".", ",", "、", "_", "，", " / ", "·", "\u3000", "–", "(", ")", "  "]
WRAPS = ["{}", "**{}**", "*{}*", "`{}`", "~~{}~~"]

#: name: (page text, the line where the number starts)
NAMED = {
    "bold": ("# A\n\n电话 **136**1234**3209**\n", 3),
    "inline-code": ("# A\n\n电话 `136` `1234` `3209`\n", 3),
    "zero-width": ("# A\n\n电话 1\u200b36\u200b1234\u200b3209\n", 3),
    "soft-hyphen": ("# A\n\n电话 136\u00ad1234\u00ad3209\n", 3),
    "commas": ("# A\n\n电话 136,1234,3209\n", 3),
    "ideographic-comma": ("# A\n\n电话 136、1234、3209\n", 3),
    "underscores": ("# A\n\n电话 136_1234_3209\n", 3),
    "arabic-indic": ("# A\n\n电话 ١٣٦١٢٣٤٣٢٠٩\n", 3),
    "chinese-numerals": ("# A\n\n电话 一三六一二三四三二〇九\n", 3),
    "two-list-items": ("# A\n\n前言。\n\n- 电话 136 1234\n- 3209\n", 5),
    "percent-encoded-link": ("# A\n\n[打电话](tel:%2B86%20136%201234%203209)\n", 3),
    "right-to-left-override": ("# A\n\n电话 \u202e9023 4321 631\u202c\n", 3),
    "right-to-left-isolate": ("# A\n\n电话 \u20673209 1234 136\u2069\n", 3),
    "english-words": ("# A\n\nCall one three six one two three four three two zero nine\n", 3),
    "lookalike-letters": ("# A\n\n电话 l36 I234 32O9\n", 3),
}
#: Digits as English words, and letters a reader takes for a digit inside a run of digits.
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
LOOKALIKES = {"0": ["o", "O"], "1": ["l", "I"]}


@pytest.fixture(scope="module")
def disguised(tmp_path_factory: pytest.TempPathFactory) -> Build:
    pages = {f"{name}.md": text for name, (text, _) in NAMED.items()}
    pages["index.md"] = "# 首页\n\n```{toctree}\n" + "\n".join(NAMED) + "\n```\n"
    return shared(
        tmp_path_factory,
        "disguised",
        lambda root: build(write_project(root / "src", pages, CONF), root / "out"),
    )


@pytest.mark.parametrize("case", list(NAMED))
def test_each_named_disguise_fails_the_build_where_it_was_typed(disguised, case: str) -> None:
    _, line = NAMED[case]
    assert disguised.returncode == 1
    assert f"/{case}.md:{line}" in disguised.stderr, disguised.stderr
    assert "What to do:" in disguised.stderr
    assert not (disguised.outdir / f"{case}.html").exists(), "the page is still published"


@st.composite
def disguise(draw: st.DrawFn, number: str = NATIONAL) -> str:
    """``number``, maybe with its country code, cut into groups, each spelt in a script (with
    invisible characters inside), as English words or with letters that look like its digits,
    wrapped in inline markup, and the groups joined by separators, on one line, as list items,
    percent-encoded in a link, or typed backwards behind a right-to-left override."""
    digits = draw(st.sampled_from(["", "86", "+86"])) + number
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=5)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    layout = draw(st.sampled_from(["line", "list", "link", "override", "isolate"]))
    if layout == "link":
        return f"[电话](tel:{quote(digits)})\n"
    if layout == "override":  # typed backwards, shown forwards
        return f"电话 \u202e{' '.join(group[::-1] for group in reversed(groups))}\u202c 后文\n"
    if layout == "isolate":  # groups typed last first, shown right to left
        mark = draw(st.sampled_from(["\u2067", "\u202b"]))
        return f"电话 {mark}{' '.join(reversed(groups))}\u2069 后文\n"
    spelt = []
    for group in groups:
        kind = draw(st.sampled_from([*sorted(SCRIPTS), "words", "lookalikes"]))
        if kind == "words":
            text = " ".join(WORDS[int(d)] if d.isdigit() else d for d in group)
        elif kind == "lookalikes" and any(d in "23456789" for d in group):
            text = "".join(draw(st.sampled_from(LOOKALIKES.get(d, [d]))) for d in group)
        else:
            script = SCRIPTS[draw(st.sampled_from(sorted(SCRIPTS)))]
            inside = draw(st.sampled_from(INVISIBLE))
            text = inside.join(script(d) if d.isdigit() else d for d in group)
        spelt.append(draw(st.sampled_from(WRAPS)).format(text))
    if layout == "list":
        return "".join(f"- {group}\n" for group in spelt)
    joined = spelt[0]
    for group in spelt[1:]:
        joined += draw(st.sampled_from(BETWEEN)) + group
    return f"电话 {joined}\n"


def read_by_the_gate(markdown: str) -> list[str]:
    """The page MyST makes of ``markdown``, as the gate reads it."""
    return privacy.readable("page.html", parser().render(markdown))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disguise())
def test_the_gate_sees_through_every_generated_disguise(markdown: str) -> None:
    assert any(SECRET.search(form) for form in read_by_the_gate(markdown)), markdown


@settings(max_examples=100, deadline=None)
@given(disguise(number="13612343208"))
def test_a_number_the_mask_cannot_stand_for_is_not_flagged(markdown: str) -> None:
    assert not any(SECRET.search(form) for form in read_by_the_gate(markdown)), markdown


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(INVISIBLE[1:] + BETWEEN), max_size=3).map("".join))
def test_where_typed_names_the_first_line(separator: str) -> None:
    lines = ["# A", "", f"- 136{separator}1234", f"- {separator}3209", "", "后文"]
    secret = privacy.Secret("phone", SECRET, "masked")
    assert privacy.typed_at(Path("p.md"), lines, secret) == ["p.md:3"]


@pytest.mark.parametrize(
    "masked",
    ["+86 136 **** 3209", "+86-136-****-3209", "(+86) 136 **** 3209", "+86.136.****.3209",
     "+86 (136) ****-3209", "(+86)136-****-3209"],
)  # fmt: skip
def test_the_country_code_is_optional_however_the_mask_sets_it_apart(masked: str) -> None:
    """The gate finds the number with and without its country code, whichever separator or
    bracket the owner sets the code apart with, and nothing else: not the masked value, not
    another number, not a page without a number."""
    pattern = privacy.masked_pattern(masked)
    for text in ("电话 136 1234 3209", "+86 136 5678 3209", "(+86) 136-0000-3209", "8613612343209"):
        assert pattern.search(privacy.normalise(text)), (masked, text)
    for text in ("电话 136 **** 3209", "+86 139 1234 3209", "电话 后文", ""):
        assert not pattern.search(privacy.normalise(text)), (masked, text)
