"""What a failed build tells its reader: each builder's output under its name, Sphinx's crash
reports cut to their message, one line for a full disk, and what to do.

The advice comes from the messages themselves: an error of ours carries its own "What to do"
on its line (``WHAT_TO_DO`` finds it), and it is not said again. ``HINTS`` is the summary's
advice for messages that carry none, keyed by a tell-tale part of the message, because they
come from Sphinx, MyST or docutils, whose words we cannot change.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from resume.files import write_atomically
from resume.reading import Secret, holds, redact

from .building import UNFINISHED, JobResult
from .layout import STAGING

# What to do about each kind of problem Sphinx, docutils and MyST report, keyed by a tell-tale
# part of their message: the warning's [type.subtype], or the words of a message that has none.
# The extension's own messages say what to do themselves (resume.messages), on their lines
# (WHAT_TO_DO). tests/test_hints.py makes each kind of failure for real and checks that it gets
# its advice, and that every hint here is one some failure gets.
HINTS = {
    "[myst.topmatter]": "fix the YAML front matter between the two --- lines at the top of the page",
    "[myst.xref_missing]": "point the link at an existing page or label, or add the label",
    "[ref.ref]": "point the reference at an existing label, or add the label",
    "[toc.not_included]": "add the page to a toctree (experience/index.md, projects/index.md)",
    "[toc.not_readable]": "create the page the toctree names, or remove the entry from the toctree",
    "[image.not_readable]": "put the image at the path the page gives (relative to the page), or fix the path",
    "undecodable source characters": "save the page as UTF-8 (the line is named above)",
    "Duplicate explicit target name": "give one of the two labels another name",
    "Unknown directive type": "check the directive's name (resume-role, resume-project, …)",
    "Unknown option key": "remove or rename the key; the message lists the allowed keys",
}
#: Said when a builder never finished (``building.UNFINISHED``): no file or line is to blame.
CUT_SHORT_HINT = (
    "build again: a builder ended before it finished, with no message to give (killed, or the "
    "system short of memory); if it ends the same way again, close other programs first"
)
#: Said when no hint above matches: every failure ends with what to do.
GENERAL_HINT = "fix each problem above at the file and line it names, then build again"
#: An error of ours says what to do in its message ("What to do: …"), whatever its file or line;
#: Sphinx adds the warning's type ("[resume.card]") to the line when it is a warning.
WHAT_TO_DO = re.compile(r"What to do: ([^\n]+?)(?: \[[\w.]+\])?[ \t]*$", re.M)
#: Where Sphinx's full crash report of the last build goes, under the build folder; the next
#: build deletes it. Sphinx writes it to the system's temporary folder first.
CRASH_REPORTS = "crash-reports"
_SAVED_REPORT = re.compile(r"The full traceback has been saved in:\n(\S+sphinx-err-\w+\.log)")
#: A terminal's colour and erase codes, which Sphinx writes when FORCE_COLOR is set.
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: Sphinx's report of an error that stopped a build (``sphinx.cmd.build``'s ``handle_exception``
#: in Sphinx 8.2): the category, versions, extensions, a traceback ending in the exception and
#: its message (all its lines), where the full report was saved, and a request to report it
#: upstream.
CRASH_REPORT = re.compile(
    r"^(?P<category>[A-Z][\w ]*?(?: error)?)!\n"
    r".*?^\s*[\w.]+: (?P<message>[^\n]*(?:\n[^\n]+)*)\n"  # to the blank line: "What to do: …"
    r"(?:.*?The full traceback has been saved in:\n(?P<log>[^\n]+)\n)?"
    r".*?so that a better error message can be provided next time\.\n?",
    re.MULTILINE | re.DOTALL,
)
#: A path into this build's staging folder (``<build>/.staging-<pid>-<token>/``), gone when the
#: build ends: what follows ``out/`` (``html/en/…``) names the output, else the rest
#: (``doctrees/en/…``).
STAGED = re.compile(rf"[^\s'\"(]*{re.escape(STAGING)}\d+-[0-9a-f]+/(?:out/)?")
#: How Python and Sphinx say that a write failed on a full disk (``ENOSPC``).
DISK_FULL = re.compile(r"\[Errno 28\]|No space left on device")


#: A line of Sphinx's log that reports a problem (``path:line: WARNING: …``).
PROBLEM = re.compile(r"\b(?:WARNING|ERROR|SEVERE|CRITICAL):")


def hints(output: str) -> list[str]:
    """The advice a build's ``output`` does not give on its own lines: the hint of every kind
    of Sphinx's and MyST's problems it shows, in ``HINTS``' order, ``CUT_SHORT_HINT`` when a
    builder never finished, then ``GENERAL_HINT`` when a problem has neither its own "What to
    do" nor a hint, or nothing else says what to do. The extension's messages carry their
    advice themselves: it is not said again."""
    output = ANSI_CODE.sub("", output)
    given = [hint for mark, hint in HINTS.items() if mark in output]
    # Each problem: its line and the lines that follow it, up to the next problem's.
    problems = re.split(rf"\n(?=[^\n]*{PROBLEM.pattern})", output)
    bare = [
        text for text in problems
        if PROBLEM.search(text) and not WHAT_TO_DO.search(text)
        and not any(mark in text for mark in HINTS)
    ]  # fmt: skip
    if re.search(rf"^{re.escape(UNFINISHED)}", output, re.M):
        given.append(CUT_SHORT_HINT)
    if bare or not (given or WHAT_TO_DO.search(output)):
        given.append(GENERAL_HINT)
    return given


def keep_crash_reports(
    results: Sequence[JobResult], build: Path, found: Collection[Secret] = ()
) -> dict[str, str]:
    """Move each crash report the jobs name out of the temporary folder into
    ``build/crash-reports/<job>.log``, with every value of ``found`` withheld (a report quotes
    what Sphinx was reading); return the old path → the new one."""
    moved: dict[str, str] = {}
    for result in results:
        for old in _SAVED_REPORT.findall(ANSI_CODE.sub("", result.stdout + result.stderr)):
            new = build / CRASH_REPORTS / f"{result.job.name.replace('/', '-')}.log"
            try:
                new.parent.mkdir(exist_ok=True)
                shutil.move(old, new)
                text = new.read_text("utf-8", errors="replace")
                if holds(text, found):
                    lines = (redact(line, found) for line in text.splitlines())
                    write_atomically(new, "\n".join(lines) + "\n")
            except OSError:
                continue
            moved[old] = str(new)
    return moved


def condense(text: str) -> str:
    """``text`` with each crash report of Sphinx cut to its category and message (and where the
    full report is): an error of ours (a configuration refused, say) says all it has to say in
    its message, with what to do. Colour codes are dropped first."""
    text = ANSI_CODE.sub("", text)

    def short(match: re.Match[str]) -> str:
        saved = f" (Sphinx's full report: {match['log']})" if match["log"] else ""
        return f"{match['category']}: {match['message']}{saved}\n"

    return CRASH_REPORT.sub(short, text)


def disk_full(results: Sequence[JobResult]) -> bool:
    """Whether a job failed because the disk is full: then every job's tracebacks say the same
    thing, and one line does instead."""
    return any(r.returncode and DISK_FULL.search(r.stdout + r.stderr) for r in results)


def report(
    results: Sequence[JobResult], moved: Mapping[str, str] = {}, found: Collection[Secret] = ()
) -> list[str]:
    """Print each job's status and output, prefixed by its name, Sphinx's crash reports cut to
    their message (``moved``: where each full report went); a failure told already by an
    earlier job is named, not repeated. Every value of ``found`` is withheld: what Sphinx
    prints outside its logging (a crash's reason) passes no filter of the extension's.
    Return the failed jobs' names."""
    failed = []
    told: dict[str, str] = {}
    for result in results:
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"[{result.job.name}] {status} in {result.seconds:.1f}s", flush=True)
        text = condense(result.stdout) + condense(result.stderr)
        for old, new in moved.items():
            text = text.replace(old, new)
        text = STAGED.sub("", text)
        if holds(text, found):  # line by line: a crash's reason is one line
            text = "\n".join(redact(line, found) for line in text.splitlines()) + "\n"
        same = re.sub(r"\S*(?:sphinx-err-|crash-reports/)\S+\.log", "", text)  # one per job
        if result.returncode and same.strip() and same in told:
            print(f"[{result.job.name}] the same as [{told[same]}]", flush=True)
        else:
            for line in text.splitlines():
                print(f"[{result.job.name}] {line}", flush=True)
            told.setdefault(same, result.job.name)
        if result.returncode:
            failed.append(result.job.name)
    return failed
