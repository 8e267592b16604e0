#!/usr/bin/env python3
"""Turn the committed scenario table into the line format capi_test.c reads.

    python3 Tests/CAPI/vectors.py [--only NAME,...] > build/capi/vectors.txt

The scenarios (Tests/Fixtures/scenarios/scenarios.json, made by Tests/PKI/generate.py) name
their expected outcome as a case of the Swift enum IoTCertError; this script turns each into
its number by reading Sources/IoTCert/Errors/IoTCertError.swift, so the C test compares status codes
and never parses JSON. Revocations become the compact layout Sources/IoTCert/Revocation/Revocation.swift
reads. Standard library only.

A "contract" line names the scenario the C test's contract checks build on (a valid leaf and
intermediate) and a certificate unrelated to it, to pad chains with. Then one line per
scenario, fields separated by single spaces, "-" for none:

    verify NAME EXPECT TIME BUILD PURPOSE PEER_KIND PEER ANCHORS STORED PRESENTED
           PATH ANCHOR FAILING LIMITS REVOCATIONS PROFILE

EXPECT is a status code; TIME is Unix seconds or "unknown"; PURPOSE any|server|client;
PEER_KIND none|dns|ip|email with PEER the name (an IP address in hex, network order);
ANCHORS, STORED and PRESENTED are comma-separated file names in the scenarios directory;
PATH the expected result.path (presented i is i, stored j is len(PRESENTED) + j); ANCHOR the
expected anchor_index; FAILING the expected failing_index ("-": not checked); LIMITS
comma-separated iotcert_options field=value; REVOCATIONS the revocation list in hex; PROFILE
default|strict (strict sets IOTCERT_FLAG_STRICT_PROFILE).

A "bundle FILE SKIP" line names a format 2 bundle (FILE relative to the scenarios directory,
its bytes after SKIP bytes): the fuzzers' seed whose anchors carry notBefore, pathLen and EKU
purposes (Tests/Fuzz/make-corpus.py writes it with its own encoder). Each scenario whose
anchors are all in it, with nothing stored, nothing revoked, and a known time (a bundle's
build time is its own), is repeated as a "bundle-verify NAME@bundle ..." line, fields as
above, with ANCHOR the index of the expected anchor in the bundle.
"""

import argparse
import hashlib
import ipaddress
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "Tests/Fixtures/scenarios"
ERRORS = ROOT / "Sources/IoTCert/Errors/IoTCertError.swift"

PURPOSES = {"any": "any", "serverAuth": "server", "clientAuth": "client"}
# The contract checks' everyday chain, and a certificate that plays no part in it.
CONTRACT = ("basic-p256", "unrelated-root.der")
LIMIT_FIELDS = {"depthMax": "depth_max", "presentedMax": "presented_max",
                "candidatesMax": "candidates_max", "signaturesMax": "signatures_max",
                "nameComparisonsMax": "name_comparisons_max", "stepsMax": "steps_max"}
# The format 2 bundle, its mode byte, and the anchors it holds in order (make-corpus.py's
# V2_ANCHORS; checked against the bundle's records by key).
BUNDLE = ("../../Fuzz/corpus/fuzz-bundle/seed-v2-anchor-constraints", 1,
          ["anchor-eku-client-root.der", "anchor-pathlen0-root.der", "anchor-future-root.der",
           "anchor-eku-any-root.der", "nc-anchor-root.der"])
EC_PUBLIC_KEY = bytes.fromhex("2a8648ce3d0201")  # 1.2.840.10045.2.1
RSA_ENCRYPTION = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1


def status_codes() -> dict[str, int]:
    codes = {name: int(value)
             for name, value in re.findall(r"case (\w+) = (\d+)", ERRORS.read_text())}
    codes["ok"] = 0
    return codes


# ---- just enough DER to find a certificate's public key (fixtures are well-formed)

def tlv(data: bytes, at: int) -> tuple[int, bytes, int]:
    """(tag, content, offset after) of the value at `at`."""
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        octets = length & 0x7F
        length, at = int.from_bytes(data[at:at + octets], "big"), at + octets
    return tag, data[at:at + length], at + length


def children(content: bytes) -> list[tuple[int, bytes]]:
    out, at = [], 0
    while at < len(content):
        tag, value, at = tlv(content, at)
        out.append((tag, value))
    return out


def public_key(der: bytes) -> bytes:
    """The key bytes the core identifies an issuer by: EC point, or RSA modulus."""
    tbs = children(tlv(der, 0)[1])[0][1]
    fields = children(tbs)
    if fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    algorithm, bits = children(fields[5][1])
    oid = children(algorithm[1])[0][1]
    key = bits[1][1:]  # skip the unused-bits octet
    if oid == EC_PUBLIC_KEY:
        return key
    if oid == RSA_ENCRYPTION:
        return children(tlv(key, 0)[1])[0][1].lstrip(b"\0")
    raise ValueError("unexpected key algorithm")


def revocation_list(revoked: list[dict]) -> bytes:
    by_issuer: dict[bytes, list[bytes]] = {}
    for entry in revoked:
        key = public_key((SCENARIOS / entry["issuer"]).read_bytes())
        issuer_id = hashlib.sha256(key).digest()[:16]
        serial = bytes.fromhex(entry["serial_hex"])
        if len(serial) > 1 and serial[0] == 0:
            serial = serial[1:]
        by_issuer.setdefault(issuer_id, []).append(serial)
    out = b""
    for issuer_id, serials in by_issuer.items():
        serials = sorted(set(serials), key=lambda s: (len(s), s))
        out += issuer_id + len(serials).to_bytes(4, "little")
        out += b"".join(bytes([len(s)]) + s.ljust(20, b"\0") for s in serials)
    return out


def bundle_anchor_keys(bundle: bytes) -> list[bytes]:
    """The key of every anchor record, in order (docs/bundle-format.md, format 2)."""
    sections = int.from_bytes(bundle[12:16], "little")
    for i in range(sections):
        entry = bundle[32 + 12 * i:44 + 12 * i]
        if int.from_bytes(entry[0:2], "little") == 1:
            start = int.from_bytes(entry[4:8], "little")
            break
    else:
        raise ValueError("bundle without anchors")
    le = lambda at, n: int.from_bytes(bundle[at:at + n], "little")  # noqa: E731
    keys = []
    for r in range(le(start, 4)):
        at = start + le(start + 4 + 4 * r, 4)
        algorithm, flags, key_length = bundle[at], bundle[at + 1], le(at + 2, 2)
        at += 4
        at += 4 * bool(flags & 4) + 4 * bool(flags & 8) + bool(flags & 16) + bool(flags & 32)
        if algorithm == 3:
            at += 1 + bundle[at]
        at += 2 + le(at, 2) if flags & 1 else 16
        if flags & 2:
            at += 2 + le(at, 2)
        keys.append(bundle[at:at + key_length])
    return keys


def bundle_lines(scenarios: list[dict], codes: dict[str, int]) -> list[str]:
    file, skip, anchors = BUNDLE
    bundle = (SCENARIOS / file).read_bytes()[skip:]
    keys = bundle_anchor_keys(bundle)
    assert keys == [public_key((SCENARIOS / a).read_bytes()) for a in anchors], "BUNDLE"
    out = [f"bundle {file} {skip}"]
    for s in scenarios:
        if (not set(s["anchors"]) <= set(anchors) or s["stored"] or s["revoked"]
                or s["time"] is None):
            continue
        moved = dict(s, name=s["name"] + "@bundle", anchors=anchors)
        fields = line(moved, codes).split(" ")
        fields[0] = "bundle-verify"
        out.append(" ".join(fields))
    return out


def names(files: list[str]) -> str:
    return ",".join(files) if files else "-"


def line(s: dict, codes: dict[str, int]) -> str:
    presented, stored = s["presented"], s["stored"]
    number = {f: i for i, f in reversed(list(enumerate(presented + stored)))}
    peer_kind, peer = "none", "-"
    if s["peer"]:
        peer_kind, peer = s["peer"]["kind"], s["peer"]["value"]
        if peer_kind == "ip":
            peer = ipaddress.ip_address(peer).packed.hex()
    path = ",".join(str(number[f]) for f in s["expect_path"]) if s["expect_path"] else "-"
    anchor = str(s["anchors"].index(s["expect_anchor"])) if s["expect_anchor"] else "-"
    failing = s["expect_failing_index"]
    limits = ",".join(f"{LIMIT_FIELDS[k]}={v}" for k, v in (s["limits"] or {}).items())
    revocations = revocation_list(s["revoked"]).hex() if s["revoked"] else "-"
    fields = ["verify", s["name"], str(codes[s["expect"]]),
              "unknown" if s["time"] is None else str(s["time"]), str(s["store_build_time"]),
              PURPOSES[s["purpose"]], peer_kind, peer,
              names(s["anchors"]), names(stored), names(presented), path, anchor,
              "-" if failing is None else str(failing), limits or "-", revocations,
              s.get("profile") or "default"]
    assert all(f and " " not in f for f in fields), s["name"]
    return " ".join(fields)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated scenario names (default: all)")
    args = parser.parse_args()
    document = json.loads((SCENARIOS / "scenarios.json").read_text())
    scenarios = document["scenarios"]
    if args.only:
        wanted = list(dict.fromkeys(args.only.split(",") + [CONTRACT[0]]))
        scenarios = [s for s in scenarios if s["name"] in wanted]
        missing = set(wanted) - {s["name"] for s in scenarios}
        if missing:
            print(f"vectors.py: no such scenario: {sorted(missing)}", file=sys.stderr)
            return 1
    codes = status_codes()
    print(f"# generated by Tests/CAPI/vectors.py from {SCENARIOS.relative_to(ROOT)}")
    print(f"dir {SCENARIOS.relative_to(ROOT)}")
    print(f"contract {' '.join(CONTRACT)}")
    for s in scenarios:
        print(line(s, codes))
    for text in bundle_lines(scenarios, codes):
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
