"""``workbench qa profile|rules|ignore``: the workspace's QA profile — which checks run, their
severities and thresholds, custom rules, the ignore list — and its files."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.base import open_workspace, say, ws_option
from workbench.cli.findings import qa
from workbench.qa import SEVERITIES


@qa.group()
def profile() -> None:
    """The workspace's QA profile, shared as a .toml or .json file."""


@profile.command("export")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@ws_option
def profile_export(path: Path, ws_path: Path) -> None:
    """Write the workspace's QA profile to FILE (.toml or .json)."""
    from workbench.qa import profiles

    with open_workspace(ws_path) as ws:
        profiles.write(path, profiles.stored(ws))
    say(f"wrote the QA profile to {path}")


@profile.command("import")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@ws_option
def profile_import(path: Path, ws_path: Path) -> None:
    """Make FILE (.toml or .json) the workspace's QA profile (all of it: checks, rules, ignores)."""
    from workbench.qa import profiles

    new = profiles.read(path)  # a wrong file is refused before the workspace is touched
    with open_workspace(ws_path) as ws:
        profiles.store(ws, new, f"import {path.name}")
    say(f"imported the QA profile from {path}: {len(new.checks)} check setting{'s' * (len(new.checks) != 1)}, "
        f"{len(new.rules)} rule{'s' * (len(new.rules) != 1)}, {len(new.ignores)} ignore{'s' * (len(new.ignores) != 1)}")


@profile.command("show")
@ws_option
def profile_show(ws_path: Path) -> None:
    """Print the workspace's QA profile as TOML."""
    from workbench.qa import profiles

    with open_workspace(ws_path) as ws:
        click.echo(profiles.to_toml(profiles.stored(ws).as_dict()), nl=False)


@profile.command("set")
@click.argument("check")
@click.option("--on/--off", "enabled", default=None, help="Run the check, or not.")
@click.option("--severity", type=click.Choice(SEVERITIES), default=None, help="The check's severity.")
@click.option("--threshold", "thresholds", multiple=True, metavar="NAME=VALUE",
              help="A threshold (length: min_ratio, max_ratio, min_ratio_uneven, max_ratio_uneven, min_persian).")
@ws_option
def profile_set(check: str, enabled: bool | None, severity: str | None, thresholds: tuple[str, ...],
                ws_path: Path) -> None:
    """Turn CHECK on or off, set its severity or thresholds in the workspace's profile."""
    from workbench.qa import profiles
    from workbench.qa.profile import Profile, from_dict

    def how(old: Profile) -> Profile:
        data = old.as_dict()
        entry = data["checks"].setdefault(check, {})
        if enabled is not None:
            entry["enabled"] = enabled
        if severity is not None:
            entry["severity"] = severity
        for item in thresholds:
            name, _, value = item.partition("=")
            try:
                entry[name.strip()] = float(value)
            except ValueError:
                entry[name.strip()] = value  # refused by from_dict, in its words
        return from_dict(data, "profile set")

    with open_workspace(ws_path) as ws:
        profiles.change(ws, how, f"set {check}")
    say(f"QA profile: {check} updated")


@qa.group()
def rules() -> None:
    """Custom checks: regular expressions on the Persian and/or the English, with a message."""


@rules.command("add")
@click.argument("name")
@click.option("--fa", "fa", default="", metavar="REGEX", help="Fires only where the Persian matches.")
@click.option("--en", "en", default="", metavar="REGEX", help="Fires only where the English matches.")
@click.option("--not-en", "not_en", default="", metavar="REGEX", help="Fires only where the English does not match.")
@click.option("--message", required=True, help="What the finding says.")
@click.option("--severity", type=click.Choice(SEVERITIES), default="warning", show_default=True)
@ws_option
def rules_add(name: str, fa: str, en: str, not_en: str, message: str, severity: str, ws_path: Path) -> None:
    """Add (or replace) the rule NAME: its findings' check is NAME."""
    from workbench.qa import profiles
    from workbench.qa.profile import Rule

    rule = Rule(name, message, fa=fa, en=en, not_en=not_en, severity=severity)
    with open_workspace(ws_path) as ws:
        profiles.change(ws, lambda p: p.with_rule(rule), f"rule {name}")
    say(f"added the QA rule {name!r}")


@rules.command("list")
@ws_option
def rules_list(ws_path: Path) -> None:
    """The custom rules, one a line: name, severity, patterns, message."""
    from workbench.qa import profiles
    from workbench.text import printable

    with open_workspace(ws_path) as ws:
        for r in profiles.stored(ws).rules:
            sides = "  ".join(f"{k}={v!r}" for k, v in (("fa", r.fa), ("en", r.en), ("not_en", r.not_en)) if v)
            click.echo(printable(f"{r.name}  {r.severity}  {sides}  {r.message}"))


@rules.command("remove")
@click.argument("name")
@ws_option
def rules_remove(name: str, ws_path: Path) -> None:
    """Remove the rule NAME."""
    from dataclasses import replace

    from workbench.errors import WorkbenchError
    from workbench.qa import profiles
    from workbench.qa.profile import Profile

    def how(old: Profile) -> Profile:
        if all(r.name != name for r in old.rules):
            raise WorkbenchError(f"no QA rule named {name!r}")
        checks = {k: v for k, v in old.checks.items() if k != name}
        return replace(old, checks=checks, rules=tuple(r for r in old.rules if r.name != name))

    with open_workspace(ws_path) as ws:
        profiles.change(ws, how, f"remove rule {name}")
    say(f"removed the QA rule {name!r}")


@qa.group()
def ignore() -> None:
    """Words or patterns whose findings are ignored everywhere, each with a reason."""


@ignore.command("add")
@click.argument("text", metavar="WORD|REGEX")
@click.option("--reason", required=True, help="Why (shown by `list`, kept in the profile file).")
@click.option("--pattern", "is_pattern", is_flag=True, help="TEXT is a regular expression, not a word.")
@click.option("--check", default="", metavar="NAME", help="Only this check's findings (default: every check's).")
@ws_option
def ignore_add(text: str, reason: str, is_pattern: bool, check: str, ws_path: Path) -> None:
    """Ignore every finding whose message holds WORD (whole, case aside) or matches REGEX."""
    from workbench.qa import profiles
    from workbench.qa.profile import PATTERN, WORD, Ignore
    from workbench.store import current_user, now

    item = Ignore(text, PATTERN if is_pattern else WORD, reason, check, current_user(), now())
    with open_workspace(ws_path) as ws:
        profiles.change(ws, lambda p: p.with_ignore(item), f"ignore {text}")
    say(f"ignoring {'pattern' if is_pattern else 'word'} {text!r}" + (f" in {check}" if check else ""))


@ignore.command("list")
@ws_option
def ignore_list(ws_path: Path) -> None:
    """The ignore list, one a line: word or pattern, check, reason, who and when."""
    from workbench.qa import profiles
    from workbench.text import printable

    with open_workspace(ws_path) as ws:
        for i in profiles.stored(ws).ignores:
            click.echo(printable(f"{i.kind}  {i.text!r}  {i.check or 'all checks'}  {i.reason}  {i.who} {i.at}".rstrip()))


@ignore.command("remove")
@click.argument("text", metavar="WORD|REGEX")
@ws_option
def ignore_remove(text: str, ws_path: Path) -> None:
    """Stop ignoring WORD or REGEX (every entry with that text)."""
    from dataclasses import replace

    from workbench.errors import WorkbenchError
    from workbench.qa import profiles
    from workbench.qa.profile import Profile

    def how(old: Profile) -> Profile:
        kept = tuple(i for i in old.ignores if i.text != text)
        if len(kept) == len(old.ignores):
            raise WorkbenchError(f"{text!r} is not in the ignore list")
        return replace(old, ignores=kept)

    with open_workspace(ws_path) as ws:
        profiles.change(ws, how, f"unignore {text}")
    say(f"no longer ignoring {text!r}")


COMMANDS: list[click.Command] = []  # its groups hang under `workbench qa`
