#!/usr/bin/env python3
"""Write or check the measured tables of README.md, between their markers.

    readme-tables.py --write README.md NAME=FILE.md ...
    readme-tables.py --check README.md NAME=FILE.md ...

Each NAME is a block of README.md delimited by `<!-- NAME:begin -->` and `<!-- NAME:end -->`;
FILE.md is what the command that measures it printed (make -C Examples/cortex-m4 footprint,
make lib-sizes, make bench). --write replaces the block's content with the file's; --check
exits 1, with a diff, when they differ: the committed figures are stale, run
`make readme-tables`. Only figures that repeat exactly from run to run belong in these blocks
(byte sizes, emulated instruction and tick counts, callgrind instruction counts), so that a
difference always means the code changed. Python 3 standard library only.
"""

import difflib
import re
import sys


def block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {re.escape(name)}:begin -->\n)(.*?)(<!-- {re.escape(name)}:end -->)",
                      re.S)


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[1] not in ("--write", "--check"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    mode, readme = sys.argv[1], sys.argv[2]
    text = open(readme, encoding="utf-8").read()
    stale = []
    for arg in sys.argv[3:]:
        name, _, path = arg.partition("=")
        fresh = open(path, encoding="utf-8").read().rstrip("\n") + "\n"
        pattern = block(name)
        found = pattern.search(text)
        if found is None:
            print(f"readme-tables: {readme} has no <!-- {name}:begin/end --> block",
                  file=sys.stderr)
            return 2
        if found.group(2) != fresh:
            stale.append(name)
            if mode == "--check":
                sys.stdout.writelines(difflib.unified_diff(
                    found.group(2).splitlines(True), fresh.splitlines(True),
                    f"{readme} ({name}, committed)", f"{path} (measured now)"))
        text = text[:found.start(2)] + fresh + text[found.end(2):]
    if mode == "--write":
        with open(readme, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"readme-tables: {readme}: {', '.join(stale) or 'nothing'} rewritten")
        return 0
    if stale:
        print(f"readme-tables: {readme}: {', '.join(stale)} differ from what was measured; "
              "run `make readme-tables` and commit README.md", file=sys.stderr)
        return 1
    print(f"readme-tables: {readme}: the measured tables match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
