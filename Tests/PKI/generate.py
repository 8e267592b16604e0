#!/usr/bin/env python3
"""Generate iotcert's committed test PKI: Tests/Fixtures/pki and Tests/Fixtures/scenarios.

Every output is a pure function of the constants in this file. Keys come from SEED, times are
offsets from the fixed reference instant T0 (the current time is never read), and signatures are
deterministic (RFC 6979 ECDSA, PKCS#1 v1.5 RSA, Ed25519). Two runs give the same bytes, so
`--check` can prove that the committed fixtures are exactly what this script makes.

    python3 Tests/PKI/generate.py            # rewrite Tests/Fixtures/pki and .../scenarios
    python3 Tests/PKI/generate.py --check    # regenerate into a temp dir; exit 1 on any change

Every certificate, well-formed or not, goes through the same small DER assembler below (names,
keys and extension values are encoded by `cryptography`). One assembly path means that a
malformed fixture differs from its well-formed twin only in the bytes the fixture is about.
Well-formed certificates are then re-read with `cryptography`'s own parser and their signatures
verified, so the assembler and the manifest are checked against an independent decoder.

Needs Python 3.11 and `cryptography` (48); nothing else outside the standard library.
"""

import argparse
import datetime
import hashlib
import ipaddress
import itertools
import json
import math
import random
import re
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, padding, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID, ObjectIdentifier

# The fixed clock. Scenarios verify "now" = T0 unless they say otherwise.
T0 = 1767225600  # 2026-01-01T00:00:00Z
DAY = 86400
YEAR = 365 * DAY
SEED = b"iotcert test PKI, seed 1"
FORMAT = 1  # bump when the JSON schema changes

FIXTURES = Path(__file__).resolve().parents[1] / "Fixtures"
OUTPUT_DIRS = ("pki", "scenarios")


# ======================================================================= DER encoding

def der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + der_length(len(content)) + content


def der_seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def der_int(n: int) -> bytes:
    # The +1 octet leaves room for the sign bit, so the encoding is minimal two's complement.
    size = (n if n >= 0 else ~n).bit_length() // 8 + 1
    return tlv(0x02, n.to_bytes(size, "big", signed=True))


def der_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray()
    for arc in [40 * arcs[0] + arcs[1]] + arcs[2:]:
        group = [arc & 0x7F]
        arc >>= 7
        while arc:
            group.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(group))
    return tlv(0x06, bytes(out))


def der_bool(value: bool) -> bytes:
    return tlv(0x01, b"\xff" if value else b"\x00")


DER_NULL = b"\x05\x00"


def der_bits(octets: bytes, unused: int = 0) -> bytes:
    return tlv(0x03, bytes([unused]) + octets)


def der_octets(octets: bytes) -> bytes:
    return tlv(0x04, octets)


def der_explicit(number: int, content: bytes) -> bytes:
    return tlv(0xA0 | number, content)


def der_utc(text: str) -> bytes:
    return tlv(0x17, text.encode())


def der_gen(text: str) -> bytes:
    return tlv(0x18, text.encode())


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def instant(seconds: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(seconds=seconds)


def der_time(seconds: int) -> bytes:
    # RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 (and before 1950).
    when = instant(seconds)
    if 1950 <= when.year <= 2049:
        return der_utc(when.strftime("%y%m%d%H%M%SZ"))
    return der_gen(f"{when.year:04d}" + when.strftime("%m%d%H%M%SZ"))


def der_split(der: bytes) -> tuple[int, bytes, bytes]:
    """(tag, content, rest) of the first TLV. Tolerates non-minimal lengths, which some
    fixtures carry on purpose; never used on indefinite lengths."""
    tag, first = der[0], der[1]
    if first < 0x80:
        start, size = 2, first
    else:
        count = first & 0x7F
        start, size = 2 + count, int.from_bytes(der[2:2 + count], "big")
    return tag, der[start:start + size], der[start + size:]


def der_content(der: bytes) -> bytes:
    return der_split(der)[1]


def padded_length(n: int) -> bytes:
    """A long-form length with a leading zero octet: DER forbids it, BER allows it."""
    octets = b"\x00" + n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return bytes([0x80 | len(octets)]) + octets


# ======================================================================= keys

def seed_bytes(*parts: str) -> bytes:
    return SEED + b"\x00" + "\x00".join(parts).encode()


CURVES = {"P-192": ec.SECP192R1, "P-256": ec.SECP256R1, "P-384": ec.SECP384R1,
          "P-521": ec.SECP521R1}
HASHES = {"md5": hashes.MD5, "sha1": hashes.SHA1, "sha256": hashes.SHA256,
          "sha384": hashes.SHA384, "sha512": hashes.SHA512}
DER = serialization.Encoding.DER
SPKI = serialization.PublicFormat.SubjectPublicKeyInfo


class Key:
    """A deterministic key pair and what certificates need from it."""

    def __init__(self, label: str, private, kind: str, curve: str | None = None):
        self.label, self.private, self.kind, self.curve = label, private, kind, curve
        self.public = private.public_key()
        self.spki = self.public.public_bytes(DER, SPKI)
        self.ski = x509.SubjectKeyIdentifier.from_public_key(self.public).digest

    def default_algorithm(self) -> str:
        if self.kind == "rsa":
            return "rsa-sha256"
        if self.kind == "ed25519":
            return "ed25519"
        return {"P-384": "ecdsa-sha384", "P-521": "ecdsa-sha512"}.get(self.curve, "ecdsa-sha256")

    def sign(self, data: bytes, hash_name: str | None) -> bytes:
        if self.kind == "ec":  # RFC 6979: the nonce comes from the key and the message
            rfc6979 = ec.ECDSA(HASHES[hash_name](), deterministic_signing=True)
            return self.private.sign(data, rfc6979)
        if self.kind == "rsa":
            return self.private.sign(data, padding.PKCS1v15(), HASHES[hash_name]())
        if self.kind == "ed25519":
            return self.private.sign(data)
        raise ValueError(f"{self.label}: {self.kind} keys do not sign fixtures")

    def verifies(self, signature: bytes, data: bytes, hash_name: str | None) -> bool:
        try:
            if self.kind == "ec":
                self.public.verify(signature, data, ec.ECDSA(HASHES[hash_name]()))
            elif self.kind == "rsa":
                self.public.verify(signature, data, padding.PKCS1v15(), HASHES[hash_name]())
            else:
                self.public.verify(signature, data)
        except Exception:  # cryptography raises InvalidSignature, or ValueError on junk
            return False
        return True

    def facts(self) -> dict:
        """The manifest's `key` object."""
        if self.kind == "ec":
            point = self.public.public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)
            return {"type": "ec", "curve": self.curve, "point_hex": point.hex()}
        if self.kind == "rsa":
            numbers = self.public.public_numbers()
            return {"type": "rsa", "bits": numbers.n.bit_length(),
                    "modulus_hex": int_hex(numbers.n), "exponent_hex": int_hex(numbers.e)}
        if self.kind == "ed25519":
            raw = self.public.public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
            return {"type": "ed25519", "key_hex": raw.hex()}
        return {"type": self.kind}


def int_hex(n: int) -> str:
    return n.to_bytes((n.bit_length() + 7) // 8, "big").hex()


_KEYS: dict[tuple, Key] = {}


def cached(make: Callable[..., Key]) -> Callable[..., Key]:
    # Entities that share a label must share the very same key object (cross-signing relies on
    # it), and RSA prime searches are worth doing once.
    def wrapper(*args):
        key = (make.__name__,) + args
        if key not in _KEYS:
            _KEYS[key] = make(*args)
        return _KEYS[key]
    return wrapper


@cached
def ec_key(label: str, curve: str = "P-256") -> Key:
    # A scalar with fewer bits than the curve order is always below it, so only 0 needs a retry.
    bits = min(CURVES[curve].key_size - 1, 512)
    for counter in itertools.count():
        digest = hashlib.sha512(seed_bytes("ec", curve, label, str(counter))).digest()
        scalar = int.from_bytes(digest, "big") >> (512 - bits)
        if scalar:
            return Key(label, ec.derive_private_key(scalar, CURVES[curve]()), "ec", curve)
    raise AssertionError("unreachable")


SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
SMALL_PRIMES_PRODUCT = math.prod(SMALL_PRIMES)


def probable_prime(n: int, rng: random.Random) -> bool:
    if math.gcd(n, SMALL_PRIMES_PRODUCT) != 1:
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(32):  # error below 2^-64: plenty for test keys
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def random_prime(rng: random.Random, bits: int) -> int:
    # Top two bits set so that the product of two such primes has exactly 2*bits bits.
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (candidate - 1) % 65537 and probable_prime(candidate, rng):
            return candidate


@cached
def rsa_key(label: str, bits: int = 2048) -> Key:
    rng = random.Random(seed_bytes("rsa", str(bits), label))  # bytes seeds hash stably
    p = random_prime(rng, bits // 2)
    q = random_prime(rng, bits // 2)
    e = 65537
    d = pow(e, -1, math.lcm(p - 1, q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, p * q))
    return Key(label, numbers.private_key(), "rsa")


@cached
def dsa_key(label: str) -> Key:
    # FIPS 186 shape (1024-bit p, 160-bit q) found by plain search: only the SPKI matters here.
    rng = random.Random(seed_bytes("dsa", label))
    q = random_prime(rng, 160)
    while True:
        k = rng.getrandbits(1024 - 160) | (3 << (1022 - 160))
        p = (k - k % 2) * q + 1
        if p.bit_length() == 1024 and probable_prime(p, rng):
            break
    g = pow(2, (p - 1) // q, p)
    x = rng.randrange(1, q)
    parameters = dsa.DSAParameterNumbers(p, q, g)
    public = dsa.DSAPublicNumbers(pow(g, x, p), parameters)
    return Key(label, dsa.DSAPrivateNumbers(x, public).private_key(), "dsa")


@cached
def ed25519_key(label: str) -> Key:
    raw = hashlib.sha256(seed_bytes("ed25519", label)).digest()
    return Key(label, ed25519.Ed25519PrivateKey.from_private_bytes(raw), "ed25519")


# ======================================================================= names and entities

def dn(cn: str | None, o: str | None = "iotcert test PKI", c: str | None = "US",
       ou: str | None = None) -> x509.Name:
    attributes = [(NameOID.COUNTRY_NAME, c), (NameOID.ORGANIZATION_NAME, o),
                  (NameOID.ORGANIZATIONAL_UNIT_NAME, ou), (NameOID.COMMON_NAME, cn)]
    return x509.Name([x509.NameAttribute(oid, v) for oid, v in attributes if v is not None])


@dataclass(frozen=True, eq=False)
class Entity:
    """A subject: a name and a key. Cross-signed certificates share one Entity."""
    name: x509.Name
    key: Key

    @property
    def name_der(self) -> bytes:
        return self.name.public_bytes()


def entity(cn: str, ns: str, key: str | None = None, curve: str = "P-256",
           rsa_bits: int | None = None, **name: str | None) -> Entity:
    """ns keeps the pki/ and scenarios/ key sets apart; key lets entities share a key."""
    label = f"{ns}/{key or cn}"
    k = rsa_key(label, rsa_bits) if rsa_bits else ec_key(label, curve)
    return Entity(dn(cn, **name), k)


# ======================================================================= extensions

@dataclass
class Ext:
    oid: str
    critical: bool
    value: bytes  # the extnValue OCTET STRING's content
    facts: dict = field(default_factory=dict)  # what the manifest says this extension means
    critical_der: bytes | None = None  # a deliberately non-DER BOOLEAN, when that is the point

    def der(self) -> bytes:
        critical = der_bool(True) if self.critical else b""  # DER omits the DEFAULT FALSE
        if self.critical_der is not None:
            critical = self.critical_der
        return der_seq(der_oid(self.oid), critical, der_octets(self.value))


def from_crypto(value: x509.ExtensionType, critical: bool, facts: dict) -> Ext:
    return Ext(value.oid.dotted_string, critical, value.public_bytes(), facts)


KU_NAMES = ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
            "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"]
EKU_OIDS = {"serverAuth": "1.3.6.1.5.5.7.3.1", "clientAuth": "1.3.6.1.5.5.7.3.2",
            "codeSigning": "1.3.6.1.5.5.7.3.3", "any": "2.5.29.37.0"}

# The extensions the validator processes. A critical extension outside this set makes
# has_unknown_critical true. The policy controls (policyConstraints, policyMappings,
# inhibitAnyPolicy) are outside it on purpose: iotcert does no RFC 5280 6.1 policy processing,
# and accepting a critical one would mean ignoring what it demands (webpki does the same).
# certificatePolicies, CRL distribution points and AIA are read and kept for tools.
KNOWN_EXTENSIONS = {
    "2.5.29.15": "keyUsage", "2.5.29.17": "subjectAltName", "2.5.29.18": "issuerAltName",
    "2.5.29.19": "basicConstraints", "2.5.29.30": "nameConstraints",
    "2.5.29.37": "extKeyUsage", "2.5.29.14": "subjectKeyIdentifier",
    "2.5.29.35": "authorityKeyIdentifier", "2.5.29.32": "certificatePolicies",
    "2.5.29.31": "cRLDistributionPoints", "1.3.6.1.5.5.7.1.1": "authorityInfoAccess",
}
# RFC 5612 reserves enterprise number 32473 for documentation: safe for made-up extensions.
UNKNOWN_OID = "1.3.6.1.4.1.32473.1.1"


def ext_basic_constraints(ca: bool, path_len: int | None = None, critical: bool = True) -> Ext:
    value = x509.BasicConstraints(ca, path_len)
    return from_crypto(value, critical, {"is_ca": ca, "path_len": path_len})


def ext_key_usage(*names: str, critical: bool = True) -> Ext:
    value = x509.KeyUsage(*[n in names for n in KU_NAMES])
    return from_crypto(value, critical, {"key_usage": [n for n in KU_NAMES if n in names]})


def ext_eku(*purposes: str, critical: bool = False) -> Ext:
    oids = [EKU_OIDS.get(p, p) for p in purposes]
    value = x509.ExtendedKeyUsage([ObjectIdentifier(o) for o in oids])
    return from_crypto(value, critical, {"eku": oids})


def general_name(kind: str, value) -> tuple[x509.GeneralName, dict]:
    """A cryptography GeneralName and its manifest entry, whose hex values are the content
    octets of the GeneralName's own tag. An "ip" value with a prefix length is a
    name-constraint subtree: address then mask, as RFC 5280 4.2.1.10 encodes it."""
    if kind == "dns":
        return x509.DNSName(value), {"type": kind, "value": value}
    if kind == "email":
        return x509.RFC822Name(value), {"type": kind, "value": value}
    if kind == "uri":
        return x509.UniformResourceIdentifier(value), {"type": kind, "value": value}
    if kind == "dirname":
        return x509.DirectoryName(value), {"type": kind, "value": value.public_bytes().hex()}
    if kind == "ip" and "/" in value:
        net = ipaddress.ip_network(value)
        raw = net.network_address.packed + net.netmask.packed
        return x509.IPAddress(net), {"type": kind, "value": raw.hex()}
    if kind == "ip":
        address = ipaddress.ip_address(value)
        return x509.IPAddress(address), {"type": kind, "value": address.packed.hex()}
    if kind == "other":  # value = (type-id, DER value); the manifest gets the [0] content
        oid, inner = value
        raw = der_oid(oid) + der_explicit(0, inner)
        return x509.OtherName(ObjectIdentifier(oid), inner), {"type": kind, "value": raw.hex()}
    raise ValueError(kind)


def ext_san(*entries: tuple[str, object], critical: bool = False) -> Ext:
    names, facts = zip(*(general_name(k, v) for k, v in entries))
    return from_crypto(x509.SubjectAlternativeName(list(names)), critical, {"san": list(facts)})


def ext_name_constraints(permitted=(), excluded=(), critical: bool = True) -> Ext:
    allowed = [general_name(k, v) for k, v in permitted]
    denied = [general_name(k, v) for k, v in excluded]
    value = x509.NameConstraints([g for g, _ in allowed] or None, [g for g, _ in denied] or None)
    facts = {"permitted": [f for _, f in allowed], "excluded": [f for _, f in denied]}
    return from_crypto(value, critical, {"name_constraints": facts})


def ext_ski(key: Key) -> Ext:
    return from_crypto(x509.SubjectKeyIdentifier(key.ski), False, {"ski_hex": key.ski.hex()})


def ext_aki(key: Key) -> Ext:
    value = x509.AuthorityKeyIdentifier(key.ski, None, None)
    return from_crypto(value, False, {"aki_keyid_hex": key.ski.hex()})


def ext_certificate_policies(*oids: str, cps: str | None = None) -> Ext:
    qualifiers = [cps] if cps else None
    policies = [x509.PolicyInformation(ObjectIdentifier(o), qualifiers) for o in oids]
    return from_crypto(x509.CertificatePolicies(policies), False, {})


def ext_policy_mappings(*pairs: tuple[str, str]) -> Ext:
    # cryptography has no PolicyMappings type. RFC 5280 4.2.1.5:
    #   PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
    #        issuerDomainPolicy CertPolicyId, subjectDomainPolicy CertPolicyId }
    value = der_seq(*(der_seq(der_oid(a), der_oid(b)) for a, b in pairs))
    return Ext("2.5.29.33", False, value)


def ext_policy_constraints(require_explicit: int | None, inhibit_mapping: int | None) -> Ext:
    value = x509.PolicyConstraints(require_explicit, inhibit_mapping)
    return from_crypto(value, True, {})  # RFC 5280 4.2.1.11: MUST be critical


def ext_inhibit_any_policy(skip_certs: int) -> Ext:
    return from_crypto(x509.InhibitAnyPolicy(skip_certs), True, {})  # 4.2.1.14: MUST critical


def ext_crl_distribution_points(uri: str) -> Ext:
    point = x509.DistributionPoint([x509.UniformResourceIdentifier(uri)], None, None, None)
    return from_crypto(x509.CRLDistributionPoints([point]), False, {})


def ext_authority_info_access(ocsp: str, ca_issuers: str) -> Ext:
    value = x509.AuthorityInformationAccess([
        x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                               x509.UniformResourceIdentifier(ocsp)),
        x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                               x509.UniformResourceIdentifier(ca_issuers))])
    return from_crypto(value, False, {})


def ext_unknown(critical: bool, oid: str = UNKNOWN_OID) -> Ext:
    return Ext(oid, critical, tlv(0x0C, b"iotcert test extension"))  # a UTF8String


CA_KU = ("keyCertSign", "cRLSign")


def ca_exts(subject: Entity, issuer: Entity, path_len: int | None = None, ku=CA_KU,
            extra=()) -> list[Ext]:
    exts = [ext_basic_constraints(True, path_len), ext_key_usage(*ku), ext_ski(subject.key)]
    if issuer.key is not subject.key:  # self-signed roots conventionally omit the AKI
        exts.append(ext_aki(issuer.key))
    return exts + list(extra)


def leaf_exts(subject: Entity, issuer: Entity, san, eku=("serverAuth",),
              ku=("digitalSignature",), extra=()) -> list[Ext]:
    exts = [ext_key_usage(*ku)] if ku else []
    exts += [ext_eku(*eku)] if eku else []
    exts += [ext_san(*san)] if san else []
    return exts + [ext_ski(subject.key), ext_aki(issuer.key)] + list(extra)


# ======================================================================= certificates

# name: (OID, hash, whether parameters are an explicit NULL as RFC 4055 wants for RSA)
SIG_ALGS = {
    "ecdsa-sha256": ("1.2.840.10045.4.3.2", "sha256", False),
    "ecdsa-sha384": ("1.2.840.10045.4.3.3", "sha384", False),
    "ecdsa-sha512": ("1.2.840.10045.4.3.4", "sha512", False),
    "ecdsa-sha1": ("1.2.840.10045.4.1", "sha1", False),
    # RFC 5758 3.2 says to omit the parameters; some CAs wrote an explicit NULL.
    "ecdsa-sha256-null": ("1.2.840.10045.4.3.2", "sha256", True),
    "rsa-sha256": ("1.2.840.113549.1.1.11", "sha256", True),
    "rsa-sha384": ("1.2.840.113549.1.1.12", "sha384", True),
    "rsa-sha512": ("1.2.840.113549.1.1.13", "sha512", True),
    "rsa-sha1": ("1.2.840.113549.1.1.5", "sha1", True),
    "rsa-md5": ("1.2.840.113549.1.1.4", "md5", True),
    "ed25519": ("1.3.101.112", None, False),
}


def algorithm_identifier(name: str) -> bytes:
    oid, _, null = SIG_ALGS[name]
    return der_seq(der_oid(oid), DER_NULL if null else b"")


def serial_for(file: str) -> int:
    # 126 bits: always 16 content octets, positive, and distinct per file.
    digest = hashlib.sha256(seed_bytes("serial", file)).digest()
    return int.from_bytes(digest[:16], "big") >> 2 | 1 << 125


@dataclass
class Spec:
    """What one certificate should be. `parts` replaces well-formed TBS fields with raw bytes;
    the other hooks bend the encoding around the TBS. Each malformed fixture uses one."""
    file: str
    subject: Entity
    issuer: Entity
    not_before: int | None
    not_after: int | None
    exts: list[Ext]
    serial: int
    description: str = ""
    version: int = 3
    sig_alg: str | None = None  # default: the issuer key's usual algorithm
    outer_alg: str | None = None  # differs from sig_alg only in the mismatch fixture
    expect_parse: str = "ok"
    parts: dict[str, bytes] = field(default_factory=dict)
    tbs_header: Callable[[bytes], bytes] | None = None  # wraps the TBS content
    post: Callable[[bytes], bytes] | None = None  # rewrites the finished certificate
    key_facts: dict | None = None  # when parts["spki"] is not the subject key's own encoding
    bad_signature: bool = False  # the fixture's signature is damaged on purpose


@dataclass
class Cert:
    spec: Spec
    alg: str
    fields: dict[str, bytes]
    tbs: bytes
    signature: bytes
    der: bytes

    @property
    def file(self) -> str:
        return self.spec.file + ".der"


def tbs_fields(spec: Spec, alg: str) -> dict[str, bytes]:
    """TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
    issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
    subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL }"""
    extensions = der_explicit(3, der_seq(*(e.der() for e in spec.exts))) if spec.exts else b""
    fields = {
        "version": der_explicit(0, der_int(spec.version - 1)) if spec.version != 1 else b"",
        "serial": der_int(spec.serial),
        "signature": algorithm_identifier(alg),
        "issuer": spec.issuer.name_der,
        "validity": b"",
        "subject": spec.subject.name_der,
        "spki": spec.subject.key.spki,
        "unique_ids": b"",
        "extensions": extensions,
    }
    if "validity" not in spec.parts:
        fields["validity"] = der_seq(der_time(spec.not_before), der_time(spec.not_after))
    fields.update(spec.parts)
    return fields


def build(spec: Spec) -> Cert:
    alg = spec.sig_alg or spec.issuer.key.default_algorithm()
    fields = tbs_fields(spec, alg)
    content = b"".join(fields.values())
    tbs = spec.tbs_header(content) if spec.tbs_header else tlv(0x30, content)
    signature = spec.issuer.key.sign(tbs, SIG_ALGS[alg][1])
    der = der_seq(tbs, algorithm_identifier(spec.outer_alg or alg), der_bits(signature))
    if spec.post:
        der = spec.post(der)
    if spec.bad_signature:  # the manifest and the re-reading see the damaged bytes
        signature = signature_in(der)
    return Cert(spec, alg, fields, tbs, signature, der)


def signature_in(der: bytes) -> bytes:
    """The signatureValue BIT STRING's content (after the unused-bits octet) of a DER
    Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }."""
    _, rest, _ = der_split(der)
    _, _, rest = der_split(rest)  # past tbsCertificate
    _, _, rest = der_split(rest)  # past signatureAlgorithm
    return der_split(rest)[1][1:]


def flip_last_signature_octet(der: bytes) -> bytes:
    # The last octet of the certificate is the last octet of the signature (the end of s for
    # ECDSA): changing it keeps every length and tag valid and breaks only the mathematics.
    return der[:-1] + bytes([der[-1] ^ 0x01])


# ======================================================================= manifest

FACT_DEFAULTS = {"is_ca": None, "path_len": None, "key_usage": None, "eku": None, "san": None,
                 "name_constraints": None, "ski_hex": None, "aki_keyid_hex": None}


def decoded_facts(exts: list[Ext]) -> dict:
    facts = dict(FACT_DEFAULTS)
    seen = set()
    for ext in exts:
        if ext.oid not in seen:  # of a duplicated pair, the first speaks
            seen.add(ext.oid)
            facts.update(ext.facts)
    facts["has_unknown_critical"] = any(
        e.critical and e.oid not in KNOWN_EXTENSIONS for e in exts)
    return facts


def manifest_entry(cert: Cert, issuer_file: str | None) -> dict:
    spec, fields = cert.spec, cert.fields
    outer = spec.outer_alg or cert.alg
    entry = {
        "file": cert.file,
        "description": spec.description,
        "expect_parse": spec.expect_parse,
        "version": spec.version,
        "serial_hex": der_content(fields["serial"]).hex(),
        "issuer_der_hex": fields["issuer"].hex(),
        "subject_der_hex": fields["subject"].hex(),
        "issuer_file": issuer_file,
        "not_before": spec.not_before,
        "not_after": spec.not_after,
        "signature_algorithm": outer,
        "tbs_signature_algorithm": cert.alg,
        "tbs_len": len(cert.tbs),
        "tbs_hex": cert.tbs.hex(),
        "signature_hex": cert.signature.hex(),
        "key": spec.key_facts or spec.subject.key.facts(),
        "extensions": [{"oid": e.oid, "critical": e.critical, "value_hex": e.value.hex()}
                       for e in spec.exts],
    }
    entry.update(decoded_facts(spec.exts))
    entry["der_sha256"] = hashlib.sha256(cert.der).hexdigest()
    return entry


# ======================================================================= independent re-reading

def crypto_general_name(name: x509.GeneralName) -> dict:
    if isinstance(name, x509.DNSName):
        return {"type": "dns", "value": name.value}
    if isinstance(name, x509.RFC822Name):
        return {"type": "email", "value": name.value}
    if isinstance(name, x509.UniformResourceIdentifier):
        return {"type": "uri", "value": name.value}
    if isinstance(name, x509.DirectoryName):
        return {"type": "dirname", "value": name.value.public_bytes().hex()}
    if isinstance(name, x509.IPAddress) and hasattr(name.value, "netmask"):
        raw = name.value.network_address.packed + name.value.netmask.packed
        return {"type": "ip", "value": raw.hex()}
    if isinstance(name, x509.IPAddress):
        return {"type": "ip", "value": name.value.packed.hex()}
    raw = der_oid(name.type_id.dotted_string) + der_explicit(0, name.value)
    return {"type": "other", "value": raw.hex()}


def crypto_facts(parsed: x509.Certificate) -> dict:
    """The manifest's decoded fields, as cryptography's own parser sees them."""
    facts = dict(FACT_DEFAULTS)
    for ext in parsed.extensions:
        v = ext.value
        if isinstance(v, x509.BasicConstraints):
            facts.update(is_ca=v.ca, path_len=v.path_length)
        elif isinstance(v, x509.KeyUsage):
            flags = [v.digital_signature, v.content_commitment, v.key_encipherment,
                     v.data_encipherment, v.key_agreement, v.key_cert_sign, v.crl_sign,
                     v.key_agreement and v.encipher_only, v.key_agreement and v.decipher_only]
            facts["key_usage"] = [n for n, on in zip(KU_NAMES, flags) if on]
        elif isinstance(v, x509.ExtendedKeyUsage):
            facts["eku"] = [o.dotted_string for o in v]
        elif isinstance(v, x509.SubjectAlternativeName):
            facts["san"] = [crypto_general_name(n) for n in v]
        elif isinstance(v, x509.NameConstraints):
            facts["name_constraints"] = {
                "permitted": [crypto_general_name(n) for n in v.permitted_subtrees or []],
                "excluded": [crypto_general_name(n) for n in v.excluded_subtrees or []]}
        elif isinstance(v, x509.SubjectKeyIdentifier):
            facts["ski_hex"] = v.digest.hex()
        elif isinstance(v, x509.AuthorityKeyIdentifier):
            facts["aki_keyid_hex"] = v.key_identifier.hex()
    return facts


def reread(cert: Cert, entry: dict) -> None:
    """Check a well-formed certificate against cryptography's parser and the issuer's key;
    any disagreement means this script's assembler or manifest is wrong."""
    spec = cert.spec
    parsed = x509.load_der_x509_certificate(cert.der)
    problems = []
    if parsed.tbs_certificate_bytes != cert.tbs or parsed.signature != cert.signature:
        problems.append("tbs/signature")
    if parsed.serial_number != int.from_bytes(bytes.fromhex(entry["serial_hex"]), "big"):
        problems.append("serial")
    if parsed.issuer.public_bytes() != spec.issuer.name_der:
        problems.append("issuer")
    if int(parsed.not_valid_before_utc.timestamp()) != spec.not_before:
        problems.append("notBefore")
    if int(parsed.not_valid_after_utc.timestamp()) != spec.not_after:
        problems.append("notAfter")
    if parsed.signature_algorithm_oid.dotted_string != SIG_ALGS[cert.alg][0]:
        problems.append("signature algorithm")
    theirs = [(e.oid.dotted_string, e.critical) for e in parsed.extensions]
    if theirs != [(e["oid"], e["critical"]) for e in entry["extensions"]]:
        problems.append("extension list")
    mine = {k: entry[k] for k in FACT_DEFAULTS}
    if crypto_facts(parsed) != mine:
        problems.append(f"decoded facts {crypto_facts(parsed)} != {mine}")
    verified = spec.issuer.key.verifies(cert.signature, cert.tbs, SIG_ALGS[cert.alg][1])
    if verified == spec.bad_signature:
        problems.append("signature verification")
    if problems:
        raise AssertionError(f"{cert.file}: {', '.join(problems)}")


# ======================================================================= fixture sets

ROOT_VALID = (T0 - 10 * YEAR, T0 + 10 * YEAR)
CA_VALID = (T0 - 2 * YEAR, T0 + 5 * YEAR)
LEAF_VALID = (T0 - 30 * DAY, T0 + 60 * DAY)


class Pool:
    """The certificates of one fixture directory, by file stem, in creation order."""

    def __init__(self):
        self.certs: dict[str, Cert] = {}

    def add(self, spec: Spec) -> Cert:
        if spec.file in self.certs:
            raise ValueError(f"duplicate fixture {spec.file}")
        cert = self.certs[spec.file] = build(spec)
        return cert

    def cert(self, file: str, subject: Entity, issuer: Entity, exts: list[Ext],
             valid: tuple[int, int], serial: int | None = None, **kw) -> Cert:
        spec = Spec(file=file, subject=subject, issuer=issuer, not_before=valid[0],
                    not_after=valid[1], exts=exts,
                    serial=serial_for(file) if serial is None else serial, **kw)
        return self.add(spec)

    def root(self, file: str, subject: Entity, valid=ROOT_VALID, **kw) -> Cert:
        return self.ca(file, subject, subject, valid=valid, **kw)

    def ca(self, file: str, subject: Entity, issuer: Entity, *, valid=CA_VALID,
           path_len: int | None = None, ku=CA_KU, extra=(), exts=None, **kw) -> Cert:
        if exts is None:
            exts = ca_exts(subject, issuer, path_len, ku, extra)
        return self.cert(file, subject, issuer, exts, valid, **kw)

    def leaf(self, file: str, subject: Entity, issuer: Entity, *, san,
             eku=("serverAuth",), ku=("digitalSignature",), valid=LEAF_VALID, extra=(),
             **kw) -> Cert:
        exts = leaf_exts(subject, issuer, san, eku, ku, extra)
        return self.cert(file, subject, issuer, exts, valid, **kw)

    def issuer_file(self, cert: Cert) -> str | None:
        issuer = cert.spec.issuer
        for other in self.certs.values():
            subject = other.spec.subject
            if subject.key is issuer.key and subject.name_der == issuer.name_der:
                return other.file
        return None


# ======================================================================= pki/: parser fixtures

def pki_fixtures() -> Pool:
    pool = Pool()
    base = pki_chains(pool)
    pki_signature_algorithms(pool, base)
    pki_extensions(pool, base)
    pki_policy_extensions(pool, base)
    pki_structure(pool, base)
    pki_times(pool, base)
    pki_serials(pool, base)
    pki_keys(pool, base)
    return pool


def pki_entity(cn: str, **kw) -> Entity:
    return entity(cn, "pki", **kw)


SERVER_SAN = [("dns", "server.example.com"), ("ip", "192.0.2.1"), ("ip", "2001:db8::1")]
PKI_LEAF_VALID = (T0 - 30 * DAY, T0 + YEAR)


@dataclass
class PkiBase:
    r256: Entity
    i256: Entity
    r384: Entity
    i384: Entity
    rsa_root: Entity
    rsa_int: Entity


def pki_chains(pool: Pool) -> PkiBase:
    e = pki_entity
    b = PkiBase(e("iotcert Test Root P-256"), e("iotcert Test Intermediate P-256"),
                e("iotcert Test Root P-384", curve="P-384"),
                e("iotcert Test Intermediate P-384", curve="P-384"),
                e("iotcert Test Root RSA-2048", rsa_bits=2048),
                e("iotcert Test Intermediate RSA-2048", rsa_bits=2048))
    pointers = [ext_crl_distribution_points("http://crl.example.com/int.crl"),
                ext_authority_info_access("http://ocsp.example.com",
                                          "http://ca.example.com/root.der")]
    for size, root, inter, curve in (("p256", b.r256, b.i256, "P-256"),
                                     ("p384", b.r384, b.i384, "P-384")):
        pool.root(f"root-{size}", root, description=f"Self-signed {curve} root: cA without "
                  "pathLen, keyUsage keyCertSign+cRLSign, SKI, no AKI.")
        pool.ca(f"int-{size}", inter, root, path_len=0, extra=pointers,
                description=f"{curve} intermediate: pathLen 0, AKI, SKI, cRLDistributionPoints, "
                "authorityInfoAccess.")
        pool.leaf(f"leaf-{size}-server", e("server.example.com", key=f"leaf-{size}-server",
                  curve=curve), inter, san=SERVER_SAN, valid=PKI_LEAF_VALID,
                  description="TLS server leaf: SAN dNSName + IPv4 + IPv6, EKU serverAuth, "
                  "keyUsage digitalSignature.")
        pool.leaf(f"leaf-{size}-client", e("Alice", key=f"leaf-{size}-client", curve=curve),
                  inter, san=[("email", "alice@example.com")], eku=("clientAuth",),
                  valid=PKI_LEAF_VALID, description="TLS client leaf: SAN rfc822Name, EKU "
                  "clientAuth.")
    pool.root("root-rsa2048", b.rsa_root, description="Self-signed RSA-2048 root, "
              "sha256WithRSAEncryption.")
    pool.ca("int-rsa2048", b.rsa_int, b.rsa_root, path_len=0,
            description="RSA-2048 intermediate, sha256WithRSAEncryption.")
    pool.leaf("leaf-rsa2048-server", e("rsa.example.com", rsa_bits=2048), b.rsa_int,
              san=[("dns", "rsa.example.com")], ku=("digitalSignature", "keyEncipherment"),
              valid=PKI_LEAF_VALID, description="RSA-2048 server leaf.")
    return b


def pki_leaf(pool: Pool, file: str, issuer: Entity, description: str, san=None, **kw) -> Cert:
    """A server leaf with its own P-256 key; the fixture's point is in kw."""
    curve = kw.pop("curve", "P-256")
    subject = kw.pop("subject", None) or pki_entity(file, curve=curve)
    return pool.leaf(file, subject, issuer, san=san or [("dns", f"{file}.example.com")],
                     valid=kw.pop("valid", PKI_LEAF_VALID), description=description, **kw)


def pki_signature_algorithms(pool: Pool, b: PkiBase) -> None:
    for alg, issuer in (("ecdsa-sha512", b.i384), ("rsa-sha384", b.rsa_int),
                        ("rsa-sha512", b.rsa_int)):
        pki_leaf(pool, f"sig-{alg}", issuer, f"Signed with {alg}.", sig_alg=alg)
    for alg, issuer in (("ecdsa-sha1", b.i256), ("rsa-sha1", b.rsa_int), ("rsa-md5", b.rsa_int)):
        pki_leaf(pool, f"sig-{alg}", issuer, f"Signed with {alg}: parses; refusing the weak "
                 "hash is the path validator's job (certWeakSignatureAlgorithm).", sig_alg=alg)
    pki_leaf(pool, "sig-alg-mismatch", b.i256, "TBS signature field says ecdsa-with-SHA256, "
             "the outer signatureAlgorithm says ecdsa-with-SHA384 (RFC 5280 4.1.1.2).",
             sig_alg="ecdsa-sha256", outer_alg="ecdsa-sha384",
             expect_parse="certSignatureAlgorithmMismatch")
    ed_ca = pki_entity("iotcert Test Ed25519 CA")
    ed_ca = Entity(ed_ca.name, ed25519_key("pki/ed25519-ca"))
    pool.ca("key-ed25519", ed_ca, b.r256, ku=CA_KU, description="A CA whose key is Ed25519.",
            expect_parse="certUnsupportedKeyAlgorithm")
    pki_leaf(pool, "sig-ed25519", ed_ca, "Signed with Ed25519 (id-Ed25519, RFC 8410).",
             expect_parse="certUnsupportedSignatureAlgorithm")


def pki_extensions(pool: Pool, b: PkiBase) -> None:
    e, leaf = pki_entity, pki_leaf
    pool.ca("ext-bc-ca-no-pathlen", e("iotcert Test CA no pathLen"), b.r256,
            description="Intermediate with basicConstraints cA and no pathLenConstraint.")
    pool.ca("ext-bc-ca-pathlen-3", e("iotcert Test CA pathLen 3"), b.r256, path_len=3,
            description="Intermediate with pathLenConstraint 3.")
    pool.ca("ext-bc-noncritical", e("iotcert Test CA non-critical BC"), b.r256,
            exts=[ext_basic_constraints(True, 1, critical=False), ext_key_usage(*CA_KU)],
            description="basicConstraints cA, pathLen 1, not critical; no SKI/AKI.")
    leaf(pool, "ext-bc-ca-false", b.i256, "Leaf with basicConstraints present, critical, cA "
         "FALSE (DER omits the DEFAULT, so the value is an empty SEQUENCE).",
         extra=[ext_basic_constraints(False)])
    leaf(pool, "ext-ku-all-bits", b.i256, "keyUsage with all nine bits set.", ku=KU_NAMES)
    leaf(pool, "ext-ku-key-agreement", b.i256, "keyUsage keyAgreement only.",
         ku=("keyAgreement",))
    leaf(pool, "ext-eku-server-client", b.i256, "EKU serverAuth and clientAuth.",
         eku=("serverAuth", "clientAuth"))
    leaf(pool, "ext-eku-any", b.i256, "EKU anyExtendedKeyUsage only.", eku=("any",))
    leaf(pool, "ext-eku-code-signing", b.i256, "EKU codeSigning only.", eku=("codeSigning",))
    upn = ("1.3.6.1.4.1.311.20.2.3", tlv(0x0C, b"device@example.com"))
    leaf(pool, "ext-san-all-types", b.i256, "SAN with dNSName, iPAddress v4 and v6, "
         "rfc822Name, URI, directoryName and an otherName (UPN).",
         san=[("dns", "all.example.com"), ("ip", "192.0.2.7"), ("ip", "2001:db8::7"),
              ("email", "ops@example.com"), ("uri", "https://all.example.com/device/7"),
              ("dirname", dn("device 7", o="Example Corp")), ("other", upn)])
    empty = Entity(x509.Name([]), ec_key("pki/ext-san-empty-subject"))
    pool.cert("ext-san-empty-subject", empty, b.i256,
              [ext_key_usage("digitalSignature"), ext_eku("serverAuth"),
               ext_san(("dns", "nameless.example.com"), critical=True), ext_ski(empty.key),
               ext_aki(b.i256.key)], PKI_LEAF_VALID,
              description="Empty subject with a critical SAN (RFC 5280 4.2.1.6).")
    pool.ca("ext-name-constraints", e("iotcert Test Constrained CA"), b.r256, path_len=0,
            extra=[ext_name_constraints(NC_PERMITTED, NC_EXCLUDED)],
            description="nameConstraints, permitted and excluded, each with dNSName, "
            "iPAddress v4 and v6, rfc822Name and directoryName subtrees.")
    subject = e("ext-no-ski-aki")
    pool.cert("ext-no-ski-aki", subject, b.i256,
              [ext_key_usage("digitalSignature"), ext_san(("dns", "noids.example.com"))],
              PKI_LEAF_VALID, description="Leaf without subject or authority key identifier.")
    leaf(pool, "ext-unknown-critical", b.i256, "An unrecognised extension marked critical: "
         "parses; the path validator refuses it.", extra=[ext_unknown(True)])
    leaf(pool, "ext-unknown-noncritical", b.i256, "An unrecognised non-critical extension.",
         extra=[ext_unknown(False)])


NC_PERMITTED = [("dns", "example.com"), ("ip", "192.0.2.0/24"), ("ip", "2001:db8::/32"),
                ("email", "example.com"), ("dirname", dn(None, o="Example Corp"))]
NC_EXCLUDED = [("dns", "bad.example.com"), ("ip", "192.0.2.128/25"),
               ("ip", "2001:db8:bad::/48"), ("email", "eve@example.com"),
               ("dirname", dn(None, o="Example Corp", ou="Quarantine"))]
TEST_POLICY = "1.3.6.1.4.1.32473.2.1"
TEST_POLICY_2 = "1.3.6.1.4.1.32473.2.2"


def pki_policy_extensions(pool: Pool, b: PkiBase) -> None:
    e = pki_entity
    policies = ext_certificate_policies("2.5.29.32.0", TEST_POLICY,
                                        cps="https://pki.example.com/cps")
    pki_leaf(pool, "ext-certificate-policies", b.i256, "certificatePolicies: anyPolicy and a "
             "test policy, each with a CPS qualifier.", extra=[policies])
    pool.ca("ext-policy-mappings", e("iotcert Test Policy Mapping CA"), b.r256,
            extra=[ext_certificate_policies(TEST_POLICY),
                   ext_policy_mappings((TEST_POLICY, TEST_POLICY_2))],
            description="policyMappings, not critical (RFC 5280 says SHOULD be critical): "
            "parses, and nothing is refused.")
    pool.ca("ext-policy-constraints", e("iotcert Test Policy Constraints CA"), b.r256,
            extra=[ext_policy_constraints(0, 1)],
            description="policyConstraints requireExplicitPolicy 0, inhibitPolicyMapping 1, "
            "critical as RFC 5280 requires: parses, and has_unknown_critical because iotcert "
            "does no policy processing.")
    pool.ca("ext-inhibit-any-policy", e("iotcert Test Inhibit anyPolicy CA"), b.r256,
            extra=[ext_inhibit_any_policy(0)], description="inhibitAnyPolicy 0, critical: "
            "parses, and has_unknown_critical (no policy processing).")


def pki_structure(pool: Pool, b: PkiBase) -> None:
    e, leaf = pki_entity, pki_leaf
    leaf(pool, "ext-duplicate", b.i256, "basicConstraints twice (RFC 5280 4.2: at most one "
         "instance of an extension).", extra=[ext_basic_constraints(False)] * 2,
         expect_parse="certDuplicateExtension")
    v1 = e("iotcert Test v1 Root")
    pool.cert("v1-root", v1, v1, [], ROOT_VALID, version=1,
              description="Version 1 self-signed root: no version field, no extensions.")
    for version in (1, 2):
        leaf(pool, f"v{version}-with-extensions", b.i256, f"Version {version} carrying "
             "extensions (only v3 may).", version=version, expect_parse="certBadVersion")
    leaf(pool, "version-4", b.i256, "Version field INTEGER 3: there is no v4.", version=4,
         expect_parse="certBadVersion")
    # subjectUniqueID [2] IMPLICIT UniqueIdentifier (a BIT STRING): legal in v2 and v3 only.
    unique = tlv(0x82, b"\x00" + bytes.fromhex("0102030405060708"))
    pool.cert("v2-unique-id", e("iotcert Test v2 subject"), b.i256, [], PKI_LEAF_VALID,
              version=2, parts={"unique_ids": unique},
              description="Version 2 with a subjectUniqueID and no extensions: legal, if old.")
    pool.cert("v1-unique-id", e("iotcert Test v1 subject"), b.i256, [], PKI_LEAF_VALID,
              version=1, parts={"unique_ids": unique}, expect_parse="certBadUniqueIdentifier",
              description="Version 1 with a subjectUniqueID (RFC 5280 4.1.2.8: v2/v3 only).")
    pool.cert("empty-extensions", e("empty-extensions"), b.i256, [], PKI_LEAF_VALID,
              parts={"extensions": der_explicit(3, der_seq())},
              expect_parse="certEmptyExtensions",
              description="extensions [3] holding an empty SEQUENCE (SIZE (1..MAX)).")
    leaf(pool, "empty-issuer", b.i256, "Issuer is an empty Name (RFC 5280 4.1.2.4: "
         "MUST be non-empty).", parts={"issuer": der_seq()}, expect_parse="certBadName")
    pki_der_encodings(pool, b)


def pki_der_encodings(pool: Pool, b: PkiBase) -> None:
    leaf = pki_leaf
    lax_ku = ext_key_usage("digitalSignature")
    lax_ku.critical_der = tlv(0x01, b"\x01")  # TRUE in BER; DER requires 0xFF
    leaf(pool, "der-bad-boolean", b.i256, "An extension's critical BOOLEAN encoded 0x01.",
         ku=None, extra=[lax_ku], expect_parse="derBadBoolean")

    def padded_tbs(content: bytes) -> bytes:
        return b"\x30" + padded_length(len(content)) + content

    def padded_outer(der: bytes) -> bytes:
        return b"\x30" + padded_length(len(der_content(der))) + der_content(der)

    def indefinite(der: bytes) -> bytes:
        return b"\x30\x80" + der_content(der) + b"\x00\x00"

    leaf(pool, "der-nonminimal-length-tbs", b.i256, "TBSCertificate length in long form "
         "with a leading zero octet (inside the signed bytes).", tbs_header=padded_tbs,
         expect_parse="derNonMinimalLength")
    leaf(pool, "der-nonminimal-length-cert", b.i256, "Outer Certificate length in long form "
         "with a leading zero octet (outside the signed bytes).", post=padded_outer,
         expect_parse="derNonMinimalLength")
    leaf(pool, "der-indefinite-length", b.i256, "Outer Certificate SEQUENCE in BER "
         "indefinite-length form.", post=indefinite, expect_parse="derIndefiniteLength")
    leaf(pool, "der-trailing-data", b.i256, "Two zero octets after the Certificate.",
         post=lambda der: der + b"\x00\x00", expect_parse="derTrailingData")


def seconds(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
            second: int = 0) -> int:
    when = datetime.datetime(year, month, day, hour, minute, second,
                             tzinfo=datetime.timezone.utc)
    return int((when - EPOCH).total_seconds())


BAD_NOT_AFTER = [
    ("time-feb30", der_utc("260230000000Z"), "February 30th"),
    ("time-feb29-common-year", der_utc("270229000000Z"), "February 29th of 2027"),
    ("time-hour24", der_utc("261231240000Z"), "hour 24"),
    ("time-month13", der_utc("261301000000Z"), "month 13"),
    ("time-no-z", der_utc("261231000000"), "no Z"),
    ("time-offset", der_utc("261231000000+0000"), "an offset instead of Z"),
    ("time-no-seconds", der_utc("2612310000Z"), "no seconds"),
    ("time-fraction", der_gen("20501231000000.5Z"), "fractional seconds"),
]


def pki_times(pool: Pool, b: PkiBase) -> None:
    not_before, not_after = PKI_LEAF_VALID
    good = [("time-utc-1950", (seconds(1950, 1, 1), not_after),
             "notBefore 1950-01-01 as UTCTime 500101000000Z (the earliest UTCTime year)."),
            ("time-utc-2049", (not_before, seconds(2049, 12, 31, 23, 59, 59)),
             "notAfter 2049-12-31T23:59:59Z as UTCTime (the latest UTCTime instant)."),
            ("time-generalized-2050", (not_before, seconds(2050, 1, 1)),
             "notAfter 2050-01-01 as GeneralizedTime (the first year that needs it)."),
            ("time-generalized-9999", (not_before, seconds(9999, 12, 31, 23, 59, 59)),
             "notAfter 99991231235959Z: RFC 5280's 'no well-defined expiration date'."),
            ("time-feb29-leap-year", (not_before, seconds(2028, 2, 29)),
             "notAfter 2028-02-29, a real leap day.")]
    for file, valid, what in good:
        pki_leaf(pool, file, b.i256, what, valid=valid)
    for file, raw, what in BAD_NOT_AFTER:
        validity = der_seq(der_time(not_before), raw)
        pki_leaf(pool, file, b.i256, f"notAfter {raw[2:].decode()!r}: {what}.",
                 valid=(not_before, None), parts={"validity": validity},
                 expect_parse="derBadTime")
    # RFC 5280 asks CAs for UTCTime through 2049, but a GeneralizedTime before 2050 is
    # unambiguous and real roots carry one (Mozilla's Certum Trusted Network CA 2): the
    # core accepts it, strict about its form only.
    validity = der_seq(der_time(not_before), der_gen("20261231000000Z"))
    pki_leaf(pool, "time-generalized-before-2050", b.i256,
             "notAfter 2026-12-31 as GeneralizedTime: accepted (form strict, choice lenient).",
             valid=(not_before, seconds(2026, 12, 31)), parts={"validity": validity})


def pki_serials(pool: Pool, b: PkiBase) -> None:
    filler = hashlib.sha256(seed_bytes("long serials")).digest()
    cases = [
        ("serial-1", der_int(1), "ok", "Serial number 1: one content octet."),
        ("serial-20-octets", tlv(0x02, b"\x7f" + filler[:19]), "ok",
         "A positive 20-octet serial: the RFC 5280 maximum."),
        ("serial-21-octets", tlv(0x02, b"\x01" + filler[:20]), "certSerialTooLong",
         "A positive 21-octet serial."),
        ("serial-zero", der_int(0), "ok",
         "Serial number 0: parses (some real roots carry it); refused on a path."),
        ("serial-negative", der_int(-12345), "certBadSerial", "Serial number -12345."),
        ("serial-nonminimal", tlv(0x02, b"\x00\x01"), "derBadInteger",
         "Serial 1 encoded as 00 01: not minimal."),
        ("der-nonminimal-length-serial", b"\x02\x81\x10" + filler[:16], "derNonMinimalLength",
         "Serial INTEGER length 16 written in long form (81 10)."),
    ]
    for file, raw, expect, what in cases:
        pki_leaf(pool, file, b.i256, what, parts={"serial": raw}, expect_parse=expect)


EC_PUBLIC_KEY = "1.2.840.10045.2.1"
PRIME256V1 = "1.2.840.10045.3.1.7"


def explicit_p256_spki(key: Key) -> bytes:
    """SubjectPublicKeyInfo with the P-256 domain parameters spelled out (RFC 3279
    ECParameters) instead of the named-curve OID that RFC 5480 requires."""
    p = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    g = ec.derive_private_key(1, ec.SECP256R1()).public_key().public_numbers()
    b = (g.y * g.y - g.x ** 3 + 3 * g.x) % p  # from y^2 = x^3 - 3x + b at the generator
    assert b == 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
    field_id = der_seq(der_oid("1.2.840.10045.1.1"), der_int(p))
    curve = der_seq(der_octets((p - 3).to_bytes(32, "big")), der_octets(b.to_bytes(32, "big")))
    base = der_octets(b"\x04" + g.x.to_bytes(32, "big") + g.y.to_bytes(32, "big"))
    parameters = der_seq(der_int(1), field_id, curve, base, der_int(n), der_int(1))
    point = key.facts()["point_hex"]
    return der_seq(der_seq(der_oid(EC_PUBLIC_KEY), parameters), der_bits(bytes.fromhex(point)))


def pki_keys(pool: Pool, b: PkiBase) -> None:
    leaf = pki_leaf
    rsa1024 = Entity(dn("key-rsa1024"), rsa_key("pki/key-rsa1024", 1024))
    leaf(pool, "key-rsa1024", b.rsa_int, "RSA-1024 subject key: parses; the minimum size is "
         "policy (certWeakKey during validation).", subject=rsa1024,
         ku=("digitalSignature", "keyEncipherment"))
    for curve in ("P-192", "P-521"):
        leaf(pool, f"key-{curve.lower().replace('-', '')}", b.i256, f"{curve} subject key.",
             curve=curve, expect_parse="certUnsupportedCurve")
    dsa_subject = Entity(dn("key-dsa"), dsa_key("pki/key-dsa"))
    leaf(pool, "key-dsa", b.i256, "DSA (1024/160) subject key.", subject=dsa_subject,
         expect_parse="certUnsupportedKeyAlgorithm")
    key = ec_key("pki/key-ec-compressed")
    point = key.public.public_bytes(serialization.Encoding.X962,
                                    serialization.PublicFormat.CompressedPoint)
    spki = der_seq(der_seq(der_oid(EC_PUBLIC_KEY), der_oid(PRIME256V1)), der_bits(point))
    leaf(pool, "key-ec-compressed", b.i256, "P-256 key as a 33-octet compressed point; "
         "key.point_hex holds the point as encoded.", subject=Entity(dn("compressed"), key),
         parts={"spki": spki}, expect_parse="certBadPublicKey",
         key_facts={"type": "ec", "curve": "P-256", "point_hex": point.hex()})
    key = ec_key("pki/key-ec-explicit")
    leaf(pool, "key-ec-explicit", b.i256, "P-256 key with explicit curve parameters "
         "(key.curve is \"explicit\").", subject=Entity(dn("explicit"), key),
         parts={"spki": explicit_p256_spki(key)}, expect_parse="certUnsupportedCurve",
         key_facts=dict(key.facts(), curve="explicit"))


# ======================================================================= scenarios/: path building

BUILD_TIME_LAG = 30 * DAY  # a device's bundle is typically built a month before it is used


class Book:
    """The scenario table, with a structural check of every entry as it is written."""

    def __init__(self):
        self.rows: list[dict] = []

    def ok(self, name: str, description: str, anchors, presented, path, anchor, **kw):
        self._add(name, description, anchors, presented, "ok", path=path, anchor=anchor, **kw)

    def fail(self, name: str, description: str, anchors, presented, expect: str,
             failing: int | None, **kw):
        self._add(name, description, anchors, presented, expect, failing=failing, **kw)

    def _add(self, name, description, anchors, presented, expect, *, path=None, anchor=None,
             failing=None, stored=(), time=T0, build=None, purpose="serverAuth", peer=None,
             limits=None, revoked=(), profile=None, reencoded=False):
        if build is None:
            build = (T0 if time is None else time) - BUILD_TIME_LAG
        files = lambda certs: [c.file for c in certs]  # noqa: E731
        row = {
            "name": name, "description": description,
            "anchors": files(anchors), "stored": files(stored), "presented": files(presented),
            "time": time, "store_build_time": build, "purpose": purpose,
            "peer": {"kind": peer[0], "value": peer[1]} if peer else None,
            "limits": limits,
            "revoked": [{"issuer": issuer.file, "serial_hex": serial_hex(victim)}
                        for issuer, victim in revoked],
            "expect": expect,
            "expect_path": files(path) if path else None,
            "expect_anchor": anchor.file if anchor else None,
            "expect_failing_index": failing,
        }
        if profile is not None:  # absent: the default profile
            assert profile == "strict", name
            row["profile"] = profile
        check_row(row, path, anchor, list(presented) + list(stored), reencoded)
        if any(r["name"] == name for r in self.rows):
            raise ValueError(f"duplicate scenario {name}")
        self.rows.append(row)


def serial_hex(victim) -> str:
    return victim if isinstance(victim, str) else der_content(victim.fields["serial"]).hex()


def check_row(row: dict, path, anchor, available, reencoded: bool = False) -> None:
    name = row["name"]
    assert row["presented"], name
    assert name.replace("-", "").isalnum(), name
    assert row["time"] is None or row["time"] >= row["store_build_time"], name
    if row["expect"] != "ok":
        assert path is None and anchor is None, name
        failing = row["expect_failing_index"]
        assert failing is None or 0 <= failing < len(row["presented"]), name
        return
    assert row["expect_failing_index"] is None and row["expect_path"][0] == row["presented"][0]
    assert anchor.file in row["anchors"], name
    assert all(any(c is a for a in available) for c in path), name
    chain = list(path) + [anchor]
    for child, parent in zip(chain, chain[1:]):  # each link: names chain, key signs
        # `reencoded`: the issuer name is the parent's subject in other string types and case
        # (RFC 5280 7.1 matching, not byte equality).
        assert reencoded or child.spec.issuer.name_der == parent.spec.subject.name_der, \
            (name, child.file)
        assert child.spec.issuer.key is parent.spec.subject.key, (name, child.file)


def sc_entity(cn: str, **kw) -> Entity:
    return entity(cn, "sc", **kw)


@dataclass
class Base:
    """The everyday chains most scenarios lean on."""
    root_a: Cert
    int_a: Cert
    leaf_a: Cert
    client_a: Cert
    root_b: Cert
    int_b: Cert
    leaf_b: Cert
    client_b: Cert
    root_r: Cert
    int_r: Cert
    leaf_r: Cert
    client_r: Cert
    unrelated_root: Cert
    unrelated_int: Cert
    unrelated_leaf: Cert


def who(cert: Cert) -> Entity:
    """The subject (name and key) a certificate speaks for, to issue or cross-sign with."""
    return cert.spec.subject


def base_chain(pool: Pool, tag: str, label: str, host: str, email: str, **key) -> list[Cert]:
    root = sc_entity(f"Test Root {label}", **key)
    inter = sc_entity(f"Test Intermediate {label}", **key)
    return [pool.root(f"root-{tag}", root), pool.ca(f"int-{tag}", inter, root),
            pool.leaf(f"leaf-{tag}", sc_entity(f"Server {label}", **key), inter,
                      san=[("dns", host), ("ip", "192.0.2.1"), ("ip", "2001:db8::1")]),
            pool.leaf(f"client-{tag}", sc_entity(f"Client {label}", **key), inter,
                      san=[("email", email)], eku=("clientAuth",))]


def base_pki(pool: Pool) -> Base:
    a = base_chain(pool, "a", "A", "server.example.com", "alice@example.com")
    b = base_chain(pool, "b", "B", "b.example.com", "bob@example.com", curve="P-384")
    r = base_chain(pool, "r", "RSA", "rsa.example.com", "carol@example.com", rsa_bits=2048)
    u_root, u_int = sc_entity("Unrelated Root"), sc_entity("Unrelated Intermediate")
    u = [pool.root("unrelated-root", u_root), pool.ca("unrelated-int", u_int, u_root),
         pool.leaf("unrelated-leaf", sc_entity("Unrelated leaf"), u_int,
                   san=[("dns", "unrelated.example.com")])]
    return Base(*a, *b, *r, *u)


def leaf_under(pool: Pool, file: str, issuer: Entity, host: str | None = None, **kw) -> Cert:
    """A server leaf with its own key and one dNSName (default: FILE.example.com)."""
    subject = kw.pop("subject", None) or sc_entity(f"leaf {file}")
    san = kw.pop("san", [("dns", host or f"{file}.example.com")])
    return pool.leaf(file, subject, issuer, san=san, **kw)


def scenario_fixtures() -> tuple[Pool, Book]:
    pool, book = Pool(), Book()
    base = base_pki(pool)
    for group in (group_basic, group_depth_and_order, group_lets_encrypt, group_addtrust,
                  group_cycle, group_ca_eku, group_issuer_checks, group_weak_algorithms,
                  group_name_constraints_dns_ip, group_name_constraints_email_dir,
                  group_path_len, group_validity, group_peer_names, group_leaf_checks,
                  group_unknown_critical, group_revocation, group_bad_signature,
                  group_limits, group_mesh, group_client, group_profiles,
                  group_anchor_constraints):
        group(pool, book, base)
    return pool, book


SERVER_PEER = ("dns", "server.example.com")


def group_basic(pool: Pool, book: Book, b: Base) -> None:
    a = [b.leaf_a, b.int_a]
    book.ok("basic-p256", "P-256 leaf and intermediate to a P-256 root.",
            [b.root_a], a, a, b.root_a, peer=SERVER_PEER)
    book.ok("basic-p384", "P-384 chain, ecdsa-with-SHA384 throughout.", [b.root_b],
            [b.leaf_b, b.int_b], [b.leaf_b, b.int_b], b.root_b, peer=("dns", "b.example.com"))
    book.ok("basic-rsa2048", "RSA-2048 chain, sha256WithRSAEncryption throughout.",
            [b.root_r], [b.leaf_r, b.int_r], [b.leaf_r, b.int_r], b.root_r,
            peer=("dns", "rsa.example.com"))
    mixed = pool.ca("mixed-int", sc_entity("Test Mixed Intermediate"), who(b.root_r))
    mixed_leaf = leaf_under(pool, "mixed-leaf", who(mixed))
    book.ok("mixed-rsa-root-p256-intermediate", "A P-256 intermediate under an RSA-2048 root.",
            [b.root_r], [mixed_leaf, mixed], [mixed_leaf, mixed], b.root_r)
    book.ok("stored-intermediate", "The peer sends only its leaf; the intermediate is stored "
            "on the device.", [b.root_a], [b.leaf_a], a, b.root_a, stored=[b.int_a],
            peer=SERVER_PEER)
    book.fail("missing-intermediate", "Only the leaf is sent and nothing is stored.",
              [b.root_a], [b.leaf_a], "pathNoTrustAnchor", None, peer=SERVER_PEER)
    book.fail("wrong-anchor", "A valid chain to root A, but only root B is trusted.",
              [b.root_b], a, "pathNoTrustAnchor", None, peer=SERVER_PEER)
    book.ok("several-anchors", "Three anchors; the right one is last.",
            [b.root_b, b.unrelated_root, b.root_a], a, a, b.root_a, peer=SERVER_PEER)
    book.ok("anchor-not-self-signed", "The intermediate itself is the trust anchor (its "
            "subject and key); the path is the leaf alone.", [b.int_a], [b.leaf_a],
            [b.leaf_a], b.int_a, peer=SERVER_PEER)
    book.ok("peer-sends-root", "The peer also sends the root; the path stops at the anchor.",
            [b.root_a], [b.leaf_a, b.int_a, b.root_a], a, b.root_a, peer=SERVER_PEER)
    book.ok("extra-unrelated", "Unrelated certificates mixed into the chain.", [b.root_a],
            [b.leaf_a, b.unrelated_int, b.int_a, b.unrelated_root], a, b.root_a,
            peer=SERVER_PEER)
    old = sc_entity("Test Expired Root")
    old_root = pool.root("expired-root", old, valid=(T0 - 10 * YEAR, T0 - DAY))
    old_int = pool.ca("expired-root-int", sc_entity("Test Intermediate under Expired Root"),
                      old, valid=(T0 - 2 * YEAR, T0 + YEAR))
    old_leaf = leaf_under(pool, "expired-root-leaf", who(old_int))
    book.fail("anchor-expired", "Leaf and intermediate are valid; the only anchor's notAfter "
              "was yesterday.", [old_root], [old_leaf, old_int], "pathAnchorExpired", None)


def group_depth_and_order(pool: Pool, book: Book, b: Base) -> None:
    e1, e2, e3 = (sc_entity(f"Deep CA {i}") for i in (1, 2, 3))
    c1 = pool.ca("deep-i1", e1, who(b.root_a))
    c2 = pool.ca("deep-i2", e2, e1)
    c3 = pool.ca("deep-i3", e3, e2)
    leaf = leaf_under(pool, "deep-leaf", e3)
    path = [leaf, c3, c2, c1]
    book.ok("shuffled-with-extras", "Three intermediates sent out of order, with unrelated "
            "certificates between them.", [b.root_a],
            [leaf, c1, b.unrelated_int, c3, b.unrelated_leaf, c2], path, b.root_a)
    book.ok("reverse-order", "Intermediates sent root-first.", [b.root_a], [leaf, c1, c2, c3],
            path, b.root_a)
    book.ok("depth-at-max", "Four certificates in the path (leaf and three intermediates; the "
            "anchor is not counted) with depthMax 4.", [b.root_a], path, path, b.root_a,
            limits={"depthMax": 4})
    book.fail("depth-over-max", "The same path with depthMax 3.", [b.root_a], path,
              "pathDepthExceeded", None, limits={"depthMax": 3})


def group_lets_encrypt(pool: Pool, book: Book, b: Base) -> None:
    """The 2021 expiry of DST Root CA X3: servers kept sending ISRG Root X1 cross-signed by DST;
    validators that only followed the chain as sent stopped at the expired DST root."""
    dst = sc_entity("DST Root CA X3", o="iotcert test: Digital Signature Trust Co.")
    x1 = sc_entity("ISRG Root X1", o="iotcert test: Internet Security Research Group")
    r3 = sc_entity("R3", o="iotcert test: Let's Encrypt")
    dst_root = pool.root("le-dst-root-x3", dst, valid=(T0 - 20 * YEAR, T0 - 100 * DAY))
    x1_root = pool.root("le-isrg-root-x1", x1, valid=(T0 - 6 * YEAR, T0 + 9 * YEAR))
    x1_cross = pool.ca("le-isrg-x1-by-dst", x1, dst, valid=(T0 - 5 * YEAR, T0 + YEAR))
    r3_int = pool.ca("le-r3", r3, x1, path_len=0, valid=(T0 - 5 * YEAR, T0 + YEAR),
                     extra=[ext_eku("serverAuth", "clientAuth")])
    leaf = leaf_under(pool, "le-leaf", r3, "www.le.example")
    old_leaf = leaf_under(pool, "le-leaf-2023", r3, "www.le.example",
                          valid=(T0 - 3 * YEAR - 30 * DAY, T0 - 3 * YEAR + 60 * DAY))
    sent, peer = [leaf, r3_int, x1_cross], ("dns", "www.le.example")
    book.ok("le-dst-expired-x1-trusted", "Leaf <- R3 <- ISRG X1; the peer also sends X1 "
            "cross-signed by the expired DST root, which is still an anchor. Must succeed via "
            "the self-signed X1 anchor.", [dst_root, x1_root], sent, [leaf, r3_int], x1_root,
            peer=peer)
    book.ok("le-x1-only-anchor", "As above with only ISRG X1 trusted.", [x1_root], sent,
            [leaf, r3_int], x1_root, peer=peer)
    book.fail("le-dst-only-anchor-expired", "Only the expired DST root is trusted: the only "
              "path ends at an expired anchor.", [dst_root], sent, "pathAnchorExpired", None,
              peer=peer)
    book.ok("le-before-x1-trusted", "Three years earlier, before devices trusted X1: the "
            "cross-signed X1 leads to DST, then valid.", [dst_root],
            [old_leaf, r3_int, x1_cross], [old_leaf, r3_int, x1_cross], dst_root,
            time=T0 - 3 * YEAR, peer=peer)


def group_addtrust(pool: Pool, book: Book, b: Base) -> None:
    """The May 2020 expiry of AddTrust External CA Root, which had cross-signed USERTrust."""
    at = sc_entity("AddTrust External CA Root", o="iotcert test: AddTrust AB", rsa_bits=2048)
    ut = sc_entity("USERTrust RSA Certification Authority",
                   o="iotcert test: The USERTRUST Network", rsa_bits=2048)
    sg = sc_entity("Sectigo RSA Domain Validation Secure Server CA",
                   o="iotcert test: Sectigo Limited", rsa_bits=2048)
    at_root = pool.root("at-addtrust-root", at, valid=(T0 - 20 * YEAR, T0 - YEAR))
    ut_root = pool.root("at-usertrust-root", ut, valid=(T0 - 10 * YEAR, T0 + 12 * YEAR))
    ut_cross = pool.ca("at-usertrust-by-addtrust", ut, at, valid=(T0 - 10 * YEAR, T0 - YEAR))
    sectigo = pool.ca("at-sectigo-int", sg, ut, path_len=0,
                      valid=(T0 - 6 * YEAR, T0 + 4 * YEAR))
    leaf = leaf_under(pool, "at-leaf", sg, "shop.example.com",
                      subject=sc_entity("AddTrust-era leaf", rsa_bits=2048),
                      ku=("digitalSignature", "keyEncipherment"))
    sent, peer = [leaf, sectigo, ut_cross], ("dns", "shop.example.com")
    book.ok("addtrust-usertrust-anchor", "USERTrust's self-signed root is trusted; the peer "
            "also sends USERTrust cross-signed by the expired AddTrust root.", [ut_root], sent,
            [leaf, sectigo], ut_root, peer=peer)
    book.ok("addtrust-both-anchors", "As above, with the expired AddTrust root still in the "
            "anchor set.", [at_root, ut_root], sent, [leaf, sectigo], ut_root, peer=peer)
    book.fail("addtrust-only-anchor", "Only AddTrust is trusted: the cross-certificate "
              "leading to it expired with it, and is refused before the anchor is reached.",
              [at_root], sent, "pathExpired", 2, peer=peer)


def group_cycle(pool: Pool, book: Book, b: Base) -> None:
    x, y = sc_entity("Cycle CA X"), sc_entity("Cycle CA Y")
    x_by_y = pool.ca("cycle-x-by-y", x, y)
    y_by_x = pool.ca("cycle-y-by-x", y, x)
    y_by_root = pool.ca("cycle-y-by-root", y, who(b.root_a))
    leaf = leaf_under(pool, "cycle-leaf", x)
    book.fail("cycle-no-anchor", "X and Y cross-sign each other and nothing leads out: the "
              "search must terminate.", [b.root_a], [leaf, x_by_y, y_by_x],
              "pathNoTrustAnchor", None)
    book.ok("cycle-with-exit", "The same cycle, and Y is also certified by root A.",
            [b.root_a], [leaf, x_by_y, y_by_x, y_by_root], [leaf, x_by_y, y_by_root],
            b.root_a)


def group_ca_eku(pool: Pool, book: Book, b: Base) -> None:
    shared = sc_entity("EKU-constrained Intermediate")
    client_ca = pool.ca("eku-int-client", shared, who(b.root_a), extra=[ext_eku("clientAuth")])
    server_ca = pool.ca("eku-int-server", shared, who(b.root_a), extra=[ext_eku("serverAuth")])
    leaf = leaf_under(pool, "eku-leaf", shared)
    client = pool.leaf("eku-client-leaf", sc_entity("EKU client"), shared,
                       san=[("email", "dave@example.com")], eku=("clientAuth",))
    book.ok("ca-eku-second-candidate", "Two intermediates share subject and key; the first "
            "sent is limited to clientAuth, the second to serverAuth.", [b.root_a],
            [leaf, client_ca, server_ca], [leaf, server_ca], b.root_a)
    book.fail("ca-eku-client-only", "Only the clientAuth-limited intermediate is available.",
              [b.root_a], [leaf, client_ca], "pathIssuerExtendedKeyUsage", 1)
    book.ok("ca-eku-client-purpose", "A client leaf for purpose clientAuth picks the "
            "clientAuth intermediate, sent second.", [b.root_a], [client, server_ca, client_ca],
            [client, client_ca], b.root_a, purpose="clientAuth",
            peer=("email", "dave@example.com"))


def group_issuer_checks(pool: Pool, book: Book, b: Base) -> None:
    root = who(b.root_a)
    no_bc, ca_false = sc_entity("CA without basicConstraints"), sc_entity("CA with cA FALSE")
    cases = [
        (pool.ca("issuer-no-bc", no_bc, root,
                 exts=[ext_key_usage(*CA_KU), ext_ski(no_bc.key), ext_aki(root.key)]),
         "pathIssuerNotCA", "The issuer has keyCertSign but no basicConstraints."),
        (pool.ca("issuer-ca-false", ca_false, root,
                 exts=[ext_basic_constraints(False), ext_key_usage(*CA_KU),
                       ext_ski(ca_false.key), ext_aki(root.key)]),
         "pathIssuerNotCA", "The issuer's basicConstraints says cA FALSE."),
        (pool.ca("issuer-no-keycertsign", sc_entity("CA without keyCertSign"), root,
                 ku=("digitalSignature", "cRLSign")),
         "pathIssuerKeyUsage", "The issuer's keyUsage lacks keyCertSign."),
    ]
    for ca, expect, what in cases:
        leaf = leaf_under(pool, f"{ca.spec.file}-leaf", who(ca))
        book.fail(ca.spec.file, what, [b.root_a], [leaf, ca], expect, 1)
    no_ku = sc_entity("CA without keyUsage")
    ca = pool.ca("issuer-no-key-usage", no_ku, root,
                 exts=[ext_basic_constraints(True), ext_ski(no_ku.key), ext_aki(root.key)])
    leaf = leaf_under(pool, "issuer-no-key-usage-leaf", no_ku)
    book.ok("issuer-no-key-usage", "The issuer has cA TRUE and no keyUsage extension at all: "
            "keyUsage restricts only when present.", [b.root_a], [leaf, ca], [leaf, ca],
            b.root_a)


def group_weak_algorithms(pool: Pool, book: Book, b: Base) -> None:
    shared = sc_entity("SHA-1 cross-signed Intermediate")
    sha1 = pool.ca("weak-int-sha1", shared, who(b.root_a), sig_alg="ecdsa-sha1")
    sha256 = pool.ca("weak-int-sha256", shared, who(b.root_a))
    leaf = leaf_under(pool, "weak-leaf", shared)
    book.ok("sha1-link-with-sha256-alternative", "The intermediate exists signed with "
            "ecdsa-with-SHA1 (sent first) and with SHA-256.", [b.root_a], [leaf, sha1, sha256],
            [leaf, sha256], b.root_a)
    book.fail("sha1-link-only", "Only the SHA-1-signed intermediate is available.",
              [b.root_a], [leaf, sha1], "certWeakSignatureAlgorithm", 1)
    for alg, inter, root in (("ecdsa-sha1", b.int_a, b.root_a), ("rsa-sha1", b.int_r, b.root_r),
                             ("rsa-md5", b.int_r, b.root_r)):
        weak = leaf_under(pool, f"weak-leaf-{alg}", who(inter), sig_alg=alg)
        book.fail(f"weak-leaf-{alg}", f"The leaf is signed with {alg}.", [root], [weak, inter],
                  "certWeakSignatureAlgorithm", 0)
    small = Entity(dn("RSA-1024 leaf"), rsa_key("sc/weak-leaf-rsa1024", 1024))
    rsa1024 = leaf_under(pool, "weak-leaf-rsa1024", who(b.int_r), subject=small,
                         ku=("digitalSignature", "keyEncipherment"))
    book.fail("weak-leaf-rsa1024", "The leaf's key is RSA-1024, below the default minimum.",
              [b.root_r], [rsa1024, b.int_r], "certWeakKey", 0)


def constrained_ca(pool: Pool, file: str, cn: str, issuer: Entity, permitted=(),
                   excluded=()) -> Cert:
    return pool.ca(file, sc_entity(cn), issuer,
                   extra=[ext_name_constraints(permitted, excluded)])


def nc_case(pool: Pool, book: Book, name: str, cas: list[Cert], anchor: Cert, san, ok: bool,
            description: str) -> None:
    """One name-constraint scenario: a leaf whose only SAN is `san`, expected to be its peer
    name, under `cas`. A violation is charged to the leaf, whose name is out of bounds."""
    kind, value = san
    client = kind == "email"
    leaf = pool.leaf(f"{name}-leaf", sc_entity(f"leaf {name}"), who(cas[0]), san=[san],
                     eku=("clientAuth",) if client else ("serverAuth",))
    kw = {"peer": san, "purpose": "clientAuth" if client else "serverAuth"}
    sent = [leaf] + cas
    if ok:
        book.ok(name, description, [anchor], sent, sent, anchor, **kw)
    else:
        book.fail(name, description, [anchor], sent, "pathNameConstraintViolation", 0, **kw)


def group_name_constraints_dns_ip(pool: Pool, book: Book, b: Base) -> None:
    root = who(b.root_a)
    dns = constrained_ca(pool, "nc-dns-permitted-int", "NC permitted example.com", root,
                         permitted=[("dns", "example.com")])
    dnsx = constrained_ca(pool, "nc-dns-excluded-int", "NC excluded bad.example.com", root,
                          excluded=[("dns", "bad.example.com")])
    ip = constrained_ca(pool, "nc-ip-int", "NC IP ranges", root,
                        permitted=[("ip", "192.0.2.0/24"), ("ip", "2001:db8::/32")],
                        excluded=[("ip", "192.0.2.128/25"), ("ip", "2001:db8:bad::/48")])
    cases = [
        ("nc-dns-permitted-inside", dns, ("dns", "www.example.com"), True,
         "dNSName inside the permitted subtree example.com."),
        ("nc-dns-permitted-outside", dns, ("dns", "www.example.org"), False,
         "dNSName outside the permitted subtree example.com."),
        ("nc-dns-permitted-suffix-not-label", dns, ("dns", "www.notexample.com"), False,
         "notexample.com ends with the text 'example.com' but is not inside it."),
        ("nc-dns-excluded-outside", dnsx, ("dns", "good.example.com"), True,
         "dNSName outside the excluded subtree bad.example.com."),
        ("nc-dns-excluded-inside", dnsx, ("dns", "host.bad.example.com"), False,
         "dNSName inside the excluded subtree bad.example.com."),
        ("nc-ip4-permitted", ip, ("ip", "192.0.2.10"), True, "192.0.2.10 in 192.0.2.0/24."),
        ("nc-ip4-outside", ip, ("ip", "198.51.100.10"), False,
         "198.51.100.10 outside 192.0.2.0/24."),
        ("nc-ip4-excluded", ip, ("ip", "192.0.2.200"), False,
         "192.0.2.200 in the excluded 192.0.2.128/25."),
        ("nc-ip6-permitted", ip, ("ip", "2001:db8::10"), True, "2001:db8::10 in 2001:db8::/32."),
        ("nc-ip6-outside", ip, ("ip", "2001:db9::1"), False, "2001:db9::1 outside 2001:db8::/32."),
        ("nc-ip6-excluded", ip, ("ip", "2001:db8:bad::1"), False,
         "2001:db8:bad::1 in the excluded 2001:db8:bad::/48."),
    ]
    for name, ca, san, ok, what in cases:
        nc_case(pool, book, name, [ca], b.root_a, san, ok, what)
    anchored = sc_entity("NC Anchor example.net")
    anchor = pool.root("nc-anchor-root", anchored,
                       extra=[ext_name_constraints([("dns", "example.net")])])
    under = pool.ca("nc-anchor-int", sc_entity("Intermediate under NC Anchor"), anchored)
    nc_case(pool, book, "nc-anchor-inside", [under], anchor, ("dns", "www.example.net"), True,
            "The trust anchor itself permits only example.net; the leaf is inside.")
    nc_case(pool, book, "nc-anchor-outside", [under], anchor, ("dns", "www.example.com"), False,
            "The trust anchor itself permits only example.net; the leaf is outside.")


def group_name_constraints_email_dir(pool: Pool, book: Book, b: Base) -> None:
    root = who(b.root_a)
    mail = constrained_ca(pool, "nc-email-int", "NC mail example.com", root,
                          permitted=[("email", "example.com")],
                          excluded=[("email", "eve@example.com")])
    for name, address, ok, what in (
            ("nc-email-permitted", "alice@example.com", True, "Mailbox at host example.com."),
            ("nc-email-outside", "bob@example.org", False, "Mailbox at another host."),
            ("nc-email-excluded", "eve@example.com", False, "The one excluded mailbox.")):
        nc_case(pool, book, name, [mail], b.root_a, ("email", address), ok, what)
    corp = dn(None, o="Example Corp")
    quarantine = dn(None, o="Example Corp", ou="Quarantine")
    ca = constrained_ca(pool, "nc-dirname-int", "NC directoryName Example Corp", root,
                        permitted=[("dirname", corp)], excluded=[("dirname", quarantine)])
    for name, subject, ok, what in (
            ("nc-dirname-permitted", dn("device 1", o="Example Corp"), True,
             "Subject C=US, O=Example Corp, CN=device 1: inside the permitted subtree."),
            ("nc-dirname-outside", dn("device 2", o="Other Corp"), False,
             "Subject C=US, O=Other Corp, CN=device 2: outside the permitted subtree."),
            ("nc-dirname-excluded", dn("device 3", o="Example Corp", ou="Quarantine"), False,
             "Subject under the excluded C=US, O=Example Corp, OU=Quarantine.")):
        leaf = pool.leaf(f"{name}-leaf", Entity(subject, ec_key(f"sc/{name}")), who(ca),
                         san=[("dns", f"{name}.example.com")])
        if ok:
            book.ok(name, what, [b.root_a], [leaf, ca], [leaf, ca], b.root_a, purpose="any")
        else:
            book.fail(name, what, [b.root_a], [leaf, ca], "pathNameConstraintViolation", 0,
                      purpose="any")


def group_path_len(pool: Pool, book: Book, b: Base) -> None:
    root = who(b.root_a)
    e1, e2, e3 = (sc_entity(f"PathLen 1 {role}") for role in ("CA", "Sub CA", "Sub-sub CA"))
    c1 = pool.ca("pathlen1-int", e1, root, path_len=1)
    c2 = pool.ca("pathlen1-sub", e2, e1)
    c3 = pool.ca("pathlen1-subsub", e3, e2)
    at_limit = leaf_under(pool, "pathlen1-leaf", e2)
    deep = leaf_under(pool, "pathlen1-deep-leaf", e3)
    book.ok("pathlen-at-limit", "pathLenConstraint 1 with one intermediate below it.",
            [b.root_a], [at_limit, c2, c1], [at_limit, c2, c1], b.root_a)
    book.fail("pathlen-exceeded", "pathLenConstraint 1 with two intermediates below it; the "
              "failing index is the CA whose constraint is exceeded.", [b.root_a],
              [deep, c3, c2, c1], "pathLengthExceeded", 3)
    zero = sc_entity("PathLen 0 CA")
    renewed = sc_entity("PathLen 0 CA", key="PathLen 0 CA renewed key")
    c0 = pool.ca("pathlen0-int", zero, root, path_len=0)
    rollover = pool.ca("pathlen0-rollover", renewed, zero)
    sub = pool.ca("pathlen0-sub", sc_entity("PathLen 0 Sub CA"), zero)
    rollover_leaf = leaf_under(pool, "pathlen0-rollover-leaf", renewed)
    sub_leaf = leaf_under(pool, "pathlen0-sub-leaf", who(sub))
    book.ok("pathlen-self-issued-not-counted", "pathLenConstraint 0 above a self-issued "
            "key-rollover certificate (same name, new key), which RFC 5280 6.1.4 (l) does not "
            "count.", [b.root_a], [rollover_leaf, rollover, c0], [rollover_leaf, rollover, c0],
            b.root_a)
    book.fail("pathlen-zero-exceeded", "pathLenConstraint 0 above an ordinary intermediate.",
              [b.root_a], [sub_leaf, sub, c0], "pathLengthExceeded", 2)


def group_validity(pool: Pool, book: Book, b: Base) -> None:
    ia, a = who(b.int_a), [b.leaf_a, b.int_a]
    expired = leaf_under(pool, "expired-leaf", ia, valid=(T0 - 90 * DAY, T0 - DAY))
    future = leaf_under(pool, "future-leaf", ia, valid=(T0 + DAY, T0 + 90 * DAY))
    book.fail("leaf-expired", "The leaf expired yesterday.", [b.root_a], [expired, b.int_a],
              "pathExpired", 0)
    book.fail("leaf-not-yet-valid", "The leaf becomes valid tomorrow.", [b.root_a],
              [future, b.int_a], "pathNotYetValid", 0)
    nb, na = LEAF_VALID
    book.ok("validity-at-not-after", "time == the leaf's notAfter: the validity period is "
            "inclusive (RFC 5280 4.1.2.5).", [b.root_a], a, a, b.root_a, time=na)
    book.fail("validity-after-not-after", "One second after the leaf's notAfter.", [b.root_a],
              a, "pathExpired", 0, time=na + 1)
    book.ok("validity-at-not-before", "time == the leaf's notBefore.", [b.root_a], a, a,
            b.root_a, time=nb)
    book.fail("validity-before-not-before", "One second before the leaf's notBefore.",
              [b.root_a], a, "pathNotYetValid", 0, time=nb - 1)
    renewed = sc_entity("Renewed Intermediate")
    old = pool.ca("renewed-int-expired", renewed, who(b.root_a),
                  valid=(T0 - 3 * YEAR, T0 - 10 * DAY))
    new = pool.ca("renewed-int-current", renewed, who(b.root_a),
                  valid=(T0 - 20 * DAY, T0 + 3 * YEAR))
    leaf = leaf_under(pool, "renewed-leaf", renewed)
    book.ok("expired-intermediate-with-renewal", "The expired intermediate is sent first; its "
            "renewal (same subject and key) is sent second.", [b.root_a], [leaf, old, new],
            [leaf, new], b.root_a)
    book.fail("expired-intermediate-only", "Only the expired intermediate is sent.",
              [b.root_a], [leaf, old], "pathExpired", 1)
    stale = leaf_under(pool, "clockless-leaf", ia, valid=(T0 - 100 * DAY, T0 - 10 * DAY))
    book.fail("no-clock-built-after-expiry", "No clock; the bundle was built after the leaf "
              "expired, so the leaf has certainly expired.", [b.root_a], [stale, b.int_a],
              "pathExpired", 0, time=None, build=T0)
    book.ok("no-clock-built-before-expiry", "No clock; the bundle was built while the leaf "
            "was valid, so it cannot be proven expired.", [b.root_a], [stale, b.int_a],
            [stale, b.int_a], b.root_a, time=None, build=T0 - 20 * DAY)


def group_peer_names(pool: Pool, book: Book, b: Base) -> None:
    a, ia = [b.leaf_a, b.int_a], who(b.int_a)
    wild = leaf_under(pool, "wildcard-leaf", ia, "*.example.com")
    no_san = pool.leaf("no-san-leaf", sc_entity("server.example.com", key="no-san-leaf"), ia,
                       san=None)
    cases = [
        ("peer-dns-mismatch", a, ("dns", "other.example.com"), False, "Another host name."),
        ("peer-dns-case-insensitive", a, ("dns", "SERVER.Example.COM"), True,
         "DNS names compare without regard to ASCII case."),
        ("peer-ip4-match", a, ("ip", "192.0.2.1"), True, "IPv4 address in the SAN."),
        ("peer-ip4-mismatch", a, ("ip", "192.0.2.2"), False, "IPv4 address not in the SAN."),
        ("peer-ip6-match", a, ("ip", "2001:db8::1"), True, "IPv6 address in the SAN."),
        ("peer-ip6-mismatch", a, ("ip", "2001:db8::2"), False, "IPv6 address not in the SAN."),
        ("wildcard-one-label", [wild, b.int_a], ("dns", "a.example.com"), True,
         "*.example.com matches a.example.com (RFC 6125 6.4.3)."),
        ("wildcard-not-apex", [wild, b.int_a], ("dns", "example.com"), False,
         "*.example.com does not match example.com."),
        ("wildcard-single-label-only", [wild, b.int_a], ("dns", "a.b.example.com"), False,
         "*.example.com does not match a.b.example.com."),
    ]
    for name, sent, peer, ok, what in cases:
        if ok:
            book.ok(name, what, [b.root_a], sent, sent, b.root_a, peer=peer)
        else:
            book.fail(name, what, [b.root_a], sent, "pathPeerNameMismatch", 0, peer=peer)
    book.fail("no-san-with-peer", "The leaf has no subjectAltName (only CN=server.example.com,"
              " which is not consulted) and a peer name is expected.", [b.root_a],
              [no_san, b.int_a], "pathNoSubjectAltName", 0, peer=SERVER_PEER)
    book.ok("no-san-without-peer", "The same leaf with no peer name to check.", [b.root_a],
            [no_san, b.int_a], [no_san, b.int_a], b.root_a)


def group_leaf_checks(pool: Pool, book: Book, b: Base) -> None:
    ia = who(b.int_a)
    cases = [
        ("leaf-eku-client-only", {"eku": ("clientAuth",)}, "pathLeafExtendedKeyUsage",
         "The leaf's EKU is clientAuth only; the purpose is serverAuth."),
        ("leaf-no-eku", {"eku": None}, "ok",
         "No EKU extension: RFC 5280 4.2.1.12 puts no restriction on the purpose."),
        ("leaf-ku-nonrepudiation", {"ku": ("nonRepudiation",)}, "pathLeafKeyUsage",
         "keyUsage present without digitalSignature on a TLS leaf."),
        ("leaf-no-ku", {"ku": None}, "ok", "No keyUsage extension on the leaf."),
        ("leaf-is-ca", {"extra": [ext_basic_constraints(True)]}, "pathCAUsedAsLeaf",
         "The end-entity certificate says cA TRUE."),
    ]
    for name, kw, expect, what in cases:
        leaf = leaf_under(pool, name, ia, **kw)
        sent, peer = [leaf, b.int_a], ("dns", f"{name}.example.com")
        if expect == "ok":
            book.ok(name, what, [b.root_a], sent, sent, b.root_a, peer=peer)
        else:
            book.fail(name, what, [b.root_a], sent, expect, 0, peer=peer)


def group_unknown_critical(pool: Pool, book: Book, b: Base) -> None:
    ia = who(b.int_a)
    critical = leaf_under(pool, "leaf-unknown-critical", ia, extra=[ext_unknown(True)])
    quiet = leaf_under(pool, "leaf-unknown-noncritical", ia, extra=[ext_unknown(False)])
    book.fail("leaf-unknown-critical", "The leaf carries an unknown critical extension.",
              [b.root_a], [critical, b.int_a], "pathUnknownCriticalExtension", 0)
    book.ok("leaf-unknown-noncritical", "The same extension, not critical, is ignored.",
            [b.root_a], [quiet, b.int_a], [quiet, b.int_a], b.root_a)
    ca = pool.ca("int-unknown-critical", sc_entity("CA with an unknown critical extension"),
                 who(b.root_a), extra=[ext_unknown(True)])
    leaf = leaf_under(pool, "int-unknown-critical-leaf", who(ca))
    book.fail("int-unknown-critical", "The intermediate carries an unknown critical "
              "extension.", [b.root_a], [leaf, ca], "pathUnknownCriticalExtension", 1)


def group_revocation(pool: Pool, book: Book, b: Base) -> None:
    a = [b.leaf_a, b.int_a]
    book.fail("revoked-leaf", "The leaf's (issuer, serial) is on the revocation list.",
              [b.root_a], a, "pathRevoked", 0, revoked=[(b.int_a, b.leaf_a)])
    book.fail("revoked-intermediate", "The intermediate's (issuer, serial) is on the list.",
              [b.root_a], a, "pathRevoked", 1, revoked=[(b.root_a, b.int_a)])
    book.ok("revocation-other-serial", "A sibling certificate is revoked, not this leaf.",
            [b.root_a], a, a, b.root_a, revoked=[(b.int_a, b.client_a)])
    book.ok("revocation-serial-other-issuer", "The leaf's serial is listed, but under "
            "another issuer: revocation is by (issuer, serial).", [b.root_a], a, a, b.root_a,
            revoked=[(b.int_b, b.leaf_a)])


def group_bad_signature(pool: Pool, book: Book, b: Base) -> None:
    tampered = {"post": flip_last_signature_octet, "bad_signature": True}
    leaf = leaf_under(pool, "badsig-leaf", who(b.int_a), **tampered)
    book.fail("bad-signature-leaf", "The last octet of the leaf's signature was altered.",
              [b.root_a], [leaf, b.int_a], "pathBadSignature", 0)
    rsa_leaf = leaf_under(pool, "badsig-rsa-leaf", who(b.int_r), **tampered)
    book.fail("bad-signature-rsa-leaf", "The last octet of an RSA signature was altered.",
              [b.root_r], [rsa_leaf, b.int_r], "pathBadSignature", 0)
    twin, serial = sc_entity("Tampered Intermediate"), serial_for("badsig-int")
    good = pool.ca("badsig-int-good", twin, who(b.root_a), serial=serial)
    bad = pool.ca("badsig-int-tampered", twin, who(b.root_a), serial=serial, **tampered)
    leaf = leaf_under(pool, "badsig-int-leaf", twin)
    book.fail("bad-signature-intermediate", "The intermediate's signature was altered (the "
              "TBS is intact).", [b.root_a], [leaf, bad], "pathBadSignature", 1)
    book.ok("bad-signature-with-good-copy", "The tampered copy is sent first, the intact one "
            "second.", [b.root_a], [leaf, bad, good], [leaf, good], b.root_a)


def group_limits(pool: Pool, book: Book, b: Base) -> None:
    shared = sc_entity("Candidate Intermediate")
    roots = [sc_entity(f"Candidate Root {j}") for j in range(5)]
    anchor = pool.root("cand-root-4", roots[4])
    copies = [pool.ca(f"cand-int-by-root-{j}", shared, r) for j, r in enumerate(roots)]
    leaf = leaf_under(pool, "cand-leaf", shared)
    sent = [leaf] + copies
    book.ok("candidates-at-max", "Five certificates share the leaf's issuer name and key "
            "(cross-signed by five roots, only the last trusted); candidatesMax 5.", [anchor],
            sent, [leaf, copies[4]], anchor, limits={"candidatesMax": 5})
    book.fail("candidates-over-max", "The same with candidatesMax 4.", [anchor], sent,
              "pathCandidatesExceeded", None, limits={"candidatesMax": 4})
    permitted = [("dns", f"p{i}.example.com") for i in range(20)]
    excluded = [("dns", f"x{i}.example.com") for i in range(20)]
    ca = constrained_ca(pool, "nc-many-int", "NC many subtrees", who(b.root_a), permitted,
                        excluded)
    names = [("dns", f"h.p{i}.example.com") for i in range(20)]
    many = pool.leaf("nc-many-leaf", sc_entity("NC many names"), who(ca), san=names)
    peer = ("dns", "h.p0.example.com")
    book.fail("name-comparisons-over-budget", "20 SAN dNSNames against 20 permitted and 20 "
              "excluded subtrees: at least 400 comparisons (every name against every excluded "
              "subtree), budget 100.", [b.root_a], [many, ca],
              "pathNameConstraintBudgetExhausted", None, peer=peer,
              limits={"nameComparisonsMax": 100})
    book.ok("name-comparisons-within-budget", "The same with a budget of 2000 (at most "
            "20 x 40 = 800 are needed).", [b.root_a], [many, ca], [many, ca], b.root_a,
            peer=peer, limits={"nameComparisonsMax": 2000})


MESH_WIDTH, MESH_LEVELS = 5, 4
MESH_LIMITS = {"depthMax": 8, "candidatesMax": 32, "presentedMax": 128}


@dataclass
class Mesh:
    leaf: Cert
    certs: list[Cert]  # in the order sent: the leaf's level first
    exit_chain: list[Cert]  # from the leaf's issuer up to the exit anchor
    decoy_anchor: Cert
    exit_anchor: Cert


def build_mesh(pool: Pool) -> Mesh:
    """MESH_LEVELS levels of MESH_WIDTH CAs; every CA of a level shares the level's name and is
    certified by every CA of the level above (BetterTLS-style). Level 1 CAs are certified by
    "Mesh Top" keys that no anchor holds; the decoy anchor has that name and another key, so
    that pruning by name alone cannot skip the search."""
    tops = [sc_entity("Mesh Top", key=f"mesh-top-{j}") for j in range(MESH_WIDTH)]
    decoy = pool.root("mesh-top-decoy", sc_entity("Mesh Top", key="mesh-top-decoy"))
    exit_top = sc_entity("Mesh Top", key="mesh-top-exit")
    exit_anchor = pool.root("mesh-top-exit", exit_top)
    levels = [[sc_entity(f"Mesh L{i}", key=f"mesh-l{i}-{j}") for j in range(MESH_WIDTH)]
              for i in range(1, MESH_LEVELS + 1)]
    certs = []
    for i in reversed(range(MESH_LEVELS)):
        for j, subject in enumerate(levels[i]):
            issuers = [tops[j]] if i == 0 else levels[i - 1]
            for k, issuer in enumerate(issuers):
                suffix = "" if i == 0 else f"-by-{k}"
                certs.append(pool.ca(f"mesh-l{i + 1}-{j}{suffix}", subject, issuer))
    leaf = leaf_under(pool, "mesh-leaf", levels[-1][0], "mesh.example.com")
    # The exit: a separate column of CAs, joined to the mesh only as one more certificate for
    # the leaf's issuer. Sent last, it is the last candidate a search in sent order tries.
    column = [sc_entity(f"Mesh L{i}", key=f"mesh-l{i}-exit") for i in range(1, MESH_LEVELS)]
    chain = [levels[-1][0]] + column[::-1] + [exit_top]
    exit_chain = [pool.ca(f"mesh-exit-l{MESH_LEVELS - n}", subject, issuer)
                  for n, (subject, issuer) in enumerate(zip(chain, chain[1:]))]
    return Mesh(leaf, certs, exit_chain, decoy, exit_anchor)


def worst_case_signatures(presented: list[Cert], anchors: list[Cert]) -> int:
    """Signature checks made by a depth-first search that matches issuers by name only (no
    key identifiers), tries every candidate, never stops at success and remembers nothing: an
    upper bound for any candidate order and any smarter matching."""
    by_name: dict[bytes, list[Cert]] = {}
    for cert in presented[1:] + anchors:
        by_name.setdefault(cert.spec.subject.name_der, []).append(cert)

    def visit(cert: Cert, path: list[Cert]) -> int:
        count = 0
        for candidate in by_name.get(cert.spec.issuer.name_der, []):
            if any(candidate is p for p in path):
                continue
            count += 1
            if candidate.spec.subject.key is cert.spec.issuer.key and \
                    not any(candidate is a for a in anchors):
                count += visit(candidate, path + [candidate])
        return count

    return visit(presented[0], [presented[0]])


def group_mesh(pool: Pool, book: Book, b: Base) -> None:
    mesh = build_mesh(pool)
    dead = [mesh.leaf] + mesh.certs
    full = dead + mesh.exit_chain
    book.fail("mesh-budget-exhausted", f"{MESH_LEVELS} levels x {MESH_WIDTH} CAs, all "
              "cross-signed by every CA of the level above, no route to an anchor; "
              "signaturesMax 100 runs out first (one signature check per candidate tried).",
              [mesh.decoy_anchor], dead, "pathSignatureBudgetExhausted", None,
              limits=dict(MESH_LIMITS, signaturesMax=100))
    exhaust = worst_case_signatures(dead, [mesh.decoy_anchor])
    book.fail("mesh-exhausted", f"The same mesh with signaturesMax {exhaust} (an exhaustive "
              "name-only search needs no more): the search must end. Every dead end is a "
              "candidate with the right name whose key did not sign (last of all the decoy "
              "anchor 'Mesh Top'), the most specific failure when issuers are matched by name "
              "and key identifiers only order them. A matcher that skipped candidates by key "
              "identifier would see pathNoTrustAnchor instead.",
              [mesh.decoy_anchor], dead, "pathBadSignature", None,
              limits=dict(MESH_LIMITS, signaturesMax=exhaust))
    enough = worst_case_signatures(full, [mesh.exit_anchor])
    book.ok("mesh-exit-last", f"The mesh plus an exit column, reachable only through the "
            f"last-sent candidate for the leaf's issuer; signaturesMax {enough} suffices for "
            "any candidate order.", [mesh.exit_anchor], full, [mesh.leaf] + mesh.exit_chain,
            mesh.exit_anchor, limits=dict(MESH_LIMITS, signaturesMax=enough))


def group_client(pool: Pool, book: Book, b: Base) -> None:
    client = {"purpose": "clientAuth"}
    for name, leaf, inter, root, email in (
            ("client-p256", b.client_a, b.int_a, b.root_a, "alice@example.com"),
            ("client-p384", b.client_b, b.int_b, b.root_b, "bob@example.com"),
            ("client-rsa2048", b.client_r, b.int_r, b.root_r, "carol@example.com")):
        book.ok(name, "mTLS client leaf (rfc822Name SAN, EKU clientAuth), peer e-mail.",
                [root], [leaf, inter], [leaf, inter], root, peer=("email", email), **client)
    a = [b.client_a, b.int_a]
    book.ok("client-no-peer", "Client leaf, no identity expected.", [b.root_a], a, a,
            b.root_a, **client)
    book.ok("client-stored-intermediate", "The client sends only its leaf.", [b.root_a],
            [b.client_a], a, b.root_a, stored=[b.int_a], **client)
    book.fail("client-email-mismatch", "Another mailbox was expected.", [b.root_a], a,
              "pathPeerNameMismatch", 0, peer=("email", "mallory@example.com"), **client)
    book.fail("client-with-server-leaf", "A serverAuth-only leaf presented for clientAuth.",
              [b.root_a], [b.leaf_a, b.int_a], "pathLeafExtendedKeyUsage", 0, **client)
    book.fail("server-with-client-leaf", "A clientAuth-only leaf presented for serverAuth.",
              [b.root_a], a, "pathLeafExtendedKeyUsage", 0)
    book.ok("purpose-any", "Purpose any accepts a clientAuth-only leaf.", [b.root_a], a, a,
            b.root_a, purpose="any")


# ---- trust anchor constraints (RFC 5937's idea): what an anchor certificate says about the
# paths below it. The anchor's own fault has no failing index.

def group_anchor_constraints(pool: Pool, book: Book, b: Base) -> None:
    anchor_eku(pool, book, b)
    anchor_path_len(pool, book, b)
    anchor_validity(pool, book, b)


def anchor_eku(pool: Pool, book: Book, b: Base) -> None:
    client_root = pool.root("anchor-eku-client-root", sc_entity("Anchor clientAuth-only Root"),
                            extra=[ext_eku("clientAuth")])
    any_root = pool.root("anchor-eku-any-root", sc_entity("Anchor anyEKU Root"),
                         extra=[ext_eku("any")])
    shared = sc_entity("Anchor EKU Intermediate")
    inter = pool.ca("anchor-eku-int", shared, who(client_root))
    cross = pool.ca("anchor-eku-int-by-a", shared, who(b.root_a))
    server = leaf_under(pool, "anchor-eku-server-leaf", shared)
    client = pool.leaf("anchor-eku-client-leaf", sc_entity("Anchor EKU client"), shared,
                       san=[("email", "erin@example.com")], eku=("clientAuth",))
    any_int = pool.ca("anchor-eku-any-int", sc_entity("Anchor anyEKU Intermediate"),
                      who(any_root))
    any_leaf = leaf_under(pool, "anchor-eku-any-leaf", who(any_int))
    book.fail("anchor-eku-client-root-server-leaf", "A root whose EKU is clientAuth only "
              "does not validate a TLS server.", [client_root], [server, inter],
              "pathAnchorExtendedKeyUsage", None)
    book.ok("anchor-eku-client-root-client-leaf", "The clientAuth-only root validates an "
            "mTLS client.", [client_root], [client, inter], [client, inter], client_root,
            purpose="clientAuth", peer=("email", "erin@example.com"))
    book.ok("anchor-eku-client-root-purpose-any", "Purpose any: the anchor's EKU does not "
            "apply.", [client_root], [server, inter], [server, inter], client_root,
            purpose="any")
    book.ok("anchor-eku-any-root", "A root with anyExtendedKeyUsage validates a TLS "
            "server.", [any_root], [any_leaf, any_int], [any_leaf, any_int], any_root)
    book.ok("anchor-eku-other-anchor", "The intermediate is cross-signed by the "
            "clientAuth-only root (sent first) and by an unrestricted root: the search "
            "ends at the second.", [client_root, b.root_a], [server, inter, cross],
            [server, cross], b.root_a)


def anchor_path_len(pool: Pool, book: Book, b: Base) -> None:
    top = sc_entity("Anchor PathLen 0 Root")
    root = pool.root("anchor-pathlen0-root", top, path_len=0)
    inter = pool.ca("anchor-pathlen0-int", sc_entity("Anchor PathLen 0 Intermediate"), top)
    renewed = sc_entity("Anchor PathLen 0 Root", key="Anchor PathLen 0 Root renewed key")
    rollover = pool.ca("anchor-pathlen0-rollover", renewed, top)
    direct = leaf_under(pool, "anchor-pathlen0-direct-leaf", top)
    below = leaf_under(pool, "anchor-pathlen0-int-leaf", who(inter))
    renewed_leaf = leaf_under(pool, "anchor-pathlen0-rollover-leaf", renewed)
    book.ok("anchor-pathlen0-no-intermediate", "A root with pathLenConstraint 0 issues the "
            "leaf directly.", [root], [direct], [direct], root)
    book.fail("anchor-pathlen0-one-intermediate", "A root with pathLenConstraint 0 above one "
              "intermediate (RFC 5280 6.1.4 (l), started from the anchor).", [root],
              [below, inter], "pathAnchorLengthExceeded", None)
    book.ok("anchor-pathlen0-self-issued", "A self-issued key-rollover certificate under a "
            "pathLenConstraint 0 root is not counted.", [root], [renewed_leaf, rollover],
            [renewed_leaf, rollover], root)


def anchor_validity(pool: Pool, book: Book, b: Base) -> None:
    not_before = T0 + 10 * DAY
    top = sc_entity("Anchor Future Root")
    root = pool.root("anchor-future-root", top, valid=(not_before, T0 + 10 * YEAR))
    inter = pool.ca("anchor-future-int", sc_entity("Anchor Future Intermediate"), top)
    leaf = leaf_under(pool, "anchor-future-leaf", who(inter))
    chain = [leaf, inter]
    book.fail("anchor-before-not-before", "One second before the root's notBefore.", [root],
              chain, "pathAnchorNotYetValid", None, time=not_before - 1)
    book.ok("anchor-at-not-before", "time == the root's notBefore.", [root], chain, chain,
            root, time=not_before)
    book.fail("anchor-not-yet-valid-no-clock", "No clock; the bundle was built before the "
              "root's notBefore: its validity is not proven, so it is not trusted.", [root],
              chain, "pathAnchorNotYetValid", None, time=None, build=not_before - 1)
    book.ok("anchor-valid-no-clock", "No clock; the bundle was built at the root's "
            "notBefore.", [root], chain, chain, root, time=None, build=not_before)
    current = pool.root("anchor-current-root", top, valid=(T0 - YEAR, not_before + 5 * DAY))
    book.ok("anchor-renewed-root", "The same root (subject and key) twice: the re-issued "
            "certificate, listed first, is not yet valid; the current one ends the path.",
            [root, current], chain, chain, current, time=not_before - 1)


# ======================================================================= output

SCENARIO_CONVENTIONS = {
    "anchors": "Certificates; an anchor is its subject and key, constrained by its "
               "nameConstraints, validity, pathLenConstraint and extendedKeyUsage, "
               "self-signed or not. Its own signature is never checked.",
    "presented": "First the leaf, then the rest in the order the peer sends them.",
    "time": "Unix seconds of the verification. null: the device has no clock and "
            "store_build_time is a lower bound on the current time.",
    "limits": "null or a subset of depthMax, candidatesMax, signaturesMax, "
              "nameComparisonsMax, presentedMax; absent keys take the library defaults.",
    "depthMax": "Counts the certificates of the path without the anchor (len(expect_path)).",
    "signaturesMax": "One unit per signature verification of a candidate issuer (anchors "
                     "included), with no memo of earlier verifications.",
    "expect_path": "When ok: leaf first, up to the certificate the anchor issued; the "
                   "anchor is expect_anchor.",
    "expect_failing_index": "When not ok: the index in presented of the certificate at "
                            "fault, null when the failure belongs to no single presented "
                            "certificate (no anchor, an anchor's own fault, limits and "
                            "budgets, a failure shared by every path of a search). At "
                            "fault: for validity, signature, weak algorithm, unknown "
                            "critical extension and revocation, the certificate "
                            "itself; for issuer checks (CA-ness, keyUsage, EKU, pathLen) the "
                            "issuer; for name constraints the certificate whose name "
                            "violates; for peer name, leaf EKU/keyUsage and the like, 0.",
    "revoked": "(issuer certificate, serial) pairs on the device's revocation list.",
}


# ======================================================================= profiles
# Each rule of docs/validation-rules.md on both sides of each profile: an issuance rule
# passes the default profile and fails the strict one; a validation rule fails (or passes)
# both. Strict rows carry "profile": "strict".

def profile_pair(book: Book, name: str, what: str, anchors, sent, anchor, strict_expect: str,
                 failing: int | None, **kw) -> None:
    """An issuance rule: accepted by the default profile, refused by the strict one."""
    book.ok(name, what + " Default profile: an issuance rule, accepted.", anchors, sent,
            sent, anchor, **kw)
    book.fail(name + "-strict", what + " Strict profile: refused.", anchors, sent,
              strict_expect, failing, profile="strict", **kw)


def both_profiles_fail(book: Book, name: str, what: str, anchors, sent, expect: str,
                       failing: int | None, **kw) -> None:
    """A validation rule: refused by both profiles."""
    book.fail(name, what + " Default profile.", anchors, sent, expect, failing, **kw)
    book.fail(name + "-strict", what + " Strict profile.", anchors, sent, expect, failing,
              profile="strict", **kw)


def both_profiles_ok(book: Book, name: str, what: str, anchors, sent, path, anchor, **kw):
    book.ok(name, what + " Default profile.", anchors, sent, path, anchor, **kw)
    book.ok(name + "-strict", what + " Strict profile.", anchors, sent, path, anchor,
            profile="strict", **kw)


def critical(e: Ext) -> Ext:
    return Ext(e.oid, True, e.value, dict(e.facts))


def group_profiles(pool: Pool, book: Book, b: Base) -> None:
    profile_issuer_rules(pool, book, b)
    profile_leaf_rules(pool, book, b)
    profile_anchor_rules(pool, book, b)
    profile_validation_rules(pool, book, b)


def profile_issuer_rules(pool: Pool, book: Book, b: Base) -> None:
    root = who(b.root_a)
    no_aki = sc_entity("Profile CA without AKI")
    no_ski = sc_entity("Profile CA without SKI")
    bc_quiet = sc_entity("Profile CA with non-critical basicConstraints")
    nc_quiet = sc_entity("Profile CA with non-critical nameConstraints")
    cases = [
        ("prof-int-no-aki", pool.ca("prof-int-no-aki", no_aki, root, exts=[
            ext_basic_constraints(True), ext_key_usage(*CA_KU), ext_ski(no_aki.key)]),
         "The intermediate has no authorityKeyIdentifier (RFC 5280 4.2.1.1)."),
        ("prof-int-no-ski", pool.ca("prof-int-no-ski", no_ski, root, exts=[
            ext_basic_constraints(True), ext_key_usage(*CA_KU), ext_aki(root.key)]),
         "The intermediate has no subjectKeyIdentifier (RFC 5280 4.2.1.2)."),
        ("prof-int-bc-noncritical", pool.ca("prof-int-bc-noncritical", bc_quiet, root, exts=[
            ext_basic_constraints(True, critical=False), ext_key_usage(*CA_KU),
            ext_ski(bc_quiet.key), ext_aki(root.key)]),
         "The intermediate's basicConstraints is not critical (RFC 5280 4.2.1.9)."),
        ("prof-int-nc-noncritical", pool.ca("prof-int-nc-noncritical", nc_quiet, root, extra=[
            ext_name_constraints([("dns", "example.com")], critical=False)]),
         "The intermediate's nameConstraints (permitted example.com) is not critical (RFC "
         "5280 4.2.1.10)."),
    ]
    ski_loud = sc_entity("Profile CA with a critical subjectKeyIdentifier")
    cases.append(("prof-int-ski-critical", pool.ca("prof-int-ski-critical", ski_loud, root,
                  exts=[ext_basic_constraints(True), ext_key_usage(*CA_KU),
                        critical(ext_ski(ski_loud.key)), ext_aki(root.key)]),
                  "The intermediate's subjectKeyIdentifier is critical (RFC 5280 4.2.1.2)."))
    for name, ca, what in cases:
        leaf = leaf_under(pool, f"{name}-leaf", who(ca))
        profile_pair(book, name, what, [b.root_a], [leaf, ca], b.root_a,
                     "pathCertificateProfile", 1)
    # A non-critical constraint is still a constraint, in both profiles.
    outside = leaf_under(pool, "prof-int-nc-noncritical-outside", nc_quiet,
                         "server.example.net")
    nc_ca = pool.certs["prof-int-nc-noncritical"]
    book.fail("prof-int-nc-noncritical-outside", "The same non-critical nameConstraints "
              "(permitted example.com) is enforced by the default profile: a leaf for "
              "example.net is refused.", [b.root_a], [outside, nc_ca],
              "pathNameConstraintViolation", 0)


def profile_leaf_rules(pool: Pool, book: Book, b: Base) -> None:
    ia, sent_with = who(b.int_a), lambda leaf: [leaf, b.int_a]
    serial0 = leaf_under(pool, "prof-leaf-serial-zero", ia, serial=0)
    profile_pair(book, "prof-leaf-serial-zero", "The leaf's serial number is 0 (RFC 5280 "
                 "4.1.2.2; Chromium only warns).", [b.root_a], sent_with(serial0), b.root_a,
                 "certBadSerial", 0)
    cn = leaf_under(pool, "prof-leaf-cn-not-in-san", ia, "prof-leaf.example.com",
                    subject=sc_entity("other.example.com", key="prof-leaf-cn-not-in-san"))
    profile_pair(book, "prof-leaf-cn-not-in-san", "The leaf's commonName other.example.com "
                 "is not among its subjectAltName entries (CABF BR 7.1.4.3).", [b.root_a],
                 sent_with(cn), b.root_a, "pathCommonNameMismatch", 0,
                 peer=("dns", "prof-leaf.example.com"))
    null = leaf_under(pool, "prof-leaf-ecdsa-null-params", ia, sig_alg="ecdsa-sha256-null")
    profile_pair(book, "prof-leaf-ecdsa-null-params", "The leaf's ecdsa-with-SHA256 "
                 "AlgorithmIdentifier carries an explicit NULL (RFC 5758 3.2: absent; Go, "
                 "Mbed TLS and OpenSSL accept it).", [b.root_a], sent_with(null), b.root_a,
                 "pathCertificateProfile", 0)
    kcs = leaf_under(pool, "prof-leaf-keycertsign", ia, ku=("digitalSignature", "keyCertSign"))
    profile_pair(book, "prof-leaf-keycertsign", "The leaf (no cA) asserts keyCertSign (RFC "
                 "5280 4.2.1.3).", [b.root_a], sent_with(kcs), b.root_a,
                 "pathCertificateProfile", 0)
    ncl = leaf_under(pool, "leaf-name-constraints", ia,
                     extra=[ext_name_constraints([("dns", "example.com")])])
    book.fail("leaf-name-constraints", "nameConstraints in an end-entity certificate (RFC "
              "5280 4.2.1.10). Strict profile.", [b.root_a], sent_with(ncl),
              "pathNameConstraintsInLeaf", 0, peer=("dns", "leaf-name-constraints.example.com"),
              profile="strict")
    book.ok("leaf-name-constraints-default", "The same leaf: in a leaf the extension "
            "constrains nothing. Default profile: an issuance rule, accepted.", [b.root_a],
            sent_with(ncl), sent_with(ncl), b.root_a,
            peer=("dns", "leaf-name-constraints.example.com"))
    named = sc_entity(None, key="prof-leaf-san-critical")
    crit = pool.leaf("prof-leaf-san-critical", sc_entity("prof-leaf-san-critical"), ia,
                     san=None, extra=[ext_san(("dns", "prof-leaf-san-critical.example.com"),
                                              critical=True)])
    del named
    profile_pair(book, "prof-leaf-san-critical", "The leaf's subjectAltName is critical "
                 "although its subject is not empty (RFC 5280 4.2.1.6).", [b.root_a],
                 sent_with(crit), b.root_a, "pathCertificateProfile", 0,
                 peer=("dns", "prof-leaf-san-critical.example.com"))
    peer_dot = ("dns", "server.example.com.")
    both_profiles_ok(book, "prof-peer-trailing-dot", "The expected name carries a trailing "
                     "dot (an absolute name, RFC 1034 3.1); it names the same host.",
                     [b.root_a], sent_with(b.leaf_a), sent_with(b.leaf_a), b.root_a,
                     peer=peer_dot)


def profile_anchor_rules(pool: Pool, book: Book, b: Base) -> None:
    v1 = sc_entity("Profile v1 Root")
    v1_root = pool.cert("prof-v1-root", v1, v1, [], ROOT_VALID, version=1)
    v1_int = pool.ca("prof-v1-root-int", sc_entity("Profile Intermediate under v1 Root"), v1)
    v1_leaf = leaf_under(pool, "prof-v1-root-leaf", who(v1_int))
    profile_pair(book, "prof-v1-anchor", "The trust anchor is a version 1 certificate (no "
                 "extensions, so no cA): RFC 5280 6.1.4 (k) asks cA of v3 certificates only.",
                 [v1_root], [v1_leaf, v1_int], v1_root, "pathAnchorNotCA", None)
    odd = sc_entity("Profile Root naming another key")
    odd_root = pool.root("prof-root-aki-other-key", odd,
                         exts=[ext_basic_constraints(True), ext_key_usage(*CA_KU),
                               ext_ski(odd.key), ext_aki(who(b.root_b).key)])
    odd_int = pool.ca("prof-root-aki-other-key-int", sc_entity("Profile Intermediate under "
                                                               "odd Root"), odd)
    odd_leaf = leaf_under(pool, "prof-root-aki-other-key-leaf", who(odd_int))
    profile_pair(book, "prof-root-aki-other-key", "The self-signed root's "
                 "authorityKeyIdentifier names another key (CABF BR 7.1.2.1.3).", [odd_root],
                 [odd_leaf, odd_int], odd_root, "pathCertificateProfile", None)
    # Trust in the leaf itself: a self-signed end-entity certificate listed as an anchor.
    pinned = sc_entity("prof-pinned.example.com")
    pinned_leaf = pool.leaf("prof-pinned-self-signed", pinned, pinned,
                            san=[("dns", "prof-pinned.example.com")])
    both_profiles_ok(book, "prof-pinned-self-signed", "A self-signed server certificate is "
                     "itself the trust anchor (Go's LeafInRoots, Mbed TLS's trusted EE): the "
                     "path is the leaf alone.", [pinned_leaf], [pinned_leaf], [pinned_leaf],
                     pinned_leaf, peer=("dns", "prof-pinned.example.com"))
    both_profiles_fail(book, "prof-pinned-not-self-issued", "A leaf issued by another CA is "
                       "listed as the anchor: trusting a certificate is not trusting its "
                       "issuer, and it is not a CA.", [b.leaf_a], [b.leaf_a],
                       "pathNoTrustAnchor", None, peer=SERVER_PEER)
    # The same names in other string types and case chain (RFC 5280 7.1).
    folded = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "IOTCERT  test PKI",
                                           _type=_ASN1Type.PrintableString),
                        x509.NameAttribute(NameOID.COMMON_NAME, "test intermediate a",
                                           _type=_ASN1Type.PrintableString)])
    reissued = pool.leaf("prof-reencoded-issuer-leaf", sc_entity("leaf prof-reencoded"),
                         Entity(folded, who(b.int_a).key),
                         san=[("dns", "prof-reencoded.example.com")])
    sent = [reissued, b.int_a]
    book.ok("prof-reencoded-issuer", "The leaf names its issuer in PrintableString, in other "
            "case and with a doubled space; the intermediate's subject is UTF8String: the "
            "same name (RFC 5280 7.1, RFC 4518). Default profile.", [b.root_a], sent, sent,
            b.root_a, reencoded=True)
    book.ok("prof-reencoded-issuer-strict", "The same chain, strict profile.", [b.root_a],
            sent, sent, b.root_a, reencoded=True, profile="strict")


def profile_validation_rules(pool: Pool, book: Book, b: Base) -> None:
    ia = who(b.int_a)
    cases = [
        ("prof-leaf-policies-critical", critical(ext_certificate_policies("2.23.140.1.2.1")),
         "The leaf's certificatePolicies is critical: policy processing is not implemented, "
         "so the extension is not processed and refused (RFC 5280 4.2)."),
        ("prof-leaf-crldp-critical",
         critical(ext_crl_distribution_points("http://crl.example.com/a.crl")),
         "The leaf's crlDistributionPoints is critical: revocation comes from the bundle, "
         "so the extension is not processed and refused (RFC 5280 4.2)."),
        ("prof-leaf-aia-critical",
         critical(ext_authority_info_access("http://ocsp.example.com",
                                            "http://ca.example.com/int.der")),
         "The leaf's authorityInfoAccess is critical: nothing is fetched, so it is not "
         "processed and refused (RFC 5280 4.2, 4.2.2.1)."),
        ("prof-leaf-ian-critical",
         Ext("2.5.29.18", True, der_seq(tlv(0x82, b"ca.example.com"))),
         "The leaf's issuerAltName is critical: no check uses it, so it is refused (RFC 5280 "
         "4.2)."),
    ]
    for name, ext, what in cases:
        leaf = leaf_under(pool, name, ia, extra=[ext])
        both_profiles_fail(book, name, what, [b.root_a], [leaf, b.int_a],
                           "pathUnknownCriticalExtension", 0)
    quiet = leaf_under(pool, "prof-leaf-policies", ia,
                       extra=[ext_certificate_policies("2.23.140.1.2.1")])
    both_profiles_ok(book, "prof-leaf-policies", "A non-critical certificatePolicies is "
                     "informational.", [b.root_a], [quiet, b.int_a], [quiet, b.int_a],
                     b.root_a)
    ca_leaf = pool.certs["leaf-is-ca"]
    book.fail("leaf-is-ca-strict", "The end-entity certificate says cA TRUE: a validation "
              "rule. Strict profile.", [b.root_a], [ca_leaf, b.int_a], "pathCAUsedAsLeaf", 0,
              peer=("dns", "leaf-is-ca.example.com"), profile="strict")
    both_profiles_ok(book, "prof-ca-trusted-as-leaf", "The presented certificate is the "
                     "trusted root itself: the operator trusts this very certificate, so "
                     "CA-as-leaf does not apply.", [b.root_a], [b.root_a], [b.root_a],
                     b.root_a, purpose="any")
    many = [b.leaf_a, b.int_a] + [b.unrelated_int] * 34
    both_profiles_ok(book, "prof-presented-36", "36 certificates presented (BetterTLS "
                     "sends up to 36): within the default presentedMax of 64.", [b.root_a],
                     many, [b.leaf_a, b.int_a], b.root_a, peer=SERVER_PEER)


def manifest(pool: Pool) -> dict:
    entries = []
    for cert in pool.certs.values():
        entry = manifest_entry(cert, pool.issuer_file(cert))
        if cert.spec.expect_parse == "ok" and cert.spec.version != 2:
            reread(cert, entry)  # cryptography does not read v2 at all
        entries.append(entry)
    return {"format": FORMAT, "generator": "Tests/PKI/generate.py", "reference_time": T0,
            "known_extensions": KNOWN_EXTENSIONS, "certificates": entries}


def scenario_document(pool: Pool, book: Book) -> dict:
    for cert in pool.certs.values():
        reread(cert, manifest_entry(cert, None))
    return {"format": FORMAT, "generator": "Tests/PKI/generate.py", "reference_time": T0,
            "conventions": SCENARIO_CONVENTIONS, "scenarios": book.rows}


def check_error_names(documents: list[dict]) -> None:
    """Every expectation must be a case of IoTCertError, when the Swift source is at hand."""
    swift = Path(__file__).resolve().parents[2] / "Sources/IoTCert/Errors/IoTCertError.swift"
    if not swift.exists():
        return
    cases = set(re.findall(r"case (\w+) = \d+", swift.read_text())) | {"ok"}
    used = {c["expect_parse"] for c in documents[0]["certificates"]}
    used |= {s["expect"] for s in documents[1]["scenarios"]}
    unknown = used - cases
    if unknown:
        raise AssertionError(f"not IoTCertError cases: {sorted(unknown)}")


def write_directory(directory: Path, pool: Pool, name: str, document: dict) -> None:
    directory.mkdir(parents=True)
    for cert in pool.certs.values():
        (directory / cert.file).write_bytes(cert.der)
    (directory / name).write_text(json.dumps(document, indent=2) + "\n")


def generate(out: Path) -> None:
    pki = pki_fixtures()
    pki_document = manifest(pki)
    pool, book = scenario_fixtures()
    scenarios = scenario_document(pool, book)
    check_error_names([pki_document, scenarios])
    write_directory(out / "pki", pki, "manifest.json", pki_document)
    write_directory(out / "scenarios", pool, "scenarios.json", scenarios)
    print(f"{len(pki.certs)} certificates in pki/, {len(pool.certs)} in scenarios/, "
          f"{len(book.rows)} scenarios")


def compare(fresh: Path, committed: Path) -> list[str]:
    differences = []
    for name in OUTPUT_DIRS:
        new = {p.relative_to(fresh): p for p in (fresh / name).rglob("*") if p.is_file()}
        old = {p.relative_to(committed): p for p in (committed / name).rglob("*")
               if p.is_file()}
        for rel in sorted(set(new) | set(old)):
            if rel not in old:
                differences.append(f"not committed: {rel}")
            elif rel not in new:
                differences.append(f"committed but not generated: {rel}")
            elif new[rel].read_bytes() != old[rel].read_bytes():
                differences.append(f"differs: {rel}")
    return differences


def main() -> int:
    # Serial 0 and ECDSA parameters given as NULL are fixtures on purpose (the strict
    # profile's cases); cryptography, which re-reads every fixture, warns that it will refuse
    # such certificates one day.
    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary directory and compare")
    parser.add_argument("--out", type=Path, default=FIXTURES,
                        help="the Fixtures directory (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "Fixtures"
        generate(fresh)
        if args.check:
            differences = compare(fresh, args.out)
            for line in differences:
                print(line, file=sys.stderr)
            print("fixtures match the generator" if not differences else
                  f"{len(differences)} file(s) differ from the generator's output")
            return 1 if differences else 0
        for name in OUTPUT_DIRS:  # replace wholesale so that dropped fixtures disappear
            shutil.rmtree(args.out / name, ignore_errors=True)
            shutil.copytree(fresh / name, args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
