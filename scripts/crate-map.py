#!/usr/bin/env python3
"""The workspace's crate map as Graphviz DOT, from `cargo metadata`: one node per workspace crate,
an edge for each dependency between them (solid: normal or build, dashed: dev only).

    scripts/crate-map.py            print the DOT
    scripts/crate-map.py --check F  fail if F differs from what the workspace says now
"""

import json
import subprocess
import sys

RINGS = {
    "prosektor-domain": "core",
    "prosektor-application": "core",
}


def workspace_edges():
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    names = {package["name"] for package in metadata["packages"]}
    edges = {}
    for package in metadata["packages"]:
        for dependency in package["dependencies"]:
            if dependency["name"] not in names:
                continue
            key = (package["name"], dependency["name"])
            dev_only = dependency["kind"] == "dev"
            edges[key] = edges.get(key, True) and dev_only
    return sorted(names), edges


def dot():
    names, edges = workspace_edges()
    lines = [
        "digraph crates {",
        "  rankdir=BT;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fillcolor="#ffffff"];',
        '  edge [color="#555555"];',
    ]
    for name in names:
        fill = "#d9ead3" if RINGS.get(name) == "core" else "#ffffff"
        lines.append(f'  "{name}" [fillcolor="{fill}"];')
    for (source, target), dev_only in sorted(edges.items()):
        style = ' [style=dashed, color="#999999"]' if dev_only else ""
        lines.append(f'  "{source}" -> "{target}"{style};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    current = dot()
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as committed:
            if committed.read() != current:
                sys.exit(f"{sys.argv[2]} is out of date: run `make crate-map`")
        return
    sys.stdout.write(current)


if __name__ == "__main__":
    main()
