"""A lesson's explanation on the terminal: the text of its ``# %% [markdown]`` cells, wrapped to the screen.

In a notebook the markdown cells are rendered by Jupyter.  Run as a script, a
lesson reads its own source and prints each markdown cell just before the code
that follows it.  Prose is re-wrapped to the terminal's width; what must keep
its shape is printed verbatim:

- indented lines (four spaces or more: formulas, shapes, aligned tables), and
  anything inside a ``` fence;
- table rows (``| a | b |``).

Headings print as ``## heading`` (their "Step N" numbers the steps), ``**bold**`` its stars and ````code```` one
pair of backticks: plain text, no dependency.
"""
import re
import shutil
import textwrap

MAX_WIDTH = 100  # long lines are hard to follow on a projector, however wide the window


def markdown_cells(source):
    """[(line, text lines)] for each ``# %% [markdown]`` cell of a percent script; line is the 1-based marker line."""
    cells, current = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith("# %%"):
            current = (number, []) if "[markdown]" in line else None
            if current:
                cells.append(current)
        elif current is not None and line.startswith("#"):
            current[1].append(line[2:] if line.startswith("# ") else line[1:])
    return cells


def _plain(text):
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"``(.+?)``", r"`\1`", text)


def _verbatim(line, fenced):
    return fenced or line.startswith("    ") or line.startswith("\t") or line.lstrip().startswith("|")


def formula_lines(formula):
    """A step's formula as lines; a continuation line that starts with "=" is aligned under the first line's "=".

    The first line of a triple-quoted formula has no indentation in the source and the others have the
    code's, so the alignment the author meant is restored rather than copied.
    """
    lines = formula.strip("\n").splitlines()
    first, rest = lines[0].strip(), textwrap.dedent("\n".join(lines[1:])).splitlines()
    equals = first.find(" = ")
    out = [first]
    for line in rest:
        if equals > 0 and line.lstrip().startswith("= "):
            line = " " * (equals + 1) + line.lstrip()
        out.append(line.rstrip())
    return out


def render(lines, width=None, skip_title=False):
    """The cell's text as terminal lines: paragraphs and list items wrapped to ``width``, formulas kept verbatim.

    ``skip_title`` drops level-1 headings (``# Lesson 3: ...``): the lesson prints its title itself.
    """
    if width is None:
        width = min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH) - 1
    out, paragraph, hanging, fenced = [], [], "", False

    def flush():
        nonlocal paragraph, hanging
        if paragraph:
            first = paragraph[0]
            indent = hanging if hanging else ""
            out.extend(textwrap.wrap(_plain(" ".join(p.strip() for p in paragraph)), width=width, initial_indent="",
                                     subsequent_indent=indent, break_on_hyphens=False, break_long_words=False) or [first])
        paragraph, hanging = [], ""

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            fenced = not fenced
            continue
        if not stripped and not fenced:
            flush()
            if out and out[-1] != "":
                out.append("")
            continue
        if _verbatim(line, fenced):
            flush()
            out.append(line.rstrip())
            continue
        heading = re.match(r"#+\s+(.*)", stripped)
        if heading:
            flush()
            if not (skip_title and re.match(r"#\s", stripped)):
                out.append("## " + _plain(heading.group(1).strip()))
            continue
        item = re.match(r"(\s*)([-*]|\d+[.)])\s+", line)
        if item:
            flush()
            hanging = " " * len(item.group(0))
        paragraph.append(line)
    flush()
    while out and out[-1] == "":
        out.pop()
    return out
