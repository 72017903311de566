#!/usr/bin/env python3
"""Writes docker-compose.yml into Sources/InDoubt/Cluster/Compose/ComposeFile+Text.swift,
the harness's embedded copy (a unit test fails while the two differ).
Usage: python3 ci/sync-compose-text.py"""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "docker-compose.yml").read_text()
assert '"""#' not in text and "\\#" not in text, "docker-compose.yml would end the raw string literal"
swift = (
    "// Generated from docker-compose.yml by ci/sync-compose-text.py: edit the YAML, then run it.\n"
    "extension ComposeFile {\n"
    "    /// The text of the repository's `docker-compose.yml`, which the harness passes to\n"
    "    /// `docker compose --file -`, so that a built `indoubt` needs no checkout beside it.\n"
    "    /// A unit test keeps it identical to the file.\n"
    '    public static let text = #"""\n' + text + '\n"""#\n'
    "}\n"
)
(root / "Sources/InDoubt/Cluster/Compose/ComposeFile+Text.swift").write_text(swift)
