#!/usr/bin/env python3
"""Write the fuzzers' seed corpora and the fixed data their harness loads, from the committed
test PKI (Tests/Fixtures). Every output is a pure function of the fixtures and this file.

    python3 Tests/Fuzz/make-corpus.py           # rewrite Tests/Fuzz/corpus/*/seed-* and data/
    python3 Tests/Fuzz/make-corpus.py --check   # exit 1 if a committed seed or datum differs

Outputs (the input formats are described in Tests/Fuzz/README.md):
  data/verify-anchors.txt       the fixed trust store of fuzz-verify: anchors, stored certs
  data/verify-revocations.bin   its revocation list (Sources/IoTCert/Revocation/Revocation.swift layout)
  data/verify-store.bundle      the same store packed as a bundle (docs/bundle-format.md)
  data/bundle-signing-key.pub   the P-256 key fuzz-bundle pins (uncompressed point)
  corpus/fuzz-der/seed-*        certificates and DER pieces of them
  corpus/fuzz-certificate/seed-* certificates
  corpus/fuzz-bundle/seed-*     mode byte + bundle
  corpus/fuzz-verify/seed-*     flags, peer name, length-prefixed certificates

Only files named seed-* are generated; other corpus files (inputs merged from fuzzing runs with
`run.sh --merge`) are left alone and not checked.
"""

import argparse
import hashlib
import ipaddress
import json
import struct
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, utils

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests/Fixtures"
FUZZ = ROOT / "Tests/Fuzz"

# The fixed clock of the test PKI (Tests/PKI/README.md).
T0 = 1767225600

# fuzz-verify's trust store. Scenario roots cover every anchor form the scenarios need
# (constrained, expired, cross-signed ecosystems); the pki/ roots add P-384 and RSA paths.
ANCHORS = [
    "scenarios/root-a.der", "scenarios/root-b.der", "scenarios/root-r.der",
    "scenarios/nc-anchor-root.der", "scenarios/le-isrg-root-x1.der",
    "scenarios/le-dst-root-x3.der", "scenarios/at-usertrust-root.der",
    "scenarios/expired-root.der", "scenarios/cand-root-4.der",
    "pki/root-p256.der", "pki/root-p384.der", "pki/root-rsa2048.der",
]
STORED = ["scenarios/int-a.der", "pki/int-p384.der"]
# Revoked: leaf-b (basic-p384) under int-b's key, so that revocation is reachable.
REVOKED = [("scenarios/int-b.der", "scenarios/leaf-b.der")]

# Bundle anchors: which keep the full subject (the rest keep a digest).
FULL_SUBJECT = {"scenarios/root-b.der", "scenarios/nc-anchor-root.der", "pki/root-p384.der"}
BUNDLE_SIGNING_SEED = b"iotcert fuzz bundle-signing key"
# A format 2 bundle's anchors: each trust anchor constraint (EKU, pathLen, notBefore, any EKU).
V2_ANCHORS = ["scenarios/anchor-eku-client-root.der", "scenarios/anchor-pathlen0-root.der",
              "scenarios/anchor-future-root.der", "scenarios/anchor-eku-any-root.der",
              "scenarios/nc-anchor-root.der"]

# fuzz-verify flag byte (see Tests/Fuzz/README.md).
PURPOSE = {"any": 0, "serverAuth": 1, "clientAuth": 2}
PEER = {None: 0, "dns": 1, "ip": 2, "email": 3}
TIME = {T0: 0, None: 1, 1672617600: 2}
STORE_BUNDLE = 0x40
TIGHT_LIMITS = 0x80


# ======================================================================= DER walking

def tlv(der: bytes, at: int = 0) -> tuple[int, int, int]:
    """(tag, content start, end) of the TLV at `at` (low tag numbers, definite lengths)."""
    tag = der[at]
    n = der[at + 1]
    if n < 0x80:
        return tag, at + 2, at + 2 + n
    k = n & 0x7F
    length = int.from_bytes(der[at + 2:at + 2 + k], "big")
    return tag, at + 2 + k, at + 2 + k + length


def children(der: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(tag, header start, content start, end) of each TLV in der[start:end]."""
    out = []
    at = start
    while at < end:
        tag, content, stop = tlv(der, at)
        out.append((tag, at, content, stop))
        at = stop
    return out


def tbs_fields(der: bytes) -> list[tuple[int, int, int, int]]:
    _, c, e = tlv(der)
    _, tc, te = tlv(der, c)
    return children(der, tc, te)


def subject_der(der: bytes) -> bytes:
    fields = tbs_fields(der)
    if fields[0][0] == 0xA0:
        fields = fields[1:]
    _, start, _, end = fields[4]
    return der[start:end]


def extension_value(der: bytes, oid: bytes) -> bytes | None:
    for tag, _, c, e in tbs_fields(der):
        if tag != 0xA3:
            continue
        _, lc, le = tlv(der, c)
        for _, _, xc, xe in children(der, lc, le):
            parts = children(der, xc, xe)
            if der[parts[0][2]:parts[0][3]] == oid:
                _, _, vc, ve = parts[-1]
                return der[vc:ve]
    return None


def serial_magnitude(der: bytes) -> bytes:
    fields = tbs_fields(der)
    if fields[0][0] == 0xA0:
        fields = fields[1:]
    _, _, c, e = fields[0]
    return der[c:e].lstrip(b"\x00") or b"\x00"


def read(rel: str) -> bytes:
    return (FIXTURES / rel).read_bytes()


# ======================================================================= bundles

def le16(v: int) -> bytes:
    return struct.pack("<H", v)


def le32(v: int) -> bytes:
    return struct.pack("<I", v)


def pad4(b: bytes) -> bytes:
    return b + bytes(-len(b) % 4)


def key_id(der: bytes) -> bytes:
    """The revocation issuer id: SHA-256 over the key bytes, first 16 bytes."""
    key = x509.load_der_x509_certificate(der).public_key()
    if isinstance(key, rsa.RSAPublicKey):
        n = key.public_numbers().n
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    else:
        raw = key.public_bytes(serialization.Encoding.X962,
                               serialization.PublicFormat.UncompressedPoint)
    return hashlib.sha256(raw).digest()[:16]


def revocation_list(revoked: list[tuple[str, str]]) -> bytes:
    by_issuer: dict[bytes, list[bytes]] = {}
    for issuer, cert in revoked:
        by_issuer.setdefault(key_id(read(issuer)), []).append(serial_magnitude(read(cert)))
    out = b""
    for kid in sorted(by_issuer):
        serials = sorted(set(by_issuer[kid]), key=lambda s: (len(s), s))
        out += kid + le32(len(serials))
        for s in serials:
            out += bytes([len(s)]) + s + bytes(20 - len(s))
    return out


def anchor_constraints(cert: x509.Certificate) -> tuple[int, bytes]:
    """Format 2's anchor fields: flag bits and bytes for not before, path length and the
    purposes of the EKU (none with anyExtendedKeyUsage), read by `cryptography`."""
    flags, out = 0, b""
    not_before = int(cert.not_valid_before_utc.timestamp())
    if not_before >= 0:
        flags, out = flags | 8, out + le32(not_before)
    try:
        path_length = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        path_length = path_length.path_length
    except x509.ExtensionNotFound:
        path_length = None
    if path_length is not None:
        flags, out = flags | 16, out + bytes([path_length])
    try:
        eku = list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        eku = None
    if eku is not None and x509.oid.ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in eku:
        bits = (1 if x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in eku else 0) \
            | (2 if x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH in eku else 0)
        flags, out = flags | 32, out + bytes([bits])
    return flags, out


def anchor_record(rel: str, version: int = 1) -> bytes:
    der = read(rel)
    cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    nc = extension_value(der, bytes([0x55, 0x1D, 0x1E]))
    full = rel in FULL_SUBJECT
    flags = (1 if full else 0) | (2 if nc is not None else 0) | 4
    extra_flags, extra = anchor_constraints(cert) if version >= 2 else (0, b"")
    flags |= extra_flags
    exponent = b""
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        algorithm = 3
        raw = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        exponent = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
    else:
        algorithm = 1 if key.curve.name == "secp256r1" else 2
        raw = key.public_bytes(serialization.Encoding.X962,
                               serialization.PublicFormat.UncompressedPoint)
    not_after = int(cert.not_valid_after_utc.timestamp())
    out = bytes([algorithm, flags]) + le16(len(raw)) + le32(min(not_after, 0xFFFFFFFF)) + extra
    if exponent:
        out += bytes([len(exponent)]) + exponent
    subject = subject_der(der)
    out += le16(len(subject)) + subject if full else hashlib.sha256(subject).digest()[:16]
    if nc is not None:
        out += le16(len(nc)) + nc
    return pad4(out + raw)


def record_section(records: list[bytes]) -> bytes:
    out = le32(len(records))
    offset = 4 + 4 * len(records)
    for r in records:
        out += le32(offset)
        offset += len(r)
    return out + b"".join(records)


def certificate_record(der: bytes) -> bytes:
    return pad4(le32(len(der)) + der)


def signing_key() -> ec.EllipticCurvePrivateKey:
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    d = int.from_bytes(hashlib.sha256(BUNDLE_SIGNING_SEED).digest(), "big") % (n - 1) + 1
    return ec.derive_private_key(d, ec.SECP256R1())


def bundle(anchors: list[str], stored: list[str] = (), device: list[str] = (),
           revocations: bytes = b"", policy: bytes | None = None, sequence: int = 7,
           signed: bool = False, version: int = 1) -> bytes:
    """Format 1 unless `version` says 2 (docs/bundle-format.md): the fuzzers see both."""
    sections = [(1, record_section([anchor_record(a, version) for a in anchors]))]
    if stored:
        sections.append((2, record_section([certificate_record(read(c)) for c in stored])))
    if device:
        sections.append((3, record_section([certificate_record(read(c)) for c in device])))
    if revocations:
        sections.append((4, revocations))
    if policy is not None:
        sections.append((5, policy))
    table_end = 32 + 12 * len(sections)
    table = b""
    body = b""
    for kind, content in sections:
        table += le16(kind) + le16(0) + le32(table_end + len(body)) + le32(len(content))
        body += pad4(content)
    trailer = 108 if signed else 32
    total = table_end + len(body) + trailer
    header = (le32(0x42544F49) + le16(version) + le16(1 if signed else 0) + le32(total)
              + le32(len(sections)) + struct.pack("<q", T0 - 30 * 86400) + le32(sequence)
              + le32(0))
    out = header + table + body
    digest = hashlib.sha256(out).digest()
    out += digest
    if signed:
        sig = signing_key().sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256()),
                                                  deterministic_signing=True))
        out += le32(len(sig)) + sig + bytes(72 - len(sig))
    assert len(out) == total
    return out


# ======================================================================= corpora

def verify_input(flags: int, peer: bytes, chain: list[bytes]) -> bytes:
    out = bytes([flags, len(peer)]) + peer
    for der in chain:
        out += struct.pack(">H", len(der)) + der
    return out


def peer_bytes(peer: dict | None) -> bytes:
    if peer is None:
        return b""
    if peer["kind"] == "ip":
        return ipaddress.ip_address(peer["value"]).packed
    return peer["value"].encode()


def verify_seeds() -> dict[str, bytes]:
    table = json.loads((FIXTURES / "scenarios/scenarios.json").read_text())["scenarios"]
    anchors = {Path(a).name for a in ANCHORS if a.startswith("scenarios/")}
    seeds = {}
    for s in table:
        if len(s["presented"]) > 4 or not set(s["anchors"]) <= anchors:
            continue
        if s["time"] not in TIME or s.get("revoked"):
            continue
        peer = s.get("peer")
        flags = (PURPOSE[s["purpose"]] | TIME[s["time"]] << 2
                 | PEER[peer["kind"] if peer else None] << 4)
        if s.get("limits"):
            flags |= TIGHT_LIMITS
        chain = [read("scenarios/" + f) for f in s["presented"]]
        seeds[s["name"]] = verify_input(flags, peer_bytes(peer), chain)
        if s["expect"] == "ok":
            seeds[s["name"] + "-bundle"] = verify_input(flags | STORE_BUNDLE, peer_bytes(peer),
                                                        chain)
    for leaf, inter, peer in [("leaf-p256-server", "int-p256", b"server.example.com"),
                              ("leaf-p384-server", None, b"server.example.com"),
                              ("leaf-rsa2048-server", "int-rsa2048", b"rsa.example.com"),
                              ("ext-san-all-types", "int-p256", b"all.example.com")]:
        chain = [read(f"pki/{leaf}.der")] + ([read(f"pki/{inter}.der")] if inter else [])
        seeds["pki-" + leaf] = verify_input(1 | 1 << 4, peer, chain)
    seeds["pki-client-email"] = verify_input(
        2 | 3 << 4, b"alice@example.com",
        [read("pki/leaf-p256-client.der"), read("pki/int-p256.der")])
    seeds["pki-ip6"] = verify_input(
        1 | 2 << 4, ipaddress.ip_address("2001:db8::1").packed,
        [read("pki/leaf-p256-server.der"), read("pki/int-p256.der")])
    return seeds


def der_seeds() -> dict[str, bytes]:
    seeds = {}
    for p in sorted((FIXTURES / "pki").glob("*.der")):
        seeds["pki-" + p.stem] = p.read_bytes()
    # Pieces the certificate parser reaches only deep inside: names, key info, extensions.
    der = read("pki/ext-san-all-types.der")
    fields = tbs_fields(der)
    for i, (_, start, _, end) in enumerate(fields):
        seeds[f"tbs-field-{i}"] = der[start:end]
    return seeds


def certificate_seeds() -> dict[str, bytes]:
    seeds = {}
    for p in sorted((FIXTURES / "pki").glob("*.der")):
        seeds["pki-" + p.stem] = p.read_bytes()
    for name in ["nc-dns-permitted-int", "nc-dns-excluded-int", "nc-ip-int", "nc-email-int",
                 "nc-dirname-int", "nc-anchor-root", "wildcard-leaf", "nc-many-leaf",
                 "le-leaf", "at-leaf", "pathlen0-rollover", "eku-int-client", "client-r"]:
        seeds["scenario-" + name] = read(f"scenarios/{name}.der")
    return seeds


def bundle_seeds(store: bytes) -> dict[str, bytes]:
    minimal = bundle(["scenarios/root-a.der"])
    device = bundle(["scenarios/root-a.der", "scenarios/root-r.der"],
                    stored=["scenarios/int-a.der", "scenarios/int-r.der"],
                    device=["scenarios/client-a.der", "scenarios/int-a.der"],
                    policy=bytes([4, 1, 10, 0]))
    signed = bundle(["scenarios/root-a.der", "scenarios/nc-anchor-root.der"],
                    stored=["scenarios/int-a.der"], signed=True)
    constrained = bundle(V2_ANCHORS, stored=["scenarios/anchor-eku-int.der"], version=2)
    return {
        "store": bytes([0]) + store,
        "store-fix-digest": bytes([1]) + store,
        "minimal": bytes([0]) + minimal,
        "minimal-fix-digest": bytes([1]) + minimal,
        "device-chain": bytes([1]) + device,
        "signed-pinned": bytes([2]) + signed,
        "signed-pinned-rollback": bytes([6]) + signed,
        "signed-fix-digest": bytes([1]) + signed,
        "v2-anchor-constraints": bytes([0]) + constrained,
        "v2-anchor-constraints-fix-digest": bytes([1]) + constrained,
    }


def outputs() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    revocations = revocation_list(REVOKED)
    store = bundle(ANCHORS, stored=STORED, revocations=revocations)
    out["data/verify-anchors.txt"] = (
        "# fuzz-verify's trust store, written by make-corpus.py: anchor|stored PATH\n"
        + "".join(f"anchor {a}\n" for a in ANCHORS)
        + "".join(f"stored {s}\n" for s in STORED)).encode()
    out["data/verify-revocations.bin"] = revocations
    out["data/verify-store.bundle"] = store
    out["data/bundle-signing-key.pub"] = signing_key().public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    for target, seeds in [("fuzz-der", der_seeds()), ("fuzz-certificate", certificate_seeds()),
                          ("fuzz-bundle", bundle_seeds(store)),
                          ("fuzz-verify", verify_seeds())]:
        for name, data in seeds.items():
            out[f"corpus/{target}/seed-{name}"] = data
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    wanted = outputs()
    existing = {str(p.relative_to(FUZZ)) for p in FUZZ.glob("corpus/*/seed-*")}
    if args.check:
        bad = [k for k, v in wanted.items()
               if not (FUZZ / k).exists() or (FUZZ / k).read_bytes() != v]
        bad += sorted(existing - wanted.keys())
        for k in bad:
            print(f"make-corpus: {k} differs from what the generator makes")
        return 1 if bad else 0
    for stale in existing - wanted.keys():
        (FUZZ / stale).unlink()
    for k, v in wanted.items():
        (FUZZ / k).parent.mkdir(parents=True, exist_ok=True)
        (FUZZ / k).write_bytes(v)
    total = sum(len(v) for v in wanted.values())
    print(f"make-corpus: {len(wanted)} files, {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
