"""The owner's contact card: ``contact.vcf`` beside each edition's web site (vCard 4.0, RFC 6350).

One card per edition, a view of its model (``resume.model``), to save into an address book: the name in the edition's form and in its
native one (two ``FN`` of one ``ALTID``, each with its ``LANGUAGE``, RFC 6350 §5.4), the headline
(``TITLE``), the site's address (``URL``, when the build knows it), the build's date (``REV``),
and only what ``contact.published`` lets this build publish: a masked phone number is no number
(``TEL`` only when the full one is published), a private detail is not there at all. The privacy
gate scans the file like every other output.

The home page's contact line (``resume-contact``) links to it, on the web site only: the ePub
and the PDF have no such file.

Written here, not with a vCard library: the format is a few lines of text, and the libraries
(vobject, the one the tests parse it back with) write vCard 3.0's rules, not 4.0's.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _

from .languages import SOURCE
from .model import Resume, resume
from .outputs import VCARD, is_website

#: The label of the contact line's link to the card: a theme catalog string (sphinx.po).
LABEL = "Contact card"
#: vCard's longest line, in octets, before it is folded (RFC 6350 §3.2).
LINE_OCTETS = 75


def escape(text: str) -> str:
    """A TEXT value as RFC 6350 §3.4 writes it: backslash, comma, semicolon and newline escaped."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 6350 §3.2), never inside a UTF-8 sequence."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # a continuation starts with " "
        if size + octets > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def vcard(model: Resume) -> str:
    """This edition's card, a view of its model: CRLF line endings, folded, ending with a line
    break."""
    basics = model.basics
    name, native, tag = basics.name, basics.native, model.language
    lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual"]
    if name and name != native:
        lines.append(f"FN;ALTID=1;LANGUAGE={tag}:{escape(name)}")
        lines.append(f"FN;ALTID=1;LANGUAGE={SOURCE.tag}:{escape(native)}")
    else:
        lines.append(f"FN;LANGUAGE={SOURCE.tag}:{escape(name or native)}")
    if basics.label:
        lines.append(f"TITLE;LANGUAGE={tag}:{escape(basics.label)}")
    if basics.url:
        lines.append(f"URL:{basics.url}")
    for detail in basics.contact:
        if not detail.full:
            continue  # a masked value is left out, not printed masked
        if detail.kind == "phone":
            lines.append(f"TEL;VALUE=uri;TYPE=cell:{detail.href}")
        elif detail.kind == "email":
            lines.append(f"EMAIL:{escape(detail.text)}")
        else:  # website, github
            lines.append(f"URL:{detail.href}")
    lines.append(f"REV:{model.last_modified.strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def link_card(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Add the card to the web site's contact line (``resume-contact``)."""
    if not is_website(app.builder):
        return
    for fields in doctree.findall(nodes.field_list):
        if "resume-contact" not in fields["classes"]:
            continue
        up = "../" * app.builder.get_target_uri(docname).count("/")
        label = str(_(LABEL))
        link = nodes.reference(VCARD, VCARD, refuri=up + VCARD, classes=["resume-vcard"])
        body = nodes.paragraph("", "", link, translatable=False)
        name = nodes.field_name(label, label, translatable=False)
        fields += nodes.field("", name, nodes.field_body("", body))


def write_vcard(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_website(app.builder):
        return
    Path(app.outdir, VCARD).write_bytes(vcard(resume(app)).encode("utf-8"))


def setup_vcard(app: Sphinx) -> None:
    app.connect("doctree-resolved", link_card)
    app.connect("build-finished", write_vcard)
