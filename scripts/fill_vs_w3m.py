#!/usr/bin/env python3
"""kanbao vs w3m on the same posts at one width: textcheck counts and average fill.

Usage: scripts/fill_vs_w3m.py [CORPUS] [--width N] [--tools DIR] [--keep DIR]

CORPUS defaults to ../shared/corpus/finews, --width to 40, --tools (where textcheck.py
lives) to ../shared/tools, all relative to the repository root.

Both renderers start from the same HTML: `examples/body_html.rs` writes what kanbao's
Markdown stage (`kanbao::render::markdown::to_html`) makes of each body, and w3m renders
that (`w3m -dump -cols N -T text/html`). kanbao's rows are `kanbao show ID CORPUS
--width N`, without the title block (everything up to the first full-width rule) and
without the link list at the end, so both sides are the body only.

Printed figures:
  * textcheck.py's counts over all bodies, for each renderer;
  * average fill: the mean, over rows that are followed by another row of the same
    paragraph, of row display width / N. A paragraph is a run of non-blank rows; a row
    that starts a list item (`•`, `*`, `-`, `1.`) starts a new paragraph; runs with table
    borders or code-box rows are left out. The last row of a paragraph is not counted
    (it is short by nature), nor are blank rows.

Needs w3m and cargo on PATH (set CARGO_TARGET_DIR as usual). Nothing is written to the
repository; the HTML and the rendered rows go to a temporary folder (or --keep DIR).
"""
import argparse
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ITEM = re.compile(r"^(?:[│>]\s*)*(?:[•*\-]\s|\d+\.\s)")
BOX = set("┌┬┐├┼┤└┴┘│")


def load_textcheck(tools):
    spec = importlib.util.spec_from_file_location("textcheck", os.path.join(tools, "textcheck.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cargo_bin(args, **kw):
    return subprocess.run(["cargo", "run", "-q", "--release", *args], cwd=ROOT, check=True, **kw)


def kanbao_body(exe, post_id, corpus, width):
    out = subprocess.run([exe, "show", post_id, corpus, "--width", str(width)],
                         check=True, capture_output=True, text=True).stdout
    rows = out.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    rule = "─" * width
    start = rows.index(rule) + 1 if rule in rows else 0
    body = rows[start:]
    # The link list: a blank row, a short rule, then `[n] url` rows to the end.
    for i in range(len(body) - 1):
        if body[i] == "" and re.fullmatch(r"─{1,8}", body[i + 1] or "") and (
            i + 2 >= len(body) or body[i + 2].startswith("[1] ")
        ):
            body = body[:i]
            break
    return body


def w3m_body(path, width):
    out = subprocess.run(
        ["w3m", "-dump", "-cols", str(width), "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8", path],
        check=True, capture_output=True, text=True, env={**os.environ, "LANG": "C.UTF-8"},
    ).stdout
    rows = out.split("\n")
    while rows and rows[-1].strip() == "":
        rows.pop()
    while rows and rows[0].strip() == "":
        rows.pop(0)
    return rows


def paragraphs(rows):
    """Runs of rows that belong to one paragraph."""
    runs, cur = [], []
    for r in rows:
        if r.strip() == "":
            if cur:
                runs.append(cur)
            cur = []
            continue
        if ITEM.match(r.strip()) and cur:
            runs.append(cur)
            cur = []
        cur.append(r)
    if cur:
        runs.append(cur)
    return [p for p in runs if not any(r.strip()[:1] in BOX or r.startswith("   ") for r in p)]


def fill(all_rows, width, wcswidth):
    widths = [wcswidth(r.rstrip()) for rows in all_rows for p in paragraphs(rows) for r in p[:-1]]
    return (sum(widths) / len(widths) / width if widths else 0.0), len(widths)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=os.path.join(ROOT, "..", "shared", "corpus", "finews"))
    ap.add_argument("--width", type=int, default=40)
    ap.add_argument("--tools", default=os.path.join(ROOT, "..", "shared", "tools"))
    ap.add_argument("--keep", help="write the HTML and the rendered rows here")
    a = ap.parse_args()
    tc = load_textcheck(a.tools)
    corpus = os.path.abspath(a.corpus)
    work = a.keep or tempfile.mkdtemp(prefix="fill_vs_w3m.")
    html_dir = os.path.join(work, "html")
    cargo_bin(["--example", "body_html", "--", html_dir, corpus], stderr=subprocess.DEVNULL)
    cargo_bin(["--bin", "kanbao", "--", "--help"], stdout=subprocess.DEVNULL)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    exe = os.path.join(target, "release", "kanbao")

    ids = sorted(f[:-5] for f in os.listdir(html_dir) if f.endswith(".html"))
    ours, theirs = [], []
    for post_id in ids:
        ours.append(kanbao_body(exe, post_id, corpus, a.width))
        theirs.append(w3m_body(os.path.join(html_dir, post_id + ".html"), a.width))
    if a.keep:
        for name, rows in (("kanbao", ours), ("w3m", theirs)):
            with open(os.path.join(work, f"{name}.txt"), "w", encoding="utf-8") as fh:
                fh.write("\n\n".join("\n".join(r) for r in rows) + "\n")

    print(f"{len(ids)} posts, width {a.width}")
    for name, rows in (("kanbao", ours), ("w3m", theirs)):
        # textcheck per post (its word-split rule looks at the next row), summed.
        total = {}
        n_rows = 0
        for r in rows:
            counts, _ = tc.check(r, a.width)
            n_rows += len(r)
            for k, v in counts.items():
                total[k] = total.get(k, 0) + v
        f, n = fill(rows, a.width, tc.wcswidth)
        summary = " ".join(f"{k}={v}" for k, v in total.items())
        print(f"{name:7} rows={n_rows} {summary} total={sum(total.values())}")
        print(f"{name:7} fill={f:.3f} over {n} non-final paragraph rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
