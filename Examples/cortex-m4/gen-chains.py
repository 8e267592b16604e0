#!/usr/bin/env python3
"""Generate the firmware's test chains (a C header) from the committed test PKI.

    gen-chains.py [--p256-only] SCENARIOS_DIR ROOT OUT.h [NAME ...]

SCENARIOS_DIR is Tests/Fixtures/scenarios (scenarios.json and the DER files it names), ROOT the
repository (for Include/iotcert.h and Sources/IoTCert/Errors/IoTCertError.swift), OUT.h the header to
write (under build/firmware: generated at build time, never committed). NAMEs replace the
default selection below. --p256-only keeps the cases whose every certificate has a P-256 key
and an ECDSA-with-SHA-256 signature: what the heap-free P-256 port (PORT=p256m) can verify.

The header holds, for each selected scenario: its anchors, stored and presented certificates as
`static const` DER arrays (so they sit in flash; a certificate used by several cases is emitted
once), the verification options (time, purpose, peer, limits), and the expected outcome: the
status as its IOTCERT_ERR_* macro, the path (certificate numbers as iotcert_result.path counts
them) and anchor, or the failing certificate. It also holds a table of status names so that the
firmware prints IOTCERT_ERR_PATH_EXPIRED rather than 129.

The scenarios say their expectations as IoTCertError case names ("pathExpired"); they are
turned into C macros by value: the Swift case's raw value, then the iotcert.h #define with that
value. A name that is in one list and not the other is an error, so the header, the Swift enum
and the fixtures cannot drift apart unnoticed. Python 3 standard library only.
"""

import ipaddress
import json
import re
import sys
from pathlib import Path

# The cases the firmware runs, in order: real P-256 and P-384 chains, the two historical
# root-expiry incidents, searches that must back out of a first candidate, and one refusal of
# each common kind. Each costs one or two ECDSA/RSA verifications on the device.
DEFAULT_SELECTION = [
    "basic-p256",                        # P-256 leaf <- intermediate <- root
    "basic-p384",                        # the same on P-384 / SHA-384
    "shuffled-with-extras",              # depth 4, sent out of order among unrelated certs
    "le-dst-expired-x1-trusted",         # Let's Encrypt R3 / expired DST cross-sign (2021)
    "le-before-x1-trusted",              # the same chain when only DST was trusted
    "addtrust-both-anchors",             # AddTrust / USERTrust cross-sign (2020), RSA-2048
    "expired-intermediate-with-renewal", # backtracks: the first issuer sent has expired
    "bad-signature-with-good-copy",      # backtracks: the first issuer's signature is bad
    "peer-dns-mismatch",                 # wrong host name
    "leaf-expired",                      # expired leaf
    "bad-signature-leaf",                # tampered leaf signature
    "wrong-anchor",                      # chain to a root the device does not trust
    "pathlen-exceeded",                  # pathLenConstraint 1, two CAs below it
]

PURPOSES = {"any": "IOTCERT_PURPOSE_ANY", "serverAuth": "IOTCERT_PURPOSE_SERVER_AUTH",
            "clientAuth": "IOTCERT_PURPOSE_CLIENT_AUTH"}
PEER_KINDS = {"dns": "IOTCERT_PEER_DNS", "ip": "IOTCERT_PEER_IP", "email": "IOTCERT_PEER_EMAIL"}
# scenarios.json limit name -> iotcert_options field. Absent: the firmware's own default.
LIMITS = {"depthMax": "depth_max", "presentedMax": "presented_max",
          "candidatesMax": "candidates_max", "signaturesMax": "signatures_max",
          "nameComparisonsMax": "name_comparisons_max"}


# DER of the algorithm OIDs a certificate names (OBJECT IDENTIFIER tag, length, value).
OID_P256 = bytes.fromhex("06082a8648ce3d030107")            # prime256v1
OID_ECDSA_SHA256 = bytes.fromhex("06082a8648ce3d040302")    # ecdsa-with-SHA256
OTHER_ALGORITHMS = [bytes.fromhex(h) for h in (
    "06052b81040022",          # secp384r1
    "06052b81040023",          # secp521r1
    "06082a8648ce3d040303",    # ecdsa-with-SHA384
    "06082a8648ce3d040304",    # ecdsa-with-SHA512
    "06092a864886f70d010101",  # rsaEncryption
    "06092a864886f70d01010a",  # RSASSA-PSS
    "06032b6570",              # Ed25519
)]


def p256_only(directory: Path, row: dict) -> bool:
    """Every certificate names P-256 and ECDSA-SHA-256 and no other key or signature algorithm
    (an OID search: the committed fixtures put these OIDs nowhere else)."""
    for file in row["anchors"] + row["stored"] + row["presented"]:
        der = (directory / file).read_bytes()
        if OID_P256 not in der or OID_ECDSA_SHA256 not in der:
            return False
        if any(oid in der for oid in OTHER_ALGORITHMS):
            return False
    return True


def fail(message: str) -> None:
    sys.exit(f"gen-chains.py: {message}")


def status_macros(root: Path) -> dict[int, str]:
    """IOTCERT_OK and every IOTCERT_ERR_* of iotcert.h, by value."""
    text = (root / "Include/iotcert.h").read_text()
    macros = {}
    for name, value in re.findall(r"^#define (IOTCERT_(?:OK|ERR_\w+)) (\d+)\s*$", text, re.M):
        if int(value) in macros:
            fail(f"{name} and {macros[int(value)]} share the value {value}")
        macros[int(value)] = name
    return macros


def swift_cases(root: Path) -> dict[str, int]:
    text = (root / "Sources/IoTCert/Errors/IoTCertError.swift").read_text()
    return {name: int(value) for name, value in re.findall(r"case (\w+) = (\d+)", text)}


def expected_macro(expect: str, cases: dict[str, int], macros: dict[int, str]) -> str:
    if expect == "ok":
        return "IOTCERT_OK"
    if expect not in cases:
        fail(f"{expect!r} is not a case of IoTCertError")
    if cases[expect] not in macros:
        fail(f"IoTCertError.{expect} = {cases[expect]} has no #define in iotcert.h")
    return macros[cases[expect]]


def c_identifier(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "_", text)


def c_string(text: str) -> str:
    if not re.fullmatch(r"[ -~]*", text) or '"' in text or "\\" in text:
        fail(f"not a plain ASCII string: {text!r}")
    return f'"{text}"'


def byte_rows(data: bytes, indent: str = "    ") -> str:
    rows = []
    for i in range(0, len(data), 16):
        rows.append(indent + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) + ",")
    return "\n".join(rows)


def peer_bytes(peer: dict) -> bytes:
    if peer["kind"] == "ip":
        return ipaddress.ip_address(peer["value"]).packed
    return peer["value"].encode("ascii")


def certificate_numbers(row: dict) -> tuple[list[int], int]:
    """expect_path as iotcert_result.path numbers it (presented i, then stored n + j), and
    the anchor's index; ([], -1) when the scenario expects a failure."""
    if row["expect"] != "ok":
        return [], -1
    presented, stored = row["presented"], row["stored"]
    numbers = []
    for file in row["expect_path"]:
        if file in presented:
            numbers.append(presented.index(file))
        elif file in stored:
            numbers.append(len(presented) + stored.index(file))
        else:
            fail(f"{row['name']}: path certificate {file} is neither presented nor stored")
    return numbers, row["anchors"].index(row["expect_anchor"])


class Header:
    """The header being written: declarations in order, each certificate emitted once."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.lines: list[str] = []
        self.arrays: dict[str, str] = {}  # DER file -> C array name, in first-use order
        self.der_bytes = 0

    def der_array(self, file: str) -> str:
        if file not in self.arrays:
            data = (self.directory / file).read_bytes()
            self.arrays[file] = "der_" + c_identifier(file.removesuffix(".der"))
            self.der_bytes += len(data)
            self.lines += [f"/* {file}, {len(data)} bytes */",
                           f"static const uint8_t {self.arrays[file]}[] = {{", byte_rows(data),
                           "};"]
        return self.arrays[file]

    def buffer_list(self, kind: str, name: str, certs: list[str]) -> tuple[str, int]:
        if not certs:
            return "NULL", 0
        arrays = [self.der_array(f) for f in certs]
        ident = f"{kind}_{c_identifier(name)}"
        self.lines.append(f"static const iotcert_buffer {ident}[] = {{")
        self.lines += [f"    {{{a}, sizeof {a}}}," for a in arrays]
        self.lines.append("};")
        return ident, len(certs)

    def peer(self, name: str, peer: dict | None) -> tuple[str, str, str]:
        """The peer_kind, peer and peer_len initialisers."""
        if not peer:
            return "IOTCERT_PEER_NONE", "NULL", "0"
        ident = f"peer_{c_identifier(name)}"
        octets = ", ".join(f"0x{b:02x}" for b in peer_bytes(peer))
        self.lines.append(f"static const uint8_t {ident}[] = {{{octets}}}; "
                          f"/* {c_string(peer['value'])} */")
        return PEER_KINDS[peer["kind"]], ident, f"sizeof {ident}"


def case_entry(header: Header, row: dict, macro: str) -> str:
    """One fw_case initialiser; its arrays go into `header` first."""
    name = row["name"]
    if row["revoked"]:
        fail(f"{name}: revocation lists are not generated for the firmware")
    limits = row.get("limits") or {}
    if set(limits) - set(LIMITS):
        fail(f"{name}: unknown limit in {limits}")
    anchors = header.buffer_list("anchors", name, row["anchors"])
    stored = header.buffer_list("stored", name, row["stored"])
    chain = header.buffer_list("chain", name, row["presented"])
    peer_kind, peer_data, peer_len = header.peer(name, row["peer"])
    header.lines.append("")
    path, anchor = certificate_numbers(row)
    failing, time = row["expect_failing_index"], row["time"]
    lines = [
        "    {",
        f"        .name = {c_string(name)},",
        f"        .expected = {macro},",
        f"        .expected_name = \"{macro}\",",
        f"        .anchors = {anchors[0]}, .n_anchors = {anchors[1]},",
        f"        .stored = {stored[0]}, .n_stored = {stored[1]},",
        f"        .chain = {chain[0]}, .n_chain = {chain[1]},",
        f"        .time = {0 if time is None else time}, "
        f".time_unknown = {1 if time is None else 0}, .build_time = {row['store_build_time']},",
        f"        .purpose = {PURPOSES[row['purpose']]},",
        f"        .peer_kind = {peer_kind}, .peer = {peer_data}, .peer_len = {peer_len},",
    ]
    if limits:
        fields = ", ".join(f".{field} = {limits[key]}u" for key, field in LIMITS.items()
                           if key in limits)
        lines.append(f"        .limits = {{{fields}}},")
    lines += [
        f"        .expect_path = {{{', '.join(map(str, path))}}}, .expect_path_len = {len(path)},",
        f"        .expect_anchor = {anchor}, "
        f".expect_failing_index = {-1 if failing is None else failing},",
        "    },",
    ]
    return "\n".join(lines)


def status_names(macros: dict[int, str]) -> list[str]:
    """fw_status_name_of(): every status code's macro name, for the console."""
    return (["/* The name of a status code, for the console. */",
             "static const char *fw_status_name_of(int status)", "{", "    switch (status) {"]
            + [f"    case {macro}: return \"{macro}\";" for _, macro in sorted(macros.items())]
            + ["    default: return \"(unknown status)\";", "    }", "}"])


def generate(directory: Path, root: Path, names: list[str], only_p256: bool) -> str:
    document = json.loads((directory / "scenarios.json").read_text())
    rows = {row["name"]: row for row in document["scenarios"]}
    macros, cases = status_macros(root), swift_cases(root)
    missing = [n for n in names if n not in rows]
    if missing:
        fail(f"not in {directory / 'scenarios.json'}: {', '.join(missing)}")
    if only_p256:
        names = [n for n in names if p256_only(directory, rows[n])]

    header = Header(directory)
    header.lines += [
        "/* Generated by Examples/cortex-m4/gen-chains.py from "
        f"{directory.name}/scenarios.json (format {document['format']}). Do not edit. */",
        "#ifndef IOTCERT_FW_CHAINS_H", "#define IOTCERT_FW_CHAINS_H", "", '#include "cases.h"', ""]
    # Each expected macro must still have the value the Swift enum gives the same failure.
    for expect in sorted({rows[n]["expect"] for n in names} - {"ok"}):
        macro = expected_macro(expect, cases, macros)
        header.lines.append(f"_Static_assert({macro} == {cases[expect]}, "
                            f"\"{macro} is not IoTCertError.{expect}\");")
    header.lines.append("")
    entries = [case_entry(header, rows[n], expected_macro(rows[n]["expect"], cases, macros))
               for n in names]
    header.lines += ["static const fw_case fw_case_table[] = {", *entries, "};", ""]
    header.lines += status_names(macros)
    header.lines += ["", f"/* {len(names)} cases, {len(header.arrays)} distinct certificates, "
                     f"{header.der_bytes} bytes of DER. */", "#endif /* IOTCERT_FW_CHAINS_H */"]
    return "\n".join(header.lines) + "\n"


def main() -> int:
    args = sys.argv[1:]
    only_p256 = args[:1] == ["--p256-only"]
    args = args[1:] if only_p256 else args
    if len(args) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    directory, root, output = Path(args[0]), Path(args[1]), Path(args[2])
    names = args[3:] or DEFAULT_SELECTION
    if not (directory / "scenarios.json").is_file():
        fail(f"{directory / 'scenarios.json'} not found (run Tests/PKI/generate.py)")
    text = generate(directory, root, names, only_p256)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
