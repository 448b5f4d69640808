"""Soak runs for reliability: concurrent writers, concurrent first imports, kill -9 at random
moments. `make test` runs them with small counts (tests/test_reliability.py, test_concurrency.py);
bench/soak.py runs them long."""

from __future__ import annotations

import json
import multiprocessing
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.devdata import TICO
from tests.synthetic import write_tmx
from workbench.errors import EditConflict, WorkbenchError
from workbench.store import NewPair, Workspace
from workbench.store.maintenance import check

WORKBENCH = str(Path(sys.executable).parent / "workbench")


@dataclass
class WriterLog:
    who: str
    accepted: list[dict]  # this writer's accepted edits: history id, pairs it based them on, read mark
    conflicts: int


def seed_workspace(path: Path, pairs: int = 200) -> None:
    with Workspace(path) as ws:
        doc = ws.add_document("soak")
        ws.insert_pairs(doc.id, [
            NewPair(fa=[f"جمله {i}.", f"بخش {i}."], en=[f"Sentence {i}.", f"Part {i}."], status="review")
            for i in range(pairs)
        ])


def _last_entry(ws: Workspace, who: str | None = None) -> int:
    sql, args = "SELECT COALESCE(MAX(id), 0) FROM history", []
    if who is not None:
        sql, args = sql + " WHERE who = ?", [who]
    return ws.conn.execute(sql, args).fetchone()[0]


def _writer(path: str, who: str, seed: int, ops: int, out: str) -> None:
    """An editor's session: read a pair (and its neighbour), think, change it naming the versions
    read. Every accepted edit records what it was based on, so a lost update shows."""
    rng = random.Random(seed)
    accepted: list[dict] = []
    conflicts = 0
    with Workspace(Path(path)) as ws:
        for i in range(ops):
            ids = [r[0] for r in ws.conn.execute("SELECT id FROM pairs WHERE id % 4 = 0")] or [
                r[0] for r in ws.conn.execute("SELECT id FROM pairs")]  # a hot subset: more collisions
            ws.conn.execute("BEGIN")  # one snapshot: the pairs as of the last entry read
            mark = _last_entry(ws)
            pair = ws.pair(rng.choice(ids))
            nxt = ws.neighbour(pair, 1)
            ws.conn.execute("COMMIT")
            seen = {pair.id: pair.version, **({nxt.id: nxt.version} if nxt else {})}
            time.sleep(rng.uniform(0, 0.002))  # an editor reads before saving: room for the other to interfere
            mine = _last_entry(ws, who)
            op = rng.random()
            based_on = {pair.id: pair.version}
            try:
                if op < 0.2:
                    ws.edits.set_status(pair.id, rng.choice(["approved", "rejected", "review"]), who=who,
                                  expected_version=pair.version)
                elif op < 0.4:
                    ws.edits.set_english(pair.id, f"{who} edit {i}.", who=who, expected_version=pair.version)
                elif op < 0.45:
                    ws.edits.set_note(pair.id, f"{who} note {i}", "ask the client", who=who, expected_version=pair.version)
                elif op < 0.5:
                    ws.edits.set_persian(pair.id, f"ویرایش {who} {i}.", who=who, expected_version=pair.version)
                elif op < 0.6 and pair.n_fa + pair.n_en > 2:
                    ws.structure.split(pair.id, 1, min(1, pair.n_en), who=who, expected_version=pair.version)
                elif op < 0.68 and nxt is not None:
                    ws.structure.merge_with_next(pair.id, who=who, expected_version=pair.version, seen=seen)
                    based_on = seen
                elif op < 0.76 and nxt is not None and pair.n_en:
                    ws.structure.shift_english(pair.id, 1, who=who, expected_version=pair.version, seen=seen)
                    based_on = seen
                elif op < 0.78:
                    ws.edits.approve_through(pair.id, who=who, expected_version=pair.version)
                elif op < 0.9:
                    if ws.history.undo(who=who) is None:
                        continue
                    based_on = {}
                else:
                    if ws.history.redo(who=who) is None:
                        continue
                    based_on = {}
            except EditConflict:
                conflicts += 1
                continue
            except WorkbenchError:
                continue  # e.g. a pair merged away by the other writer meanwhile
            entry = _last_entry(ws, who)
            if entry != mine:  # a change that changed nothing (approving an approved pair) logs nothing
                accepted.append({"entry": entry, "read": mark, "based_on": based_on})
    Path(out).write_text(json.dumps({"who": who, "accepted": accepted, "conflicts": conflicts}))


def run_writers(path: Path, writers: int = 2, ops: int = 200, seed: int = 1) -> list[WriterLog]:
    """Writers in separate processes editing one workspace at once."""
    ctx = multiprocessing.get_context("spawn")
    procs, outs = [], []
    for w in range(writers):
        out = path.with_name(f"{path.name}.writer{w}.json")
        outs.append(out)
        procs.append(ctx.Process(target=_writer, args=(str(path), f"editor{w}", seed + w, ops, str(out))))
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"writer exited with {p.exitcode}")
    return [WriterLog(**json.loads(o.read_text())) for o in outs]


def verify_writers(path: Path, logs: list[WriterLog]) -> list[str]:
    """Problems found: accepted edits missing from history; lost updates (an accepted edit based
    on a version some other change had replaced: it overwrote that change unseen); failed checks."""
    problems = []
    with Workspace(path) as ws:
        for log in logs:
            entries = [a["entry"] for a in log.accepted]
            stored = {r[0] for r in ws.conn.execute("SELECT id FROM history WHERE who = ?", [log.who])}
            missing = [h for h in entries if h not in stored]
            if missing or len(set(entries)) != len(entries):
                problems.append(f"{log.who}: {len(missing)} accepted edits missing from history")
            lost = 0
            for edit in log.accepted:
                for pid in edit["based_on"]:
                    lost += ws.conn.execute(
                        "SELECT COUNT(*) FROM history h WHERE h.id > ? AND h.id < ? AND EXISTS "
                        "(SELECT 1 FROM json_each(h.pair_ids) WHERE value = ?)",
                        [edit["read"], edit["entry"], int(pid)]).fetchone()[0] > 0
            if lost:
                problems.append(f"{log.who}: {lost} accepted edits overwrote a change made after they read the pair")
        problems += [f"check {c.name}: {c.detail}" for c in check(ws) if not c.ok]
    return problems


def kill_during(args: list[str], after: float, cwd: Path) -> int:
    """Start ``workbench ARGS``, SIGKILL it after ``after`` seconds; returns its exit status."""
    proc = subprocess.Popen([WORKBENCH, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


def kill_rounds(folder: Path, rounds: int = 5, units: int = 60_000, seed: int = 7) -> list[str]:
    """kill -9 during import and export at random moments; after each, the workspace passes its
    checks, holds the document whole or not at all, and a rerun completes without duplicates."""
    rng = random.Random(seed)
    tmx = folder / "big.tmx"
    write_tmx(tmx, units)
    ws_path = folder / "ws.sqlite"
    out = folder / "out.jsonl"
    problems = []
    for r in range(rounds):
        kill_during(["import", str(tmx), "--ws", str(ws_path), "--doc", "big"], rng.uniform(0.3, 3.0), folder)
        with Workspace(ws_path) as ws:
            n = ws.count_pairs()
            if n not in (0, units):
                problems.append(f"round {r}: import left {n} of {units} pairs")
            problems += [f"round {r} import: {c.name}: {c.detail}" for c in check(ws) if not c.ok]
        if n == 0:
            done = subprocess.run([WORKBENCH, "import", str(tmx), "--ws", str(ws_path), "--doc", "big"],
                                  cwd=folder, capture_output=True, text=True)
            if done.returncode != 0:
                problems.append(f"round {r}: rerun import failed: {done.stderr.strip()}")
        previous = out.read_bytes() if out.exists() else None
        kill_during(["export", "--format", "jsonl", "--status", "all", "-o", str(out), "--ws", str(ws_path)],
                    rng.uniform(0.2, 2.0), folder)
        if out.exists():
            lines = out.read_bytes().count(b"\n")
            if out.read_bytes() != previous and lines != units:
                problems.append(f"round {r}: export left a file of {lines} lines")
        with Workspace(ws_path) as ws:
            if ws.count_pairs() != units:
                problems.append(f"round {r}: workspace holds {ws.count_pairs()} pairs, expected {units}")
        status = subprocess.run([WORKBENCH, "status", "--ws", str(ws_path)], cwd=folder,
                                capture_output=True, text=True)
        if status.returncode != 0:
            problems.append(f"round {r}: status failed: {status.stderr.strip()}")
        ws_path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{ws_path}{suffix}").unlink(missing_ok=True)
    return problems


def kill_align_rounds(folder: Path, rounds: int = 3, sentences: int = 3000, seed: int = 5) -> list[str]:
    """kill -9 during `workbench align`: the document keeps all its sentences, in order, either
    as before or fully realigned, and the workspace passes its checks."""
    from workbench.align.devset import scramble, tico_documents

    rng = random.Random(seed)
    pairs = [p for doc in tico_documents(TICO).values() for p in doc]
    doc = scramble("soak", [pairs[rng.randrange(len(pairs))] for _ in range(sentences)], seed=seed)
    fa, en = folder / "doc.fa.txt", folder / "doc.en.txt"
    fa.write_text("\n".join(doc.fa) + "\n", encoding="utf-8")
    en.write_text("\n".join(doc.en) + "\n", encoding="utf-8")
    ws_path = folder / "align.sqlite"
    problems = []
    subprocess.run([WORKBENCH, "import", str(fa), "--translation", str(en), "--ws", str(ws_path), "--doc", "d"],
                   cwd=folder, check=True, capture_output=True)
    with Workspace(ws_path) as ws:
        expected = ([s.text for s in ws.document_sentences(1, "fa")], [s.text for s in ws.document_sentences(1, "en")])
        ids = [p.id for p in ws.pairs()]
        for pid in ids[: len(ids) // 3]:  # move the English out of place so a realign has work to do
            if ws.pair(pid).n_en:
                ws.structure.shift_english(pid, +1)
    for r in range(rounds):
        kill_during(["align", "--ws", str(ws_path)], rng.uniform(0.5, 4.0), folder)
        with Workspace(ws_path) as ws:
            got = ([s.text for s in ws.document_sentences(1, "fa")], [s.text for s in ws.document_sentences(1, "en")])
            if got != expected:
                problems.append(f"align round {r}: the document's sentences changed")
            problems += [f"align round {r}: {c.name}: {c.detail}" for c in check(ws) if not c.ok]
    return problems


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([WORKBENCH, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def import_rounds(folder: Path, rounds: int = 30, importers: int = 3, units: int = 2000,
                  failing: bool = True, seed: int = 3) -> tuple[list[str], int]:
    """Each round, ``importers`` processes import a different corpus into the same new workspace at
    once (with ``failing``, one more imports a file that is refused); every good import must
    succeed and be found whole afterwards, the refused one must leave nothing, and the workspace
    must pass `workbench check`. Returns the problems and how many imports succeeded."""
    rng = random.Random(seed)
    sources = []
    for i in range(importers):
        tmx = folder / f"corpus{i}.tmx"
        write_tmx(tmx, units + i, seed=seed + i)
        sources.append(tmx)
    bad = folder / "broken.tmx"  # malformed at the end: the reader fails after storing some units
    bad.write_text(sources[0].read_text(encoding="utf-8").replace("</body></tmx>", "<tu>"), encoding="utf-8")
    problems: list[str] = []
    succeeded = 0
    for r in range(rounds):
        ws = folder / f"round{r}" / "ws.sqlite"
        jobs = [(f"doc{i}", tmx, units + i) for i, tmx in enumerate(sources)]
        if failing:
            jobs.insert(rng.randrange(len(jobs) + 1), ("broken", bad, 0))
        procs = [(name, expected, _start(["import", str(tmx), "--ws", str(ws), "--doc", name], folder))
                 for name, tmx, expected in jobs]
        expected_docs = {}
        for name, expected, proc in procs:
            _, err = proc.communicate()
            if expected == 0:
                if proc.returncode != 1 or err.count("\n") != 1:
                    problems.append(f"round {r}: the broken import exited {proc.returncode}: {err.strip()!r}")
            elif proc.returncode != 0:
                problems.append(f"round {r}: import of {name} failed: {err.strip()}")
            else:
                succeeded += 1
                expected_docs[name] = expected
        if not ws.exists():
            problems.append(f"round {r}: the workspace is gone" + (" (after imports reported success)"
                                                                   if expected_docs else ""))
            continue
        with Workspace(ws, create=False) as w:
            found = {doc.name: w.count_pairs(doc.id) for doc in w.documents()}
        for name, expected in expected_docs.items():
            if found.get(name) != expected:
                problems.append(f"round {r}: {name} reported success but holds {found.get(name)} of {expected} pairs")
        if "broken" in found:
            problems.append(f"round {r}: the refused import left a document of {found['broken']} pairs")
        checked = subprocess.run([WORKBENCH, "check", "--ws", str(ws)], cwd=folder, capture_output=True, text=True)
        if checked.returncode != 0:
            problems.append(f"round {r}: check failed: {checked.stdout.strip()} {checked.stderr.strip()}")
    return problems, succeeded
