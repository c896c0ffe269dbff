"""The social preview card: the picture a link to the site shows in a feed or a chat.

One PNG per edition, ``social-card.png`` beside its pages, 1200 × 630 pixels (OpenGraph's and
X's large-image size), typeset by Typst (the ``typst`` package writes PNG as well as PDF) with
``typst/card.typ`` in the edition's fonts (``resume.pdf``'s: the same lookup, the same faces):
the owner's name in the edition's form and in its native one, the headline, and the first
three items of the home page's "at a glance" (their bold leads), all in the edition's language:
a view of the edition's model (``resume.model``).
Every page of the web site then names it in its head, when the site's address is known (an
``og:image`` must be absolute): ``og:image`` with its type, width, height and ``og:image:alt``
(the card's text, in the edition's language), and ``twitter:card`` ``summary_large_image``.

Typst reads no clock: the same sources give the same bytes. The PNG is kept in the doctree
folder under the digest of what it was typeset from, so a rebuild that changed none of that
(the live preview) copies it without loading a font. Its text is checked before it is typeset,
as the PDF's is: a glyph no font has, or a value the owner keeps private or masked, stops it,
and the build fails with what to do (a picture's text is beyond the privacy gate's scan). Every page names the card with its alt
text: when the home page's changes that text, every page is written again.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import weakref
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from . import messages, privacy
from .languages import SOURCE, edition
from .model import Resume, resume
from .outputs import SOCIAL_CARD, file_url, is_website
from .paper import COLON, NBSP, chinese_names, glance_runs
from .pdf import (
    CHINESE,
    LATIN,
    TYPEFACES,
    PaperError,
    _typst_array,
    font_files,
    font_folders,
    load_fonts,
    unset_characters,
)
from .reading import quoted
from .settings import settings

TEMPLATE = Path(__file__).parent / "typst" / "card.typ"
#: OpenGraph's recommended size for a large preview: 600 × 315 pt at 144 pixels per inch.
WIDTH, HEIGHT, PPI = 1200, 630, 144
#: How many of the home page's highlights the card shows.
HIGHLIGHTS = 3
#: Where the typeset cards are kept, in the doctree folder.
CACHE = "resume-card"

MAIN = """// What resume.card typeset into {png}
#import "card.typ": card
#card(
  json("{data}"),
  fonts: {fonts},
  chinese-fonts: {chinese},
  region: {region},
)
"""


@dataclass(frozen=True)
class Card:
    """What the card says: texts as runs ``{"text", "lang"}``, ``lang`` "zh" for Chinese names."""

    language: str  # BCP 47
    name: list[dict[str, str]]
    native: list[dict[str, str]]  # the name as typed in Chinese, when the edition's differs
    headline: str
    highlights: list[list[dict[str, str]]]
    address: str  # the site's address without its scheme, when known

    def alt(self, colon: str, separator: str) -> str:
        """The card's text as one line: its ``og:image:alt``."""

        def flat(text: list[dict[str, str]]) -> str:
            return "".join(run["text"] for run in text).replace(NBSP, " ")

        title = " ".join(filter(None, (flat(self.name), flat(self.native))))
        title = f"{title} · {self.headline}" if self.headline else title
        items = separator.join(flat(item) for item in self.highlights)
        return f"{title}{colon}{items}" if items else title


def gather(model: Resume) -> Card:
    """The card of this edition: a view of its model, its Chinese names marked as paper's."""
    basics = model.basics
    names = chinese_names(model.language)
    name, native = basics.name, basics.native
    chinese = model.language == SOURCE.tag
    shown = []
    for item in model.highlights[:HIGHLIGHTS]:
        runs = glance_runs(item.spans, names)
        lead = [run for run in runs if run.bold] or runs  # the bold lead, else the whole item
        shown.append([{"text": run.text, "lang": run.lang} for run in lead])
    parts = urlsplit(basics.site) if basics.site else None
    return Card(
        language=model.language,
        name=[{"text": name, "lang": "" if chinese or name != native else "zh"}],
        native=[] if chinese or name == native else [{"text": native, "lang": "zh"}],
        headline=basics.label,
        highlights=shown,
        address=f"{parts.netloc}{parts.path}" if parts else "",
    )


# -- Typesetting ---------------------------------------------------------------------------


def typeset(app: Sphinx, card: Card) -> bytes:
    """The card as PNG bytes, from the cache when nothing it is made of changed.

    Raises ``PaperError`` for a missing font, a character without a glyph, a secret in its
    text, or a text that does not fit the card.
    """
    import typst

    config = app.config
    ed = edition(config.language)
    typeface = TYPEFACES[ed.sphinx]
    data = json.dumps(asdict(card), ensure_ascii=False, indent=1) + "\n"
    main = MAIN.format(
        png=SOCIAL_CARD,
        data=f"card-{ed.code}.json",
        fonts=_typst_array(typeface.fonts),
        chinese=_typst_array(CHINESE),
        region=json.dumps(typeface.region) if typeface.region else "none",
    )
    template = TEMPLATE.read_bytes()
    digest = hashlib.sha256()
    for part in (template, main.encode(), data.encode(), version("typst").encode(),
                 repr(font_files(font_folders(settings(config).pdf_font_paths))).encode()):  # fmt: skip
        digest.update(hashlib.sha256(part).digest())
    # Checked before the cache: a card kept from a build that published a value is not reused
    # by one that does not.
    normal = privacy.normalise(data)
    for secret in privacy.secrets(config):
        if secret.pattern.search(normal):
            raise PaperError(
                messages.problem(
                    f"the social card ({ed.code}) would show the full {secret.kind}, which the "
                    f"owner keeps {secret.visibility}; it was not written.",
                    "remove the value from the page or catalog that holds it (the home page's "
                    "headline or at-a-glance list)",
                )
            )
    folder = Path(app.doctreedir, CACHE)
    cached = folder / f"{ed.code}-{digest.hexdigest()[:20]}.png"
    if cached.is_file():
        return cached.read_bytes()

    needed = dict.fromkeys(f for f in (*typeface.fonts, *CHINESE) if f != LATIN)
    fonts, coverage = load_fonts(font_folders(settings(config).pdf_font_paths), needed)
    if unset := unset_characters(asdict(card), coverage):
        found = privacy.secrets(config)  # the log is public: a text holding one is not quoted
        shown = "; ".join(f"{c!r} (U+{ord(c):04X}) in {quoted(t, found)}" for c, t in unset.items())
        raise PaperError(
            messages.problem(
                f"the fonts of the {ed.code} social card have no glyph for {shown}.",
                "write the character another way on the home page or in its catalog",
            )
        )
    overflow = messages.problem(
        f"the social card ({ed.code}) does not hold its text on one {WIDTH}×{HEIGHT} image.",
        subtype="card",
    )
    if folder.is_dir():
        shutil.rmtree(folder)  # earlier cards: one edition's doctree folder keeps one
    folder.mkdir(parents=True)
    shutil.copyfile(TEMPLATE, folder / TEMPLATE.name)
    (folder / f"card-{ed.code}.json").write_text(data, encoding="utf-8")
    (folder / f"card-{ed.code}.typ").write_text(main, encoding="utf-8")
    try:
        png = typst.compile(
            str(folder / f"card-{ed.code}.typ"),
            root=str(folder),
            format="png",
            ppi=PPI,
            font_paths=fonts,
            ignore_system_fonts=True,
        )
    except RuntimeError as error:
        if "does not fit" in str(error):
            raise PaperError(overflow) from None
        raise PaperError(
            messages.problem(
                f"Typst could not typeset the social card ({ed.code}): {error}",
                f"fix the template {TEMPLATE}, or the text the message names",
            )
        ) from None
    if isinstance(png, list):  # one image per page: the text ran over the card
        raise PaperError(overflow)
    cached.write_bytes(png)
    return png


# -- The site ------------------------------------------------------------------------------

#: Each builder's card, gathered once for all its pages' heads.
_CARDS: weakref.WeakKeyDictionary[Any, Card] = weakref.WeakKeyDictionary()


def card_of(app: Sphinx) -> Card:
    if (card := _CARDS.get(app.builder)) is None:
        card = _CARDS[app.builder] = gather(resume(app))
    return card


def _alt(app: Sphinx, card: Card) -> str:
    """The card's text as one line, in the edition's punctuation: its ``og:image:alt``."""
    ed = edition(app.config.language)
    return card.alt(COLON.get(ed.sphinx, ": "), ed.separator)


def _meta(attribute: str, key: str, content: str) -> str:
    return f'<meta {attribute}="{key}" content="{html.escape(content)}" />\n'


def head_tags(app: Sphinx) -> str:
    """The card's tags for a page's head; none when the site's address is unknown."""
    url = file_url(app, SOCIAL_CARD)
    if not url:
        return ""
    alt = _alt(app, card_of(app))
    return "".join(
        (
            _meta("property", "og:image", url),
            _meta("property", "og:image:type", "image/png"),
            _meta("property", "og:image:width", str(WIDTH)),
            _meta("property", "og:image:height", str(HEIGHT)),
            _meta("property", "og:image:alt", alt),
            _meta("name", "twitter:card", "summary_large_image"),
        )
    )


def add_card_tags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if is_website(app.builder):
        context["metatags"] = context.get("metatags", "") + head_tags(app)


def write_card(app: Sphinx, exception: Exception | None) -> None:
    """Typeset the card into the web site's folder, or fail the build saying why."""
    if exception is not None or not is_website(app.builder):
        return
    target = Path(app.outdir, SOCIAL_CARD)
    try:
        png = typeset(app, card_of(app))
    except PaperError as error:
        target.unlink(missing_ok=True)  # never an earlier build's card beside these pages
        messages.error(str(error), subtype="card")
        app.statuscode = 1
        return
    target.write_bytes(png)


def _alt_text(app: Sphinx) -> str | None:
    """The card's alt text from what the environment holds now; None before the first read.
    The card gathered here, once every page is read, is the one the builder writes."""
    if app.config.root_doc not in app.env.all_docs:
        return None
    card = _CARDS[app.builder] = gather(resume(app))
    return _alt(app, card)


def pages_naming_the_card(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every page names the card in its head: when its text changed, all are written again
    (``env-get-updated``), so that an incremental build writes what a clean one does.

    The text is kept in the environment from one build to the next, and read only once every
    page is read: reading the home page's doctree before that would leave Sphinx's own cache
    of it stale for the rest of the build."""
    alt = _alt_text(app)
    before = getattr(env, "resume_card_alt", None)
    env.resume_card_alt = alt  # type: ignore[attr-defined]
    if before is None or before == alt:
        return []
    return sorted(env.found_docs)


def setup_card(app: Sphinx) -> None:
    app.connect("env-get-updated", pages_naming_the_card)
    # After resume.hosting's OpenGraph tags (priority 600).
    app.connect("html-page-context", add_card_tags, priority=650)
    # Before the privacy gate (priority 900), which scans what is written.
    app.connect("build-finished", write_card)
