#!/usr/bin/env python3
"""Checks that a reader can follow the repository's documentation without leaving it.

    docs_check.py ROOT

Reads every text file below ROOT except .git and the top-level build* folders, and reports:

- a mention of the project's old external contract files, outside docs/ (the names are in
  STALE below);
- a mention of a docs/ markdown file that does not exist, and a citation (the file name, an
  optional blank, the section sign, then the heading) whose text after the sign does not begin
  with a heading of that file followed by a character that cannot continue a heading word;
- in docs/ pages, a bare section sign that names no heading of the same page;
- in README.md, ARCHITECTURE.md, RELIABILITY.md, BENCHMARKS.md and docs/*.md, a relative link
  (inline or reference-style, outside code) to a path that does not exist or lies outside ROOT,
  or whose #fragment is no anchor of the markdown file it points to. Anchors are made the way
  GitHub makes them: the heading's text without markup, lowercased, every character but letters,
  marks, numbers, connector punctuation, spaces and hyphens dropped, spaces turned into hyphens,
  and -1, -2, ... added to repeats; explicit id="..." and name="..." attributes count too.

Prints what it checked (counts), then one line per problem, FILE:LINE: what. Exits 0 when there is
no problem, 1 when there is one, 2 on a usage error.
"""

import os
import re
import sys
import unicodedata
import urllib.parse

# Written in pieces so that this file does not mention them itself.
STALE_NAMES = ["SP" "EC.md", "ENVIRON" "MENT.md", "ORIG" "INAL.md", "claude-exec-" "README"]
STALE = re.compile(
    "|".join(re.escape(n) for n in STALE_NAMES) + r"|shared/+bri" "ef|\\bSP" "EC\\b")
SECTION = "\u00a7"
DOC_MENTION = re.compile(r"(?<![\w./-])docs/([\w.-]+\.md)(?:[ \t]?" + SECTION + ")?")
LINKED_PAGES = ["README.md", "ARCHITECTURE.md", "RELIABILITY.md", "BENCHMARKS.md"]
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
INLINE_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>\n]*>|[^\s()]*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
HTML_ID = re.compile(r"<[^>]*\b(?:id|name)=[\"']([^\"']+)[\"']")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def words_continue(ch):
    return ch.isalnum() or ch in "_-"


def rest_of_line(text, start):
    end = text.find("\n", start)
    return text[start:end if end >= 0 else len(text)]


class Page:
    """A markdown file: its headings (text as written, line) and its GitHub anchors."""

    def __init__(self, text):
        self.headings = []
        self.anchors = set()
        lines = text.split("\n")
        self.code_free = blank_code(lines)
        paragraph = []  # the lines of the paragraph above, which a setext underline makes a heading
        for n, line in enumerate(self.code_free, 1):
            m = ATX.match(line)
            if m:
                title = re.sub(r"(?:^|[ \t]+)#+$", "", m.group(2) or "").strip()
                self.headings.append((title, n))
                paragraph = []
            elif SETEXT.match(line) and paragraph:
                self.headings.append((" ".join(p.strip() for p in paragraph), n - len(paragraph)))
                paragraph = []
            elif line.strip() and not starts_block(line) and (
                    paragraph or not line.startswith(("    ", "\t"))):
                paragraph.append(line)  # a paragraph's first line, or its continuation
            else:
                paragraph = []
        seen = {}
        for title, _ in self.headings:
            self.anchors.add(unique_slug(slug(title), seen))
        for m in HTML_ID.finditer("\n".join(self.code_free)):
            self.anchors.add(m.group(1))
        self.titles = sorted({t for t, _ in self.headings}, key=len, reverse=True)

    def heading_at(self, rest):
        """The longest heading that `rest` begins with, as a whole (or None)."""
        for title in self.titles:
            if title and rest.startswith(title) and (
                    len(rest) == len(title) or not words_continue(rest[len(title)])):
                return title
        return None


def starts_block(line):
    """Whether the line opens something other than paragraph text: a list item, a quote, a table row."""
    s = line.strip()
    return bool(re.match(r"([-*+>]|\d+[.)])(\s|$)", s)) or s.startswith("|")


def blank_code(lines):
    """The lines with fenced code blocks and inline code spans blanked (same line count)."""
    out = []
    fence = None
    for line in lines:
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            out.append("")
            continue
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line.strip()[len(m.group(1)):].strip():
                fence = None
            out.append("")
            continue
        out.append(re.sub(r"(`+)(.+?)\1", lambda c: " " * len(c.group(0)), line))
    return out


def plain(title):
    """A heading's text as GitHub renders it: links and images as their text, no code marks, no tags."""
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)
    title = re.sub(r"<[^>]+>", "", title)
    return title.replace("`", "")


def slug(title):
    keep = []
    for ch in plain(title).lower():
        cat = unicodedata.category(ch)
        if ch in " -" or cat[0] in "LMN" or cat == "Pc":
            keep.append(ch)
    return "".join(keep).replace(" ", "-")


def unique_slug(base, seen):
    result = base
    while result in seen:
        seen[base] += 1
        result = f"{base}-{seen[base]}"
    seen[result] = 0
    return result


class Checker:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.pages = {}
        self.problems = {}
        self.counts = dict(files=0, stale=0, mentions=0, cited=0, same_page=0, link_files=0,
                           links=0, anchored=0, external=0, unchecked_fragments=0)

    def problem(self, rel, line, key, message):
        self.problems.setdefault((rel, line, key), message)

    def page(self, path):
        if path not in self.pages:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    self.pages[path] = Page(f.read())
            except OSError:
                self.pages[path] = None
        return self.pages[path]

    def text_files(self):
        for top, dirs, files in os.walk(self.root):
            at_root = top == self.root
            dirs[:] = sorted(d for d in dirs if d != ".git" and not (at_root and d.startswith("build")))
            for name in sorted(files):
                path = os.path.join(top, name)
                if name == ".git" or os.path.islink(path) or not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    data = f.read(16 << 20)
                if b"\0" in data[:8192]:
                    continue
                yield os.path.relpath(path, self.root), data.decode("utf-8", errors="replace")

    def run(self):
        for rel, text in self.text_files():
            self.counts["files"] += 1
            in_docs = rel.startswith("docs" + os.sep)
            if not in_docs:
                self.check_stale(rel, text)
            consumed = self.check_mentions(rel, text)
            if in_docs and rel.endswith(".md"):
                self.check_same_page(rel, text, consumed)
        link_pages = list(LINKED_PAGES)
        docs = os.path.join(self.root, "docs")
        if os.path.isdir(docs):
            link_pages += sorted(os.path.join("docs", n) for n in os.listdir(docs) if n.endswith(".md"))
        for rel in link_pages:
            self.check_links(rel)
        return self.report()

    def check_stale(self, rel, text):
        for n, line in enumerate(text.split("\n"), 1):
            found = sorted({m.group(0) for m in STALE.finditer(line)})
            if found:
                self.counts["stale"] += 1
                self.problem(rel, n, "stale", "names " + ", ".join(found) +
                             " (outside the repository): cite a docs/ page instead")

    def check_mentions(self, rel, text):
        consumed = set()
        for m in DOC_MENTION.finditer(text):
            n = text.count("\n", 0, m.start()) + 1
            target = os.path.join("docs", m.group(1))
            self.counts["mentions"] += 1
            page = self.page(os.path.join(self.root, target))
            if page is None:
                self.problem(rel, n, ("missing", target), f"{target}: no such file")
                continue
            if not m.group(0).endswith(SECTION):
                continue
            consumed.add(m.end() - 1)
            self.counts["cited"] += 1
            rest = rest_of_line(text, m.end())
            if page.heading_at(rest) is None:
                self.problem(rel, n, ("heading", m.start()),
                             f"{target} has no heading that \"{SECTION}{rest[:60].rstrip()}\" names")
        return consumed

    def check_same_page(self, rel, text, consumed):
        page = self.page(os.path.join(self.root, rel))
        for i, ch in enumerate(text):
            if ch != SECTION or i in consumed:
                continue
            self.counts["same_page"] += 1
            rest = rest_of_line(text, i + 1)
            if page.heading_at(rest) is None:
                self.problem(rel, text.count("\n", 0, i) + 1, ("heading", i),
                             f"no heading of this page is named by \"{SECTION}{rest[:60].rstrip()}\"")

    def check_links(self, rel):
        path = os.path.join(self.root, rel)
        if not os.path.isfile(path):
            self.problem(rel, 0, "no page", f"{rel}: no such file (its links cannot be checked)")
            return
        self.counts["link_files"] += 1
        text = "\n".join(self.page(path).code_free)
        targets = [(m.start(2), m.group(2)) for m in INLINE_LINK.finditer(text)]
        targets += [(m.start(1), m.group(1)) for m in REF_DEF.finditer(text)]
        for pos, target in sorted(targets):
            n = text.count("\n", 0, pos) + 1
            target = target[1:-1] if target.startswith("<") else target
            if SCHEME.match(target) or target.startswith("//"):
                self.counts["external"] += 1
                continue
            self.counts["links"] += 1
            where, _, fragment = target.partition("#")
            where = urllib.parse.unquote(where)
            if not where:
                dest = path
            elif where.startswith("/"):
                dest = os.path.join(self.root, where.lstrip("/"))
            else:
                dest = os.path.join(os.path.dirname(path), where)
            dest = os.path.realpath(dest)
            shown = os.path.relpath(dest, self.root)
            if dest != self.root and not dest.startswith(self.root + os.sep):
                self.problem(rel, n, ("outside", target), f"link to {target} leaves the repository")
                continue
            if not os.path.exists(dest):
                self.problem(rel, n, ("missing", shown), f"link to {target}: {shown}: no such file")
                continue
            if not fragment:
                continue
            if not dest.endswith(".md"):
                self.counts["unchecked_fragments"] += 1
                continue
            self.counts["anchored"] += 1
            if urllib.parse.unquote(fragment) not in self.page(dest).anchors:
                self.problem(rel, n, ("anchor", target),
                             f"link to {target}: {shown} has no anchor #{fragment}")

    def report(self):
        c = self.counts
        print(f"docs_check: {self.root}")
        print(f"  text files read: {c['files']}")
        print(f"  lines citing the old external contract outside docs/: {c['stale']}")
        print(f"  mentions of docs/ pages: {c['mentions']}, of which {c['cited']} cite a heading;"
              f" same-page heading references in docs/: {c['same_page']}")
        print(f"  relative links in {c['link_files']} markdown files: {c['links']}"
              f" ({c['anchored']} with an anchor; {c['unchecked_fragments']} fragments of non-markdown"
              f" targets not checked); external links not followed: {c['external']}")
        print(f"  problems: {len(self.problems)}")
        for (rel, line, _), message in sorted(self.problems.items(), key=lambda p: (p[0][0], p[0][1])):
            print(f"{rel}:{line}: {message}")
        return 1 if self.problems else 0


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: docs_check.py ROOT", file=sys.stderr)
        return 2
    return Checker(argv[1]).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
