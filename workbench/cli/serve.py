"""``workbench serve``: the review app in the team's browsers (docs/serve.md)."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.base import FILE, say, ws_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; one that is not loopback needs at least one user (workbench users add).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: one the system picks; the URL printed names it).")
@click.option("--certfile", type=FILE, default=None, help="TLS certificate (PEM) to serve https.")
@click.option("--keyfile", type=FILE, default=None, help="TLS private key (PEM), if not in --certfile.")
@click.option("--public-url", default=None,
              help="The URL browsers use, behind a reverse proxy (e.g. https://review.example.org).")
@ws_option
def serve(host: str, port: int, certfile: Path | None, keyfile: Path | None, public_url: str | None,
          ws_path: Path) -> None:
    """Serve the review app to browsers: each signed-in editor gets their own session of the app on
    the workspace, their changes logged under their name. Every request needs a user's name and
    password (HTTP Basic); Ctrl+C closes the sessions (open edits are kept as dropped edits) and stops."""
    from workbench.serve.run import Options
    from workbench.serve.run import serve as run

    if keyfile is not None and certfile is None:
        raise click.UsageError("--keyfile needs --certfile")
    options = Options(ws=ws_path, host=host, port=port, certfile=certfile, keyfile=keyfile, public_url=public_url)
    run(options, warn=lambda line: say(f"workbench: warning: {line}", err=True), say=say)


COMMANDS = [serve]
