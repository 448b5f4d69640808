"""QA profiles: which checks run, each check's severity and thresholds, the workspace's custom
regular-expression rules and its ignore list — one record, kept in the workspace
(``qa_profile_log``: its newest row is the profile, its id part of the cache revision) and shared
as a TOML or JSON file (profile_file.py). ``workbench qa --profile FILE`` runs with a file's.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from workbench.errors import WorkbenchError
from workbench.qa import CHECKS, DEFAULT_SEVERITY, LENGTH, SEVERITIES, Finding

# Thresholds a profile may set, with their defaults (the checks' own constants).
THRESHOLDS: dict[str, dict[str, float]] = {
    LENGTH: {"min_ratio": 0.5, "max_ratio": 2.0, "min_ratio_uneven": 0.4, "max_ratio_uneven": 2.5,
             "min_persian": 20},
}
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
WORD, PATTERN = "word", "pattern"


@dataclass(frozen=True)
class CheckSetting:
    enabled: bool = True
    severity: str | None = None  # None: the check's default
    thresholds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """A custom check: fires when every pattern given holds — ``fa`` found in the Persian, ``en``
    found in the English, ``not_en`` not found in the English. Its name is the finding's check."""

    name: str
    message: str
    fa: str = ""
    en: str = ""
    not_en: str = ""
    severity: str = "warning"

    @cached_property
    def compiled(self) -> tuple[re.Pattern[str] | None, ...]:
        return tuple(re.compile(p) if p else None for p in (self.fa, self.en, self.not_en))

    def find(self, fa: str, en: str) -> Finding | None:
        in_fa, in_en, not_en = self.compiled
        if in_fa is not None and not in_fa.search(fa):
            return None
        hit = in_en.search(en) if in_en is not None else None
        if in_en is not None and hit is None:
            return None
        if not_en is not None and not_en.search(en):
            return None
        return Finding(self.name, f"{self.message}: '{hit.group()}'" if hit and hit.group() else self.message)


@dataclass(frozen=True)
class Ignore:
    """A word or regular expression whose findings are ignored everywhere (of one check, or all):
    a finding is left out when its message holds the word (whole, case aside) or matches."""

    text: str
    kind: str = WORD  # WORD or PATTERN
    reason: str = ""
    check: str = ""  # "" for every check
    who: str = ""
    at: str = ""

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        if self.kind == PATTERN:
            return re.compile(self.text)
        return re.compile(rf"(?<!\w){re.escape(self.text)}(?!\w)", re.IGNORECASE)

    def covers(self, finding: Finding) -> bool:
        return (not self.check or self.check == finding.check) and self.compiled.search(finding.message) is not None


@dataclass(frozen=True)
class Profile:
    checks: dict[str, CheckSetting] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    ignores: tuple[Ignore, ...] = ()

    def enabled(self, check: str) -> bool:
        setting = self.checks.get(check)
        return setting is None or setting.enabled

    def severity(self, check: str) -> str:
        setting = self.checks.get(check)
        if setting is not None and setting.severity:
            return setting.severity
        rule = next((r for r in self.rules if r.name == check), None)
        return rule.severity if rule is not None else DEFAULT_SEVERITY.get(check, "warning")

    def threshold(self, check: str, name: str) -> float:
        setting = self.checks.get(check)
        return setting.thresholds.get(name, THRESHOLDS[check][name]) if setting else THRESHOLDS[check][name]

    def custom(self, fa: str, en: str) -> list[Finding]:
        """The custom rules' findings on a pair."""
        return [f for r in self.rules if self.enabled(r.name) and (f := r.find(fa, en)) is not None]

    def keep(self, findings: list[Finding]) -> list[Finding]:
        """The findings of enabled checks that no ignore covers."""
        return [f for f in findings if self.enabled(f.check) and not any(i.covers(f) for i in self.ignores)]

    def names(self) -> tuple[str, ...]:
        """Every check name a finding may carry: the built-in ones and the rules'."""
        return CHECKS + tuple(r.name for r in self.rules)

    def as_dict(self) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        for name, s in self.checks.items():
            entry: dict[str, Any] = {"enabled": s.enabled}
            if s.severity:
                entry["severity"] = s.severity
            checks[name] = entry | dict(s.thresholds)
        rules = [{k: v for k, v in vars(r).items() if v and k != "compiled"} for r in self.rules]
        ignores = [{k: v for k, v in vars(i).items() if v and k != "compiled"} for i in self.ignores]
        return {"checks": checks, "rules": rules, "ignore": ignores}

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.as_dict(), sort_keys=True).encode()).hexdigest()[:16]

    def with_rule(self, rule: Rule) -> Profile:
        validate_rule(rule, self.checks)
        return replace(self, rules=tuple(r for r in self.rules if r.name != rule.name) + (rule,))

    def with_ignore(self, ignore: Ignore) -> Profile:
        validate_ignore(ignore, self)
        same = (ignore.text, ignore.kind, ignore.check)
        return replace(self, ignores=tuple(i for i in self.ignores if (i.text, i.kind, i.check) != same) + (ignore,))


DEFAULT = Profile()
_QUOTED = re.compile(r"«([^»]+)»|`([^`]+)`|'([^']+)'")


def named_text(finding: Finding) -> str | None:
    """What a finding's message names (the word, term or token quoted first): what "ignore all
    like this" offers to ignore."""
    m = _QUOTED.search(finding.message)
    return next(g for g in m.groups() if g) if m else None


def from_dict(data: Any, source: str) -> Profile:
    """A profile from a file's or the store's dictionary; anything wrong is refused in one line
    naming ``source`` and the place."""
    if not isinstance(data, dict):
        raise WorkbenchError(f"{source}: a QA profile is a table of 'checks', 'rules' and 'ignore'")
    unknown = set(data) - {"checks", "rules", "ignore"}
    if unknown:
        raise WorkbenchError(f"{source}: unknown key {sorted(unknown)[0]!r} (a profile has checks, rules, ignore)")
    rules = tuple(_rule(r, f"{source}: rules[{n}]") for n, r in enumerate(_list(data, "rules", source)))
    checks = {name: _setting(name, s, f"{source}: checks.{name}", {r.name for r in rules})
              for name, s in _table(data.get("checks", {}), "checks", source).items()}
    profile = Profile(checks, ())
    for rule in rules:
        try:
            profile = profile.with_rule(rule)
        except WorkbenchError as e:
            raise WorkbenchError(f"{source}: {e}") from None
    for n, raw in enumerate(_list(data, "ignore", source)):
        where = f"{source}: ignore[{n}]"
        item = _table(raw, f"ignore[{n}]", source)
        _only(item, {"text", "kind", "reason", "check", "who", "at"}, where)
        ignore = Ignore(**{k: _string(item, k, where) for k in item})
        try:
            profile = profile.with_ignore(ignore)
        except WorkbenchError as e:
            raise WorkbenchError(f"{where}: {e}") from None
    return profile


def validate_rule(rule: Rule, checks: dict[str, CheckSetting] | None = None) -> None:
    if not _NAME.fullmatch(rule.name):
        raise WorkbenchError(f"rule name {rule.name!r}: lower-case letters, digits, '-' and '_'")
    if rule.name in CHECKS:
        raise WorkbenchError(f"rule name {rule.name!r} is a built-in check's")
    if not rule.message.strip():
        raise WorkbenchError(f"rule {rule.name!r}: no message")
    if not (rule.fa or rule.en):
        raise WorkbenchError(f"rule {rule.name!r}: give a Persian or an English pattern (fa or en)")
    if rule.severity not in SEVERITIES:
        raise WorkbenchError(f"rule {rule.name!r}: severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
    for side, pattern in (("fa", rule.fa), ("en", rule.en), ("not_en", rule.not_en)):
        _compiles(pattern, f"rule {rule.name!r}: {side} pattern")


def validate_ignore(ignore: Ignore, profile: Profile) -> None:
    if not ignore.text.strip():
        raise WorkbenchError("nothing to ignore: the word or pattern is empty")
    if ignore.kind not in (WORD, PATTERN):
        raise WorkbenchError(f"ignore kind {ignore.kind!r} is not 'word' or 'pattern'")
    if ignore.check and ignore.check not in profile.names():
        raise WorkbenchError(f"no check named {ignore.check!r}")
    if ignore.kind == PATTERN:
        _compiles(ignore.text, "ignore pattern")


def _compiles(pattern: str, what: str) -> None:
    try:
        re.compile(pattern)
    except re.error as e:
        raise WorkbenchError(f"{what} {pattern!r} is not a regular expression: {e}") from None


def _setting(name: str, raw: Any, where: str, rule_names: set[str]) -> CheckSetting:
    if name not in CHECKS and name not in rule_names:
        raise WorkbenchError(f"{where}: no check named {name!r}")
    item = _table(raw, where.rpartition(": ")[2], where.partition(": ")[0])
    allowed = THRESHOLDS.get(name, {})
    _only(item, {"enabled", "severity", *allowed}, where)
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        raise WorkbenchError(f"{where}: enabled is true or false")
    severity = item.get("severity")
    if severity is not None and severity not in SEVERITIES:
        raise WorkbenchError(f"{where}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    thresholds = {}
    for key in allowed:
        if key in item:
            value = item[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise WorkbenchError(f"{where}: {key} is a number ≥ 0")
            thresholds[key] = float(value)
    return CheckSetting(enabled, severity, thresholds)


def _rule(raw: Any, where: str) -> Rule:
    item = _table(raw, where.rpartition(": ")[2], where.partition(": ")[0])
    _only(item, {"name", "message", "fa", "en", "not_en", "severity"}, where)
    values = {k: _string(item, k, where) for k in item}
    if "name" not in values or "message" not in values:
        raise WorkbenchError(f"{where}: a rule needs a name and a message")
    return Rule(**values)


def _table(raw: Any, what: str, source: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise WorkbenchError(f"{source}: {what} is not a table")
    return raw


def _list(data: dict[str, Any], key: str, source: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise WorkbenchError(f"{source}: {key} is not a list")
    return value


def _only(item: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = set(item) - allowed
    if extra:
        raise WorkbenchError(f"{where}: unknown key {sorted(extra)[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _string(item: dict[str, Any], key: str, where: str) -> str:
    value = item[key]
    if not isinstance(value, str):
        raise WorkbenchError(f"{where}: {key} is not a string")
    return value
