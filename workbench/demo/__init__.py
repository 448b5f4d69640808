"""The bundled demo: a Persian news article and the English translation the team wrote for it.

Source of the article: see README.md beside this file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from workbench.ingest import ImportResult, import_file
from workbench.store import Workspace

DEMO_DOC = "putin-kazakhstan-visit"
DEFAULT_PATH = Path("alignments") / "demo.sqlite"


def demo_files() -> tuple[Path, Path]:
    """Paths of the bundled Persian article and its English translation."""
    folder = Path(str(resources.files(__package__)))
    return folder / f"{DEMO_DOC}.fa.txt", folder / f"{DEMO_DOC}.en.txt"


def build_demo(path: Path, *, reset: bool = False) -> tuple[Workspace, ImportResult | None]:
    """Open the demo workspace, importing the article with its translation if it is not there
    yet (an existing demo keeps the editors' work unless ``reset``)."""
    if reset and path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    ws = Workspace(path, create=True)
    if ws.find_document(DEMO_DOC):
        return ws, None
    fa, en = demo_files()
    return ws, import_file(ws, fa, translation=en, doc=DEMO_DOC)
