"""The data directives: each role, project and home-page entry states its data once, as options.

Every text a reader sees becomes a node with a source and a line, so that ``-b gettext``
extracts it and the English and Japanese editions translate it in the page's catalog. The
values are collected only after translation (``ResumeDomain.process_doc``), never from the raw
source. The field labels (公司, 职位, …) are interface strings: they are translated by the theme
catalogs (``locales/*/LC_MESSAGES/sphinx.po``) through ``_()``, once for every page.

A bad option (missing, malformed, an end before its start) is an error at the option's own line.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.locale import _
from sphinx.util.docutils import SphinxDirective

from .data import FAILED, PRESENT, DataError, Date, parse_period, split_list
from .dates import format_period
from .messages import problem, warn
from .nodes import entry_card, placeholder, project_card, role_card
from .variants import VariantError, split_tags

if TYPE_CHECKING:
    from .model import RoleOption

#: Each field's label, an interface string in English (the theme catalogs translate it, for the
#: Chinese edition too); also listed in ``_templates/partials/resume-labels.html`` for gettext.
LABELS = {
    "organisation": "Company",
    "title": "Title",
    "period": "Period",
    "technologies": "Technologies",
    "projects": "Open-source projects",
    "name": "Project",
    "url": "Home page",
    "relation": "Role",
    "roles": "Where",
    "study": "Field of study",
    "institution": "Institution",
}
_OPTION = re.compile(r"\s*:(?P<key>[\w-]+):")
_DATES = "write the date as YYYY or YYYY-MM, not after today, the end not before the start"
#: What to do about the option at fault, by its key: the advice for that option alone (a
#: key not here gets the subtype's, resume.messages).
ADVICE = {
    "start": _DATES,
    "end": f"{_DATES}, or 'present'",
    "url": "give the project's home page as an https:// address",
    "code": "give the language's BCP 47 tag, such as en or zh-CN",
    "tags": "correct the tags as the message says (README.md, 'Variants')",
}


def _source_text(source: str, line: int, text: str, **attributes: object) -> nodes.paragraph:
    para = nodes.paragraph(text, text, **attributes)
    para.source, para.line = source, line
    return para


class _DataDirective(SphinxDirective):
    """Shared checks: required options, and errors that name the option's own line.

    Subclasses build their nodes in ``build`` and raise ``DataError`` for bad data.
    """

    required: ClassVar[tuple[str, ...]] = ()
    has_content = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.option_spec:
            # Every data directive can be tagged for the variants (resume.variants).
            cls.option_spec = {**cls.option_spec, "tags": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        try:
            self.check_duplicates()
            for key in self.required:
                if not self.options.get(key, "").strip():
                    raise DataError(
                        f"the required key {key!r} is missing or empty",
                        what_to_do=f"give :{key}: a value in the directive",
                    )
            try:
                self.tags = list(split_tags(self.options.get("tags", "")))
            except VariantError as exc:
                raise DataError(f"tags: {exc}", "tags") from None
            built = self.build()
            for node in built:
                if isinstance(node, role_card | project_card | entry_card):
                    node["tags"] = self.tags
            return built
        except DataError as exc:
            return self.fail(str(exc), exc.key, exc.line, exc.what_to_do)

    def build(self) -> list[nodes.Node]:
        raise NotImplementedError

    def check_duplicates(self) -> None:
        """An option given twice is an error at its second line (MyST keeps the last, silently)."""
        seen: set[str] = set()
        for offset, text in enumerate(self.block_text.splitlines()):
            match = _OPTION.match(text)
            if not match:
                continue
            key = match["key"]
            if key in seen:
                raise DataError(
                    f"the key {key!r} is given twice", key, self.lineno + offset,
                    "delete one of the two",
                )  # fmt: skip
            seen.add(key)

    def not_after_today(self, date: Date, key: str) -> Date:
        """``date``, unless it is after this month, by the clock: not the build's date
        (``resume_build_date``, the last commit's), so that a role starting this month builds
        before it is committed; the outputs still print the build's date."""
        today = time.gmtime()
        if (date.year, date.month) > (today.tm_year, today.tm_mon):
            raise DataError(
                f"{key}: {date} is after today, "
                f"{today.tm_year}-{today.tm_mon:02d}; a résumé states what has happened",
                key,
            )
        return date

    def period(self) -> tuple[str, str, str]:
        """``start`` and ``end`` as stored (a date, or ``present``), and the period as the
        edition writes it (``resume.dates``)."""
        start, end = parse_period(self.options["start"], self.options["end"])
        self.not_after_today(start, "start")
        if end:
            self.not_after_today(end, "end")
        shown = format_period(start, end, self.config.language)
        return str(start), str(end) if end else PRESENT, shown

    def option_line(self, key: str) -> int:
        for offset, text in enumerate(self.block_text.splitlines()):
            if text.lstrip().startswith(f":{key}:"):
                return self.lineno + offset
        return self.lineno

    def fail(
        self, message: str, key: str | None = None, line: int | None = None,
        what_to_do: str | None = None,
    ) -> list[nodes.Node]:  # fmt: skip
        """The error at the option's line, with the advice for that option alone, and the
        mark that this page holds its directive (``FAILED``): the checks across pages are not
        to report it missing too."""
        line = line or (self.option_line(key) if key else self.lineno)
        if what_to_do is None and key:
            what_to_do = ADVICE.get(key, f"correct :{key}: as the message says")
        error = self.reporter.error(
            problem(f"{self.name}: {message}", what_to_do, subtype="directive"),
            nodes.literal_block(self.block_text, self.block_text),
            line=line,
        )
        return [error, nodes.comment("", "", **{FAILED: self.name})]

    def field(
        self, key: str, body: nodes.Node, translatable: bool = True, label: str = ""
    ) -> nodes.field:
        source, line = self.get_source_info()
        line = self.option_line(key)
        shown = str(_(label or LABELS[key]))
        extracting = self.env.app.builder.name == "gettext"  # nox -s catalogs: not yet
        if (
            label
            and shown == label
            and not extracting
            and not self.config.language.startswith("en")
        ):
            # A declared option's label (English, as every interface string's msgid) that the
            # edition's sphinx.po does not translate: "Location" on a Chinese card.
            warn(
                f"the label {label!r} of option {key!r} has no translation in "
                f"locales/{self.config.language}/LC_MESSAGES/sphinx.po",
                f'list {{{{ _("{label}") }}}} in _templates/partials/resume-labels.html, run '
                "`nox -s catalogs`, then translate it in every edition's sphinx.po (README.md, "
                "'Editing a page')",
                (self.env.docname, line),
                subtype="catalog",
            )
        label = shown
        name = nodes.field_name(label, label, translatable=False)
        name.source, name.line = source, line
        if isinstance(body, nodes.paragraph) and not translatable:
            body["translatable"] = False
        return nodes.field("", name, nodes.field_body("", body), resume_key=key)

    def text_field(
        self, key: str, text: str, translatable: bool = True, label: str = ""
    ) -> nodes.field:
        source, _line = self.get_source_info()
        para = _source_text(source, self.option_line(key), text)
        return self.field(key, para, translatable, label)

    def index(self, terms: list[str]) -> list[nodes.Node]:
        if not terms:
            return []
        target_id = f"tech-{self.env.new_serialno('resume-tech')}"
        target = nodes.target("", "", ids=[target_id])
        entries = [("single", term, target_id, "", None) for term in terms]
        index = addnodes.index(entries=entries, inline=False)
        index.source, index.line = self.get_source_info()
        self.state.document.note_explicit_target(target)
        return [index, target]


class RoleDirective(_DataDirective):
    """A position held: organisation, title, period and technologies, and the options declared
    with ``resume.model.add_role_option`` (``declared``)."""

    declared: ClassVar[tuple[RoleOption, ...]] = ()

    required = ("organisation", "title", "start", "end")
    option_spec: ClassVar = {
        "organisation": directives.unchanged_required,
        "title": directives.unchanged_required,
        "start": directives.unchanged_required,
        "end": directives.unchanged_required,
        "technologies": directives.unchanged,
    }

    def build(self) -> list[nodes.Node]:
        start, end, period = self.period()
        technologies = split_list(self.options.get("technologies", ""))
        card = role_card(
            classes=["resume-card", "resume-role"],
            start=start,
            end=end,
            technologies=technologies,
            line=self.lineno,
        )
        fields = nodes.field_list(classes=["resume-fields"])
        fields += self.text_field("organisation", self.options["organisation"])
        fields += self.text_field("title", self.options["title"])
        fields += self.text_field("period", period, translatable=False)
        if technologies:
            fields += self.text_field("technologies", "、".join(technologies))
        card["details"] = []
        for declared in self.declared:
            if not (given := self.options.get(declared.option, "")).strip():
                continue
            try:
                value = declared.check(given)
            except ValueError as error:
                raise DataError(f"{declared.option}: {error}", declared.option) from None
            card["details"].append(
                {"option": declared.option, "key": declared.key, "label": "", "value": value}
            )
            if declared.label:
                card["details"][-1]["label"] = str(_(declared.label))
                fields += self.text_field(declared.option, value, label=declared.label)
        fields += self.field("projects", placeholder(kind="projects-of-role"))
        card += fields
        return [*self.index(technologies), card]

    @classmethod
    def declaring(cls, options: tuple[RoleOption, ...]) -> type[RoleDirective]:
        """This directive with ``options`` declared: accepted, required if so, checked."""
        spec = {o.option: directives.unchanged for o in options}
        required = tuple(o.option for o in options if o.required)
        return type(
            cls.__name__,
            (cls,),
            {
                "declared": options,
                "option_spec": {**cls.option_spec, **spec},
                "required": (*cls.required, *required),
            },
        )


class ProjectDirective(_DataDirective):
    """An open-source project: its name, public home, and the owner's relation to it."""

    required = ("name", "url", "relation")
    option_spec: ClassVar = {
        "name": directives.unchanged_required,
        "url": directives.uri,
        "relation": directives.unchanged_required,
        "roles": directives.unchanged,
        "technologies": directives.unchanged,
    }

    def build(self) -> list[nodes.Node]:
        url = self.options["url"]
        if not url.startswith("https://"):
            raise DataError(f"url {url!r} must be an https:// address", "url")
        roles = [name.strip("/") for name in split_list(self.options.get("roles", ""))]
        technologies = split_list(str(self.options.get("technologies", self.options["name"])))
        card = project_card(
            classes=["resume-card", "resume-project"],
            url=url,
            roles=roles,
            line=self.lineno,
        )
        fields = nodes.field_list(classes=["resume-fields"])
        fields += self.text_field("name", self.options["name"])
        link = nodes.paragraph("", "", nodes.reference(url, url, refuri=url))
        fields += self.field("url", link, translatable=False)
        fields += self.text_field("relation", self.options["relation"])
        fields += self.field("roles", placeholder(kind="roles-of-project"))
        card += fields
        return [*self.index(technologies), card]


class _EntryDirective(_DataDirective):
    """A field list of one entry; ``kind`` names it in the collected data."""

    kind: ClassVar[str]

    def card(self, *fields: nodes.field, **attributes: Any) -> list[nodes.Node]:
        card = entry_card(
            classes=["resume-entry", f"resume-{self.kind}"],
            kind=self.kind,
            line=self.lineno,
            **attributes,
        )
        card += nodes.field_list("", *fields, classes=["resume-fields"])
        return [card]

    def named_field(self, name_key: str, body_key: str, text: str) -> nodes.field:
        """A field whose label is itself data (``Go · …`` under ``语言栈``)."""
        source, _line = self.get_source_info()
        name = nodes.field_name(self.options[name_key], self.options[name_key])
        name.source, name.line = source, self.option_line(name_key)
        body = _source_text(source, self.option_line(body_key), text)
        return nodes.field(
            "", name, nodes.field_body("", body), resume_key=body_key, resume_name=name_key
        )


class SkillsDirective(_EntryDirective):
    """A group of skills: ``name`` and its comma-separated ``keywords``."""

    kind = "skills"
    required = ("name", "keywords")
    option_spec: ClassVar = {
        "name": directives.unchanged_required,
        "keywords": directives.unchanged_required,
    }

    def build(self) -> list[nodes.Node]:
        keywords = split_list(self.options["keywords"])
        field = self.named_field("name", "keywords", " · ".join(keywords))
        return [*self.index(keywords), *self.card(field, keywords=keywords)]


class LanguageDirective(_EntryDirective):
    """A spoken language: its name, the owner's ``fluency``, and its BCP 47 ``code``."""

    kind = "language"
    required = ("language", "fluency", "code")
    option_spec: ClassVar = {
        "language": directives.unchanged_required,
        "fluency": directives.unchanged_required,
        "code": directives.unchanged_required,
    }

    def build(self) -> list[nodes.Node]:
        code = self.options["code"].strip()
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", code):
            raise DataError(f"code {code!r} is not a BCP 47 language tag", "code")
        field = self.named_field("language", "fluency", self.options["fluency"])
        return self.card(field, code=code)


class EducationDirective(_EntryDirective):
    """A degree: the field of ``study``, the ``institution`` and the period."""

    kind = "education"
    required = ("study", "institution", "start", "end")
    option_spec: ClassVar = {key: directives.unchanged_required for key in required}

    def build(self) -> list[nodes.Node]:
        start, end, period = self.period()
        return self.card(
            self.text_field("study", self.options["study"]),
            self.text_field("institution", self.options["institution"]),
            self.text_field("period", period, translatable=False),
            start=start,
            end=end,
        )


class AwardDirective(_EntryDirective):
    """An award: its ``title``, what it is (``summary``) and its ``year``."""

    kind = "award"
    required = ("title", "summary", "year")
    option_spec: ClassVar = {key: directives.unchanged_required for key in required}

    def build(self) -> list[nodes.Node]:
        year = self.not_after_today(Date.parse(self.options["year"], key="year"), "year")
        field = self.named_field("title", "summary", self.options["summary"])
        year_text = nodes.paragraph(
            str(year), str(year), classes=["resume-year"], translatable=False
        )
        body = field.children[1]
        assert isinstance(body, nodes.field_body)
        body += year_text
        return self.card(field, date=str(year))


class CertificateDirective(AwardDirective):
    """A certification, with the same fields as an award."""

    kind = "certificate"


class TimelineDirective(SphinxDirective):
    """The career, newest first, drawn from every role page's data."""

    def run(self) -> list[nodes.Node]:
        return [placeholder(kind="timeline")]


class ProjectListDirective(SphinxDirective):
    """Every project with the owner's relation to it, drawn from the project pages."""

    def run(self) -> list[nodes.Node]:
        return [placeholder(kind="project-list")]


def setup_directives(app: Any) -> None:
    app.add_directive("resume-role", RoleDirective)
    app.add_directive("resume-project", ProjectDirective)
    app.add_directive("resume-skills", SkillsDirective)
    app.add_directive("resume-language", LanguageDirective)
    app.add_directive("resume-education", EducationDirective)
    app.add_directive("resume-award", AwardDirective)
    app.add_directive("resume-certificate", CertificateDirective)
    app.add_directive("resume-timeline", TimelineDirective)
    app.add_directive("resume-projects", ProjectListDirective)
