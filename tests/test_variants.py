"""Tags and variants (``resume/variants.py``): a résumé cut for one job, from the same pages.

Small projects show what a tag and a variant do to the records, the bullets, the summary and the
site; the real repository, copied and tagged, shows the one-page English variant the release
publishes beside the site and never links.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_pdf import poppler, squeeze, translate

from resume.outputs import file_name
from resume.variants import NAME, Variant, VariantError, declared, parse, split_tags
from tools.release import condense, hints

from helpers import EPOCH, build, copy_project, environment, release, run_forked, write_project
from resume_sources import roles

# -- The rule: which items a variant keeps ----------------------------------------------------

TAGS = st.frozensets(st.sampled_from(["a", "b", "c", "early-career"]), max_size=3)


@given(tags=TAGS, include=TAGS, exclude=TAGS)
def test_a_variant_keeps_no_excluded_tag_and_only_included_or_untagged_items(
    tags, include, exclude
):
    variant = Variant("v", "en", 1, include - exclude, exclude)
    kept = variant.keeps(tags)
    if tags & exclude:
        assert not kept
    elif not tags or not include - exclude:
        assert kept
    else:
        assert kept == bool(tags & (include - exclude))


@given(st.text(max_size=20))
def test_a_tag_is_a_hyphenated_lower_case_ascii_name_or_refused(text):
    try:
        tags = split_tags(text)
    except VariantError as error:
        assert "is not a tag" in str(error)
    else:
        assert all(NAME.fullmatch(tag) for tag in tags)
        assert len(set(tags)) == len(tags)


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ([], "expected a dict of variants"),
        ({"Platform EN": {"language": "en"}}, "is not a variant name"),
        ({"en": {"language": "en"}}, "is an edition's code"),
        ({"p": {"language": "fr"}}, "['language'] = 'fr': expected one of"),
        ({"p": {"language": "en", "pages": 3}}, "['pages'] = 3: expected 1 or 2"),
        ({"p": {"language": "en", "pages": True}}, "expected 1 or 2"),
        ({"p": {"language": "en", "exclude": "old"}}, "expected a list of tags"),
        ({"p": {"language": "en", "exclude": ["Old Roles"]}}, "is not a tag"),
        ({"p": {"language": "en", "include": ["x"], "exclude": ["x"]}}, "both included and"),
        ({"p": {"language": "en", "page": 1}}, "unknown key 'page'"),
        ({"p": {"language": "en", "summary": ["x"]}}, "['summary'] = ['x']"),
    ],
)
def test_a_malformed_variant_is_named_with_what_to_write(raw, said):
    with pytest.raises(VariantError, match=re.escape(said)):
        parse(raw)


def test_every_wrong_key_of_a_variant_is_named_at_once():
    raw = {"x": {"language": "fr", "pages": 3, "exclude": "old", "colour": "red"}}
    with pytest.raises(VariantError) as refused:
        parse(raw)
    said = str(refused.value)
    for part in ("'colour'", "['language'] = 'fr'", "['pages'] = 3", "['exclude'] = 'old'"):
        assert said.count(part) == 1, said


def test_a_variant_s_language_may_be_its_folder_code():
    (variant,) = parse({"p": {"language": "zh-cn", "pages": 1}}).values()
    assert (variant.language, variant.pages) == ("zh_CN", 1)


def test_the_release_reads_the_variants_from_conf_py_without_running_it(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text(
        "raise SystemExit('conf.py ran')\n"
        'resume_variants = {"p": {"language": "en", "pages": 1}}\n'
        'resume_variants: dict = {"q": {"language": "ja", "exclude": ["old"]}}\n',
        "utf-8",
    )
    assert declared(tmp_path) == {"q": Variant("q", "ja", 2, frozenset(), frozenset({"old"}))}
    conf.write_text("resume_variants = dict(p={'language': 'en'})\n", "utf-8")
    with pytest.raises(VariantError, match=r"\(line 1\) is not a literal"):
        declared(tmp_path)


# -- Small projects ----------------------------------------------------------------------------

ROLE = """\
({label})=
# {name}

```{{resume-role}}
:organisation: {name}
:title: Engineer
:start: {start}
:end: {end}
{tags}
```

Overview of {name}.

- Built the {name} pipeline.
- Ran the {name} {{tag}}`ml` model service.
"""

INDEX = """\
(home)=
# Owner

(summary)=
## Summary

The summary for every reader.

The platform summary {tag}`platform-summary`.

(at-a-glance)=
## At a glance

- **Gamma lead**: led Gamma — [Gamma](experience/gamma.md)
- **Alpha lead**: led Alpha — [Alpha](experience/alpha.md)

(skills)=
## Skills

```{resume-skills}
:name: Languages
:keywords: Go, Rust
```

```{resume-skills}
:name: Legacy
:keywords: COBOL
:tags: early-career
```

```{toctree}
experience/index
```
"""

EXPERIENCE = """\
(experience)=
# Experience

```{toctree}
alpha
beta
gamma
```
"""


def small_project(src: Path, variants: str) -> Path:
    records = {
        "alpha": ("2010", "2012", ":tags: early-career"),
        "beta": ("2012", "2016", ""),
        "gamma": ("2016", "present", ""),
    }
    pages = {"index.md": INDEX, "experience/index.md": EXPERIENCE}
    for label, (start, end, tags) in records.items():
        name = label.capitalize()
        pages[f"experience/{label}.md"] = ROLE.format(
            label=label, name=name, start=start, end=end, tags=tags
        )
    conf = "resume_pdf_pages = 0\nresume_variants = " + variants + "\n"
    return write_project(src, pages, conf)


VARIANTS = (
    '{"lean": {"language": "zh_CN", "pages": 2, "exclude": ["early-career", "ml"],'
    ' "summary": "platform-summary"},'
    ' "ml": {"language": "zh_CN", "include": ["ml"]}}'
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_project(tmp_path_factory.mktemp("variants") / "src", VARIANTS)


def _text(small: Path, out: Path, variant: str = "") -> str:
    overrides = {"resume_variant": variant} if variant else {}
    result = build(
        small, out, "resumepdf", confoverrides=overrides, env={"SOURCE_DATE_EPOCH": "1700000000"}
    )
    assert result.returncode == 0, result.stderr
    name = variant or "zh-cn"
    assert sorted(p.name for p in result.outdir.glob(file_name("*", "pdf"))) == [
        file_name(name, "pdf")
    ]
    return (result.outdir / file_name(name, "txt")).read_text("utf-8")


def test_a_variant_leaves_out_the_records_and_bullets_its_tags_exclude(small, tmp_path):
    lean = _text(small, tmp_path / "lean", "lean")
    assert "Gamma" in lean and "Beta" in lean
    assert "Alpha" not in lean  # the role tagged early-career, and the glance item about it
    assert "COBOL" not in lean and "Go · Rust" in lean
    assert "Built the Gamma pipeline." in lean
    assert "model service" not in lean  # the bullets tagged ml
    assert "The platform summary" in lean and "for every reader" not in lean
    assert "Gamma lead" in lean and "Alpha lead" not in lean


def test_include_keeps_the_untagged_and_the_included_only(small, tmp_path):
    ml = _text(small, tmp_path / "ml", "ml")
    assert "Ran the Gamma ml model service." not in ml  # the role's text, without the marker
    assert "Ran the Gamma  model service." in ml or "Ran the Gamma model service." in ml
    assert "Alpha" not in ml and "COBOL" not in ml  # tagged, but not with ml
    assert "for every reader" in ml


def test_the_edition_and_its_site_show_everything_but_the_variant_summaries(small, tmp_path):
    edition = _text(small, tmp_path / "edition")
    for said in ("Alpha", "COBOL", "Ran the Alpha model service.", "for every reader"):
        assert said in edition
    assert "platform summary" not in edition
    site = build(small, tmp_path / "site", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert site.returncode == 0, site.stderr
    home = site.html("index").get_text(" ")
    assert "for every reader" in home and "platform summary" not in home
    role = site.html("experience/alpha").get_text(" ")
    assert "Ran the Alpha model service." in " ".join(role.split())
    assert "{tag}" not in role and "ml model" not in role


def test_a_variant_that_cannot_fit_its_page_says_what_is_too_long(tmp_path):
    src = small_project(tmp_path / "src", '{"one": {"language": "zh_CN", "pages": 1}}')
    page = src / "experience" / "gamma.md"
    long = "".join(
        f"- Shipped release {n} of the Gamma platform, {'and more ' * 30}.\n" for n in range(40)
    )
    page.write_text(page.read_text("utf-8") + long, "utf-8")
    result = build(src, tmp_path / "out", "resumepdf", confoverrides={"resume_variant": "one"})
    assert result.returncode != 0
    assert "the variant 'one' fills" in result.stderr
    assert re.search(r"The longest parts: Gamma \(\d+ characters\)", result.stderr)
    assert "What to do:" in result.stderr
    assert not list(result.outdir.glob("*.pdf")) and not list(result.outdir.glob("*.txt"))


@pytest.mark.parametrize(
    ("conf", "said"),
    [
        ('{"one": {"language": "en", "pages": 4}}', "['pages'] = 4: expected 1 or 2"),
        ('{"one": {"language": "zh_CN"}}', "resume_variant = 'two' is not declared"),
        ('{"two": {"language": "ja"}}', "resume_variant = 'two' is a variant in 'ja'"),
    ],
)
def test_a_bad_variant_stops_the_build_before_it_reads(tmp_path, conf, said):
    src = small_project(tmp_path / "src", conf)
    result = run_forked(
        [
            sys.executable, "-m", "sphinx", "-b", "resumepdf", "-D", "resume_variant=two",
            "-n", "-W", "--keep-going", str(src), str(tmp_path / "out"),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert said in result.stderr and "What to do:" in result.stderr
    shown = condense(result.stderr)  # as the release build shows Sphinx's report
    assert said in shown and "Traceback" not in shown
    assert "resume_variants in conf.py" in shown.partition("What to do:")[2]
    assert hints(shown) == []  # the message says what to do: the release adds nothing
    assert not (tmp_path / "out" / ".doctrees").exists()


def test_a_bad_tag_is_an_error_at_its_line(tmp_path):
    src = small_project(tmp_path / "src", "{}")
    page = src / "experience" / "beta.md"
    page.write_text(
        page.read_text("utf-8").replace(":end: 2016\n", ":end: 2016\n:tags: Old Stuff\n")
    )
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"beta\.md:9: ERROR: resume-role: tags: 'Old' is not a tag", result.stderr)


def test_an_unknown_variant_on_the_command_line_is_named(tmp_path):
    from tools.release import resolve_variants

    src = small_project(tmp_path / "src", VARIANTS)
    with pytest.raises(SystemExit, match=r"unknown variant nope\nWhat to do: .*lean, ml"):
        resolve_variants(src, ["nope"], [])


# -- The real résumé, copied and tagged ----------------------------------------------------------


def test_a_one_page_english_variant_without_the_oldest_roles(tmp_path):
    """The three oldest roles tagged and excluded (all but the newest, in a résumé of three or
    fewer): the variant's PDF is one A4 page, without their entries, beside the site, unlinked."""
    src = copy_project(tmp_path / "src")
    starts = {name: role.start for name, role in roles(src).items()}
    assert len(starts) > 1, f"a variant that drops roles needs two at least: {sorted(starts)}"
    oldest = sorted(starts, key=starts.__getitem__)[: min(3, len(starts) - 1)]
    kept = [name for name in starts if name not in oldest]
    for name in oldest:
        page = src / f"{name}.md"
        text = page.read_text("utf-8")
        page.write_text(text.replace("\n:start:", "\n:tags: early-career\n:start:", 1), "utf-8")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(
            '\nresume_variants = {\n    "platform-en": {"language": "en", "pages": 1, '
            '"exclude": ["early-career"]},\n}\n'
        )
    build_dir = tmp_path / "_build"
    ok, _out, err = release(build_dir, source=src, codes=("en",))
    assert ok, err

    folder = build_dir / "variants" / "platform-en"
    assert sorted(p.name for p in folder.iterdir()) == [
        file_name("platform-en", "pdf"),
        file_name("platform-en", "txt"),
    ]
    pdf = folder / file_name("platform-en", "pdf")
    info = poppler("pdfinfo", str(pdf))
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert re.search(r"^Page size:.*\(A4\)", info, re.MULTILINE), info
    shown = squeeze(poppler("pdftotext", str(pdf), "-"))
    text = squeeze((folder / file_name("platform-en", "txt")).read_text("utf-8"))

    def entry(name: str) -> str:
        """The role's entry as both outputs begin it, in English: its organisation, then its
        title. The organisation alone may be named elsewhere, in the summary or a project."""
        role = roles(src)[name]
        return squeeze(translate("en", name, role.organisation) + translate("en", name, role.title))

    for name in kept:
        assert entry(name) in shown and entry(name) in text, name
    for name in oldest:
        assert entry(name) not in shown and entry(name) not in text, name

    site = build_dir / "html"
    for page in site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".js", ".json", ".xml", ".txt", ".inv"):
            body = page.read_bytes()
            assert b"platform-en" not in body and b"variants/" not in body, page
    assert not (build_dir / "pdf" / "platform-en").exists()

    # The variant alone (nox -s build -- --variant platform-en): the site is carried over.
    from tools.release import release_build

    site_before = (site / "en" / "index.html").read_bytes()
    variant_before = pdf.read_bytes()
    with environment({"SOURCE_DATE_EPOCH": EPOCH}):
        assert release_build(build=build_dir, source=src, variants=["platform-en"])
    assert (site / "en" / "index.html").read_bytes() == site_before
    assert pdf.read_bytes() == variant_before  # one commit, one PDF, byte for byte


def test_a_bullet_s_tag_survives_its_translation(tmp_path):
    po = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n\n'
        'msgid "首页"\nmsgstr "Home"\n\nmsgid "一览"\nmsgstr "At a glance"\n\n'
        'msgid "经历"\nmsgstr "Experience"\n\n'
        'msgid "**团队**有 5 人。{tag}`ml`"\nmsgstr "A **team** of 5. {tag}`ml`"\n\n'
        'msgid "**平台**上线。"\nmsgstr "The **platform** shipped."\n'
    )
    src = write_project(
        tmp_path / "src",
        {
            "index.md": "# 首页\n\n(at-a-glance)=\n## 一览\n\n- **团队**有 5 人。{tag}`ml`\n"
            "- **平台**上线。\n\n(experience)=\n## 经历\n",
            "locales/en/LC_MESSAGES/index.po": po,
        },
        "locale_dirs = ['locales']\ngettext_compact = False\nresume_pdf_pages = 0\n"
        'resume_variants = {"no-ml": {"language": "en", "exclude": ["ml"]}}\n',
    )
    texts = {}
    for variant in ("", "no-ml"):
        result = build(
            src,
            tmp_path / (variant or "en"),
            "resumepdf",
            "en",
            confoverrides={"resume_variant": variant},
            env={"SOURCE_DATE_EPOCH": "1700000000"},
        )
        assert result.returncode == 0, result.stderr
        texts[variant] = (result.outdir / file_name(variant or "en", "txt")).read_text("utf-8")
    assert "- A team of 5." in texts[""] and "- The platform shipped." in texts[""]
    assert "team of 5" not in texts["no-ml"] and "- The platform shipped." in texts["no-ml"]
    assert "{tag}" not in texts[""] + texts["no-ml"] and "ml`" not in texts[""]


def test_a_variant_summary_that_no_paragraph_gives_is_refused(tmp_path):
    src = small_project(tmp_path / "src", '{"s": {"language": "zh_CN", "summary": "hiring-ml"}}')
    result = build(src, tmp_path / "out", "resumepdf", confoverrides={"resume_variant": "s"})
    assert result.returncode != 0
    assert "takes its summary from the paragraph tagged 'hiring-ml'" in result.stderr
    assert "{tag}`hiring-ml`" in result.stderr and "What to do:" in result.stderr
    assert not list(result.outdir.glob("*.pdf")) and not list(result.outdir.glob("*.txt"))
