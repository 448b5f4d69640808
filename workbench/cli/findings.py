"""``workbench qa``: the QA findings of a document or the workspace, as a table or JSON."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from workbench.cli.base import open_workspace, say, ws_option
from workbench.qa import CHECKS

if TYPE_CHECKING:
    from workbench.qa.profile import Profile


@click.group(invoke_without_command=True)
@click.option("--doc", default=None, help="Only this document.")
@click.option("--check", "checks", multiple=True, metavar="NAME",
              help=f"Only this check (repeatable): {', '.join(CHECKS)}, or a custom rule's name.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Run with the QA profile in FILE (.toml or .json: checks on or off, severities, "
                   "thresholds, custom rules, ignores) instead of the workspace's.")
@click.option("--json", "as_json", is_flag=True,
              help='A JSON list of {"doc", "pair", "check", "message", "severity", "fa", "en"} (pair: its '
                   "place in the document, as in the JSONL export; en: the English checked, the draft "
                   "while the pair has none).")
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Also write a report to hand to translators, FILE.xlsx or FILE.html: one row per "
                   "finding: open, marked as a false positive (with why), or fixed since the last report.")
@ws_option
@click.pass_context
def qa(ctx: click.Context, doc: str | None, checks: tuple[str, ...], profile_path: Path | None, as_json: bool,
       report_path: Path | None, ws_path: Path) -> None:
    """QA findings: glossary terms, numbers, dates, tags (URLs, codes, placeholders), untranslated text, consistency, repeated words,
    brackets, spaces, length, spelling, empty pairs. Findings marked as false positives in the
    review app are left out. Exits 0 whatever it finds. `workbench qa words`: the workspace's
    user dictionary; `profile`, `rules`, `ignore`: its QA profile."""
    if ctx.invoked_subcommand is not None:
        return
    from workbench.qa import profiles
    from workbench.qa.checker import report
    from workbench.text import printable

    profile = profiles.read(profile_path) if profile_path is not None else None
    if report_path is not None:
        from workbench.qa import report as qa_report

        qa_report.report_format(report_path)  # a wrong name is refused before the work
        from workbench.qa import report_log

        with open_workspace(ws_path) as ws:
            in_use = profile or profiles.stored(ws)
            _known_checks(checks, in_use)
            found = qa_report.rows(ws, doc=doc, checks=checks or None, profile=profile)
            qa_report.write(report_path, found)
            still = [row.record for row in found if row.status != qa_report.FIXED]
            report_log.record(ws, still, doc=doc, checks=checks or in_use.names())  # the next report's "fixed"
        records = [row.record for row in found if row.status == qa_report.OPEN]
        say(f"wrote {len(found)} finding{'s' * (len(found) != 1)} to {report_path}", err=True)
    else:
        with open_workspace(ws_path) as ws:
            _known_checks(checks, profile or profiles.stored(ws))
            records = report(ws, doc=doc, checks=checks or None, profile=profile)
    if as_json:
        # One object a line: json's fast encoder (indent= would take its slow path).
        click.echo("[" + ",\n".join(json.dumps(r.as_json(), ensure_ascii=False) for r in records) + "]")
        return
    if not records:
        click.echo("no QA findings")
        return
    # Plain aligned columns, written at once: a rich table of 30,000 rows takes half a minute.
    # Names and texts in them are shown as typed (control characters escaped).
    rows = [("doc", "pair", "check", "message")] + [(printable(r.doc), str(r.pair), r.check, printable(r.message))
                                                    for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{doc:<{widths[0]}}  {pair:>{widths[1]}}  {check:<{widths[2]}}  {message}"
             for doc, pair, check, message in rows]
    click.echo("\n".join(lines))
    counts = Counter(r.check for r in records)
    summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items(), key=lambda item: _order(item[0])))
    click.echo(f"{len(records)} finding{'s' * (len(records) != 1)}: {summary}")


def _known_checks(checks: tuple[str, ...], profile: Profile) -> None:
    """A name that is no check (built-in or custom rule) is a usage error (exit 2), as before rules."""
    unknown = [c for c in checks if c not in profile.names()]
    if unknown:
        raise click.BadParameter(f"no check named {unknown[0]!r} (checks: {', '.join(profile.names())})",
                                 param_hint="'--check'")


def _order(check: str) -> tuple[int, str]:
    return (CHECKS.index(check), "") if check in CHECKS else (len(CHECKS), check)


@qa.group()
def words() -> None:
    """The workspace's user dictionary: words the spelling check accepts."""


@words.command("add")
@click.argument("word_list", metavar="WORD...", nargs=-1, required=True)
@ws_option
def words_add(word_list: tuple[str, ...], ws_path: Path) -> None:
    """Add words (letters, apostrophes and hyphens inside; stored in lower case)."""
    from workbench.qa import user_words

    with open_workspace(ws_path) as ws:
        added = user_words.add(ws, list(word_list))
    say(f"added {len(added)} word{'s' * (len(added) != 1)} to the user dictionary"
        + (f": {', '.join(added)}" if added else ""))


@words.command("list")
@ws_option
def words_list(ws_path: Path) -> None:
    """The user dictionary's words, one a line."""
    from workbench.qa import user_words
    from workbench.text import printable

    with open_workspace(ws_path) as ws:
        for word in user_words.words(ws):
            click.echo(printable(word))


@words.command("remove")
@click.argument("word")
@ws_option
def words_remove(word: str, ws_path: Path) -> None:
    """Remove a word from the user dictionary."""
    from workbench.errors import WorkbenchError
    from workbench.qa import user_words

    with open_workspace(ws_path) as ws:
        if not user_words.remove(ws, word):
            raise WorkbenchError(f"{word!r} is not in the user dictionary")
    say(f"removed {user_words.normal(word)!r} from the user dictionary")


COMMANDS = [qa]
