#!/usr/bin/env python3
"""The status codes of Include/iotcert.h are exactly the cases of IoTCertError.

    python3 Tests/CAPI/check-codes.py      (exit 1 on any difference)
    python3 Tests/CAPI/check-codes.py --write-names   (first rewrites ErrorNames.swift's
                                                      table of names from the header)

The Swift enum (Sources/IoTCert/Errors/IoTCertError.swift) is what the library returns; the header
is what firmware compares against. Both are written by hand, so this checks, for every code:
the same number under the same name (IOTCERT_ERR_PATH_CA_USED_AS_LEAF is pathCAUsedAsLeaf:
names compare without case or underscores), and the same doc comment, so the header does not
describe a code differently from the enum. It also checks that codes sit in the range of
their module, as both files document. Standard library only.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "Include/iotcert.h"
SWIFT = ROOT / "Sources/IoTCert/Errors/IoTCertError.swift"
# The short names a build without sentences returns (-D IOTCERT_NO_MESSAGES).
NAMES = ROOT / "Sources/IoTCert/Errors/ErrorNames.swift"

# Module prefixes and their ranges (iotcert.h's section comments; IoTCertError's MARKs).
RANGES = {"": (1, 31), "DER": (32, 63), "CERT": (64, 127), "PATH": (128, 191),
          "BUNDLE": (192, 223), "STORE": (224, 255), "CRYPTO": (256, 271)}


def key(name: str) -> str:
    return name.replace("_", "").lower()


def words(lines: list[str]) -> str:
    """A doc comment's text, independent of wrapping and of Swift's `code` markup."""
    text = ""
    for line in (l.strip() for l in lines):
        # A word hyphenated across lines ("non-" / "ASCII") joins without a space.
        glue = "" if re.search(r"[A-Za-z]-$", text) else " "
        text = text + glue + line if text else line
    return " ".join(text.replace("`", "").split())


def header_codes() -> dict[str, tuple[str, int, str]]:
    codes = {}
    lines = HEADER.read_text().splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"#define IOTCERT_ERR_(\w+) (\d+)$", line.strip())
        if not match:
            continue
        block, j = [], i - 1  # the /** ... */ comment right above the #define
        if j >= 0 and lines[j].strip().endswith("*/"):
            while j >= 0:
                block.insert(0, lines[j].strip())
                if block[0].startswith("/**"):
                    break
                j -= 1
        text = [l.removeprefix("/**").removesuffix("*/").removeprefix("*") for l in block]
        name, value = match.group(1), int(match.group(2))
        codes[key(name)] = (f"IOTCERT_ERR_{name}", value, words(text))
    return codes


def swift_codes() -> dict[str, tuple[str, int, str]]:
    codes = {}
    doc: list[str] = []
    for line in SWIFT.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("///"):
            doc.append(stripped[3:])
            continue
        match = re.match(r"case (\w+) = (\d+)$", stripped)
        if match:
            codes[key(match.group(1))] = (match.group(1), int(match.group(2)), words(doc))
        doc = []
    return codes


def name_table() -> list[str]:
    """The NUL-separated names of ErrorNames.swift's statusNames literal, in order."""
    text = NAMES.read_text()
    literal = re.search(r'statusNames: StaticString = """\n(.*?)\n\s*"""', text, re.S)
    if not literal:
        return []
    joined = "".join(line.strip().removesuffix("\\") for line in literal.group(1).splitlines())
    return joined.split("\\0")[:-1]


def write_name_table(names: list[str]) -> None:
    """Rewrites statusNames with `names`, NUL-separated, lines of at most 100 columns."""
    lines, line = [], ""
    for n in names:
        piece = n + "\\0"
        if len(line) + len(piece) + 1 > 92:
            lines.append(line + "\\")
            line = ""
        line += piece
    lines.append(line)
    body = "\n".join("    " + l for l in lines)
    text = re.sub(r'(statusNames: StaticString = """\n).*?(\n\s*""")',
                  lambda m: m.group(1) + body + m.group(2), NAMES.read_text(), flags=re.S)
    NAMES.write_text(text)


def module(c_name: str) -> str:
    rest = c_name.removeprefix("IOTCERT_ERR_")
    prefix = rest.split("_")[0]
    return prefix if prefix in RANGES else ""


def main() -> int:
    header, swift = header_codes(), swift_codes()
    problems = []
    for k in sorted(set(header) | set(swift), key=lambda k: (header.get(k) or swift[k])[1]):
        if k not in swift:
            problems.append(f"{header[k][0]} = {header[k][1]}: no such case in IoTCertError")
            continue
        if k not in header:
            problems.append(f"IoTCertError.{swift[k][0]} = {swift[k][1]}: not in iotcert.h")
            continue
        (c_name, c_value, c_doc), (s_name, s_value, s_doc) = header[k], swift[k]
        if c_value != s_value:
            problems.append(f"{c_name} = {c_value} but IoTCertError.{s_name} = {s_value}")
        if c_doc != s_doc:
            problems.append(f"{c_name}: doc comments differ:\n    C:     {c_doc}\n"
                            f"    Swift: {s_doc}")
        low, high = RANGES[module(c_name)]
        if not low <= c_value <= high:
            problems.append(f"{c_name} = {c_value}: outside its module's range {low}..{high}")
    values = [v for _, v, _ in header.values()]
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        problems.append(f"values used twice in iotcert.h: {duplicates}")
    if not re.search(r"#define IOTCERT_OK 0$", HEADER.read_text(), re.M):
        problems.append("iotcert.h does not define IOTCERT_OK as 0")
    # Names are found by position: the table must list every code, in ascending order.
    in_order = [c.removeprefix("IOTCERT_ERR_") for c, _, _ in
                sorted(header.values(), key=lambda h: h[1])]
    if "--write-names" in sys.argv:
        write_name_table(in_order)
    if name_table() != in_order:
        problems.append(f"{NAMES.name}: statusNames is not every code's name in ascending "
                        f"order (first difference: "
                        f"{next((a, b) for a, b in zip(name_table() + [''], in_order + ['']) if a != b)})")
    for p in problems:
        print(f"check-codes: {p}", file=sys.stderr)
    print(f"check-codes: {len(header)} codes in iotcert.h, {len(swift)} in IoTCertError, "
          f"{len(problems)} problem(s)")
    return 1 if problems or not header else 0


if __name__ == "__main__":
    sys.exit(main())
