#!/usr/bin/env python3
"""The core's flash in a linked image, by folder of Sources/IoTCert (one folder a concern).

    core-sizes.py IMAGE.elf CORE-DEBUG.o SOURCES_DIR [--top N]

IMAGE.elf is a firmware image (only what --gc-sections kept counts). CORE-DEBUG.o is the same
core compiled with -g, used only to learn which file each function was written in: its
line table names the file of most functions; the rest (accessors, witnesses, specialisations
the compiler made) are placed by the type or function their demangled name starts with,
found among the declarations in SOURCES_DIR. Read-only data (strings, tables) is reported as
one row: the linker merges it across files. Needs arm-none-eabi-nm and swift-demangle.
"""

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path


def run(*args: str, stdin: str | None = None) -> str:
    return subprocess.run(args, input=stdin, capture_output=True, text=True, check=True).stdout


def symbol_files(obj: str, sources: Path) -> dict[str, str]:
    """Mangled symbol -> folder, from the debug object's line table."""
    folders = {}
    for line in run("arm-none-eabi-nm", "-l", "--defined-only", obj).splitlines():
        fields = line.split("\t")
        if len(fields) < 2 or " " not in fields[0]:
            continue
        name = fields[0].split(" ")[-1]
        path = fields[1].rsplit(":", 1)[0]
        try:
            rel = Path(path).resolve().relative_to(sources.resolve())
        except ValueError:
            continue
        folders[name] = rel.parts[0] if len(rel.parts) > 1 else "(top)"
    return folders


def declarations(sources: Path) -> dict[str, str]:
    """Declared type or top-level function name -> folder."""
    found = {}
    pattern = re.compile(r"^(?:public |private |fileprivate )?(?:struct|enum|func|let|var|"
                         r"extension)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
    for f in sorted(sources.rglob("*.swift")):
        folder = f.relative_to(sources).parts[0]
        for m in pattern.finditer(f.read_text()):
            found.setdefault(m.group(1), folder)
    return found


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 0
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    image, obj, sources = args[0], args[1], Path(args[2])
    by_symbol = symbol_files(obj, sources)
    decls = declarations(sources)

    starts, symbols = {}, []
    for line in run("arm-none-eabi-nm", "-S", image).splitlines():
        f = line.split()
        if len(f) == 3:
            starts[f[2]] = int(f[0], 16)
        elif len(f) == 4:
            symbols.append((int(f[0], 16), int(f[1], 16), f[3]))
            starts[f[3]] = int(f[0], 16)
    lo, mid, hi = (starts["__flash_core_start"], starts["__flash_core_rodata"],
                   starts["__flash_core_end"])
    # Thumb function symbols carry bit 0.
    code = [(a & ~1, s, n) for a, s, n in symbols if lo <= (a & ~1) < mid and s > 0]
    unplaced = [n for _, _, n in code if n not in by_symbol]
    demangled = run("swift-demangle", "--simplified", stdin="\n".join(unplaced) + "\n")
    for name, text in zip(unplaced, demangled.splitlines()):
        # "static Foo.bar(...)", "Foo.bar.getter", "specialized baz(...)", "iotcert_x"
        text = re.sub(r"^(?:(?:static|specialized|generic specialization <.*?> of|"
                      r"merged|outlined \w+ of) )+", "", text)
        head = re.split(r"[.(<\s]", text, 1)[0]
        by_symbol[name] = decls.get(head, "(compiler)")

    sizes, counted = defaultdict(int), 0
    largest = []
    for _, size, name in code:
        folder = by_symbol.get(name, "(compiler)")
        sizes[folder] += size
        counted += size
        largest.append((size, folder, name))
    total_code = mid - lo
    print("| core part (Sources/IoTCert/...) | flash bytes |")
    print("| --- | ---: |")
    for folder, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"| {folder} | {size} |")
    print(f"| alignment and veneers between functions | {total_code - counted} |")
    print(f"| read-only data (strings, tables), all parts | {hi - mid} |")
    print(f"| **core total** | **{hi - lo}** |")
    if top:
        print()
        names = run("swift-demangle", "--simplified",
                    stdin="\n".join(n for _, _, n in sorted(largest)[-top:]) + "\n")
        for (size, folder, _), text in zip(sorted(largest)[-top:], names.splitlines()):
            print(f"{size:6d}  {folder:12s} {text[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
