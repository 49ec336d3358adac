#!/usr/bin/env python3
"""Every internal link of the built book resolves: pages, anchors (`#...`) and repository files.

    python3 .ci/check-links.py docs/book      # after `mdbook build docs`; exit 1 on a broken link
    python3 .ci/check-links.py --self-test    # builds a small book with broken links, expects each

Checked, in every HTML file of the book (the sidebar's toc.html and print.html included):
- relative and root-relative `href`/`src`: the file exists inside the book, and a `#fragment`
  is an `id` (or `name`) in the target page;
- links into this repository (https://github.com/catalint/catalint/blob|tree|edit/main/PATH),
  as the pages link to source files: PATH exists in the checkout (a file for blob and edit,
  a folder for tree), so a moved file breaks the build of the book, not a reader's click;
- no `{{#include ...}}` left unexpanded (mdBook warns about a missing file and carries on);
- every page in the book's sources (`src/` beside the built folder) was built: mdBook renders
  only the pages SUMMARY.md links, so a page missing there would be silently left out.
Other URLs (the network) are not fetched: everything here runs offline.
"""
import html.parser
import os
import posixpath
import re
import subprocess
import sys
import tempfile
import urllib.parse

REPO_URL = "https://github.com/catalint/catalint/"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (attribute, value, line)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and tag != "meta" and tag != "input":
                self.ids.add(value)
            elif name == "href" or (name == "src" and tag in ("img", "script", "iframe")):
                self.links.append((name, value, self.getpos()[0]))


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    p.feed(text)
    p.unexpanded = [m.group(0) for m in re.finditer(r"\{\{#[a-z_]+[^}]*\}\}", text)]
    return p


def check(book, repo_root=REPO_ROOT):
    """Returns the broken links of the book built in `book`, as readable lines."""
    book = os.path.abspath(book)
    pages = {}
    for folder, _, files in os.walk(book):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                pages[os.path.relpath(path, book).replace(os.sep, "/")] = parse(path)
    if not pages:
        return [f"{book}: no HTML pages (was the book built?)"]
    problems = []
    src = os.path.join(os.path.dirname(book), "src")
    for folder, _, files in os.walk(src):
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), src).replace(os.sep, "/")
            if name.endswith(".md") and rel != "SUMMARY.md":
                built = rel[: -len(".md")] + ".html"
                if rel == "README.md" or rel.endswith("/README.md"):
                    built = rel[: -len("README.md")] + "index.html"
                if built not in pages:
                    problems.append(f"src/{rel}: not in the book (link it from SUMMARY.md)")
    for rel, page in sorted(pages.items()):
        for text in page.unexpanded:
            problems.append(f"{rel}: `{text}` was not expanded (a missing file?)")
        for attr, value, line in page.links:
            why = resolve(book, rel, value, pages, repo_root)
            if why:
                problems.append(f"{rel}:{line}: {attr}=\"{value}\": {why}")
    return problems


def resolve(book, rel, value, pages, repo_root):
    if value.startswith(REPO_URL):
        return repo_link(value[len(REPO_URL):], repo_root)
    url = urllib.parse.urlsplit(value)
    if url.scheme or url.netloc:
        return None  # another site: not fetched
    path = urllib.parse.unquote(url.path)
    if path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/")) if path != "/" else ""
    elif path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    else:
        target = rel
    if target in ("", "."):
        target = "index.html"
    if target.startswith("../") or target == "..":
        return "points outside the book"
    full = os.path.join(book, target)
    if os.path.isdir(full):
        target = posixpath.join(target, "index.html")
        full = os.path.join(book, target)
    if not os.path.isfile(full):
        return f"no such file in the book ({target})"
    if url.fragment:
        page = pages.get(target)
        if page is None:
            return f"an anchor into {target}, which is not a page"
        if urllib.parse.unquote(url.fragment) not in page.ids:
            return f"no anchor #{url.fragment} in {target}"
    return None


def repo_link(rest, repo_root):
    m = re.match(r"(blob|tree|edit)/main/([^?#]*)", rest)
    if not m:
        return None  # releases, compare, issues: not files of the checkout
    kind, path = m.group(1), urllib.parse.unquote(m.group(2)).rstrip("/")
    full = os.path.join(repo_root, path)
    if kind == "tree":
        return None if os.path.isdir(full) else f"no folder {path} in the repository"
    return None if os.path.isfile(full) else f"no file {path} in the repository"


def self_test():
    """A real mdBook build of a book with one link of each kind broken, and the same kinds
    whole: the checker must name exactly the broken ones."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "sub"))
        files = {
            "book.toml": '[book]\ntitle = "t"\n[build]\ncreate-missing = false\n',
            "src/SUMMARY.md": "# Summary\n\n- [A](a.md)\n- [B](sub/b.md)\n",
            "src/a.md": "# A\n\n## Part two\n\n"
            "[ok page](sub/b.md) [ok anchor](sub/b.md#b-heading) [ok here](#part-two)\n"
            f"[ok file]({REPO_URL}blob/main/.ci/run) [ok folder]({REPO_URL}tree/main/.ci)\n"
            "[other site](https://example.com/nothing)\n\n"
            "[BROKEN1](missing.md) [BROKEN2](sub/b.md#no-such-heading) [BROKEN3](#nowhere)\n"
            f"[BROKEN4]({REPO_URL}blob/main/src/no-such-file.rs) "
            f"[BROKEN5]({REPO_URL}tree/main/.ci/run)\n\n"
            "{{#include no-such-include.md}}\n",
            "src/sub/b.md": "# B heading\n\n[ok up](../a.md#part-two) [BROKEN6](../a.md#part-three)\n",
            "src/orphan.md": "# Not in SUMMARY.md\n",
        }
        for name, text in files.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        subprocess.run(["mdbook", "build", tmp], check=True, capture_output=True)
        problems = check(os.path.join(tmp, "book"), repo_root=REPO_ROOT)
    text = "\n".join(problems)
    expected = {
        "BROKEN1": "missing.html",
        "BROKEN2": "#no-such-heading",
        "BROKEN3": "#nowhere",
        "BROKEN4": "src/no-such-file.rs",
        "BROKEN5": "no folder .ci/run",
        "BROKEN6": "#part-three",
        "include": "no-such-include.md",
        "orphan": "src/orphan.md: not in the book",
    }
    failed = [f"{what}: not reported" for what, needle in expected.items() if needle not in text]
    # Each broken link appears on the page and in print.html; nothing else may be reported.
    extra = [p for p in problems if not any(n in p for n in expected.values())]
    failed += [f"reported a good link: {p}" for p in extra]
    if failed:
        print("link checker self-test FAILED:\n  " + "\n  ".join(failed))
        print("what it reported:\n  " + text.replace("\n", "\n  "))
        return 1
    print(f"link checker self-test: ok ({len(expected)} kinds of broken link caught, no false alarm)")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(argv[1])
    if problems:
        print(f"{len(problems)} problem(s) in the book:")
        for p in problems:
            print("  " + p)
        print("(a page <p>.html is docs/src/<p>.md; a repository link must name a file of this checkout)")
        return 1
    count = sum(1 for _, _, fs in os.walk(argv[1]) for f in fs if f.endswith(".html"))
    print(f"book links: ok ({count} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
