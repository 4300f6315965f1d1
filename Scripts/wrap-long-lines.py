#!/usr/bin/env python3
"""Wraps lines over 140 columns that swift-format leaves alone: comments are re-flowed at a space, and a
long string literal is split into two literals joined with `+` at a space outside any interpolation."""
import re, sys

LIMIT = 140

def string_spans(line):
    """(start, end) of each simple "..." literal on the line (not multi-line, not raw), end exclusive."""
    spans, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c == '/' and line[i:i+2] == '//':
            break
        if c == '"' and line[i:i+3] != '"""' and (i == 0 or line[i-1] != '#'):
            j, depth = i + 1, 0
            while j < n:
                if line[j] == '\\' and j + 1 < n:
                    if line[j+1] == '(':
                        depth += 1; j += 2; continue
                    j += 2; continue
                if depth > 0:
                    if line[j] == '(':
                        depth += 1
                    elif line[j] == ')':
                        depth -= 1
                    elif line[j] == '"':
                        # nested string inside interpolation: skip it
                        k = j + 1
                        while k < n and line[k] != '"':
                            k += 2 if line[k] == '\\' else 1
                        j = k
                    j += 1; continue
                if line[j] == '"':
                    break
                j += 1
            if j < n:
                spans.append((i, j + 1))
                i = j + 1
                continue
            return spans
        i += 1
    return spans

def split_points(line, start, end):
    """Indices of spaces inside the literal, outside interpolations."""
    pts, j, depth = [], start + 1, 0
    while j < end - 1:
        if line[j] == '\\' and line[j+1:j+2] == '(':
            depth += 1; j += 2; continue
        if line[j] == '\\':
            j += 2; continue
        if depth > 0:
            if line[j] == '(':
                depth += 1
            elif line[j] == ')':
                depth -= 1
            j += 1; continue
        if line[j] == ' ':
            pts.append(j)
        j += 1
    return pts

def wrap(line):
    if len(line) <= LIMIT:
        return [line]
    indent = len(line) - len(line.lstrip())
    stripped = line.lstrip()
    m = re.match(r'(///?\s?)', stripped)
    if m and (stripped.startswith('//')):
        prefix = ' ' * indent + m.group(1)
        words = stripped[len(m.group(1)):].split(' ')
        out, cur = [], prefix
        for w in words:
            if len(cur) + len(w) + (0 if cur == prefix else 1) > LIMIT and cur != prefix:
                out.append(cur.rstrip()); cur = prefix + w
            else:
                cur = cur + ('' if cur == prefix else ' ') + w
        out.append(cur)
        return out
    if '"""' in line or '#"' in line or re.search(r'logger\.|Logger|: Self = |StaticString|#expect\(|#require\(|Issue\.record|Comment\(', line):
        return [line]
    spans = string_spans(line)
    for start, end in sorted(spans, key=lambda s: s[0] - s[1]):
        if end < len(line) and line[end] in '.[':
            continue  # "…".utf8, "…"[i]: `+` would bind after the member access
        pts = [p for p in split_points(line, start, end) if p < LIMIT - 3 and p > start + 10]
        if not pts:
            continue
        p = max(pts)
        first = line[:p + 1] + '"'
        cont = ' ' * (indent + 4) + '+ "' + line[p + 1:]
        # A literal split inside a call argument list or an expression keeps its meaning with `+`.
        return [first] + wrap(cont)
    return [line]

def main(paths):
    changed = 0
    for path in paths:
        literals = '/Tests/' not in path and not path.startswith('Tests/')
        text = open(path).read()
        lines = text.split('\n')
        out = []
        in_multiline = False
        for line in lines:
            if line.count('"""') % 2 == 1:
                in_multiline = not in_multiline
                out.append(line); continue
            if in_multiline:
                out.append(line); continue
            stripped = line.lstrip()
            out.extend(wrap(line) if literals or stripped.startswith('//') else [line])
        new = '\n'.join(out)
        if new != text:
            open(path, 'w').write(new); changed += 1
    print(f"{changed} files wrapped")

main(sys.argv[1:])
