#!/usr/bin/env python3
"""gen-fleet-pki.py OUTDIR -- the private PKI of a fleet of sensors and its MQTT broker.

Built as hybrid private PKIs are: an offline root, issuing CAs below it for servers and
for devices, certificates renewed in place, a root rollover by cross-signing, CRLs. Every
date is fixed (never "now + N days"), so the certificates are the same every run but for
their keys and signatures. ECDSA P-256 with SHA-256 throughout.

    r1              Fleet Root R1, offline               2025-01-01 .. 2040-01-01
    r2              Fleet Root R2, its successor         2031-01-01 .. 2050-01-01
    r2-by-r1        R2 (name and key) cross-signed by R1 2031-01-01 .. 2040-01-01
    servers-1       issuing CA for servers, under R1     2025-01-01 .. 2040-01-01
    servers-2       a new one, under R1 (renewal)        2029-01-01 .. 2040-01-01
    servers-3       under R2 (after the rollover)        2031-01-01 .. 2049-01-01
    devices-1       issuing CA for devices, under R1     2025-01-01 .. 2040-01-01
    broker-1        broker.fleet.test by servers-1       2025-01-01 .. 2031-01-01
    broker-2        the same name renewed, servers-2     2029-06-01 .. 2032-01-01
    broker-3        the same name, servers-3             2031-06-01 .. 2045-01-01
    broker-revoked  the same name, servers-2, revoked    2029-06-01 .. 2034-01-01
    broker-wrong    other.fleet.test by servers-1        2025-01-01 .. 2031-01-01
    broker-rogue    broker.fleet.test by an unrelated root 2025-01-01 .. 2031-01-01
    device-1        sensor-1 (clientAuth) by devices-1   2025-01-01 .. 2040-01-01
    device-2        sensor-2, revoked by devices-1's CRL 2025-01-01 .. 2040-01-01
    monitor         the test's subscriber, devices-1     2025-01-01 .. 2040-01-01
    device-rogue    a client under the unrelated root    2025-01-01 .. 2040-01-01
    unrelated-root  a root nobody trusts                 2025-01-01 .. 2040-01-01

    devices-1.crl   revokes device-2 (the broker's CRL)  2025-01-01, next 2040-01-01
    servers-2.crl   revokes broker-revoked (the bundle's) 2029-06-01, next 2040-01-01
    owner.key       the fleet owner's bundle-signing key (owner.pub.pem for devices)

What the broker checks (device certificates) is checked by OpenSSL at the real time, so
those certificates are valid from 2025 to 2040; what the device checks (the broker's) is
checked by iotcert at the device's time, which the fleet replay sets per step.

Files: NAME.pem, NAME.key for each certificate; NAME-chain.pem, the certificate followed
by the issuing CAs its holder sends (brokers and devices); the CRLs in PEM.
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def day(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)


def name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "iotcert fleet"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


class Pki:
    def __init__(self, out):
        self.out = out
        self.keys = {}
        self.certs = {}
        self.holders = {}  # label -> whose key the certificate certifies
        self.serial = 0x1000  # fixed first serial; each certificate takes the next

    def key(self, holder):
        if holder not in self.keys:
            self.keys[holder] = ec.generate_private_key(ec.SECP256R1())
        return self.keys[holder]

    def issue(self, label, cn, key_holder, issuer, start, end, kind, dns=None):
        """Certifies key_holder's key under `cn`, signed by `issuer` (a label; None: self)."""
        key = self.key(key_holder)
        self.serial += 1
        if issuer is None:
            issuer_name, issuer_key = name(cn), key
        else:
            issuer_name, issuer_key = self.certs[issuer].subject, self.key(self.holder(issuer))
        b = (x509.CertificateBuilder()
             .subject_name(name(cn)).issuer_name(issuer_name)
             .public_key(key.public_key()).serial_number(self.serial)
             .not_valid_before(day(start)).not_valid_after(day(end))
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                            critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                 issuer_key.public_key()), critical=False))
        ca = kind in ("root", "ca")
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=0 if kind == "ca" else None),
                            critical=True)
        b = b.add_extension(x509.KeyUsage(
            digital_signature=not ca, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
            encipher_only=False, decipher_only=False), critical=True)
        if kind in ("server", "client"):
            usage = ExtendedKeyUsageOID.SERVER_AUTH if kind == "server" else \
                ExtendedKeyUsageOID.CLIENT_AUTH
            b = b.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        if dns:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
        cert = b.sign(issuer_key, hashes.SHA256())
        self.certs[label] = cert
        self.holders[label] = key_holder
        self.write(label, cert, key)
        return cert

    def holder(self, label):
        return self.holders[label]

    def write(self, label, cert, key):
        with open(os.path.join(self.out, label + ".pem"), "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(os.path.join(self.out, label + ".key"), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))

    def chain(self, label, *labels):
        with open(os.path.join(self.out, label + "-chain.pem"), "wb") as f:
            for part in (label,) + labels:
                f.write(self.certs[part].public_bytes(serialization.Encoding.PEM))

    def crl(self, label, issuer, revoked, this_update, next_update):
        b = (x509.CertificateRevocationListBuilder()
             .issuer_name(self.certs[issuer].subject)
             .last_update(day(this_update)).next_update(day(next_update))
             .add_extension(x509.CRLNumber(1), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                 self.key(self.holder(issuer)).public_key()), critical=False))
        for r in revoked:
            b = b.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(self.certs[r].serial_number)
                .revocation_date(day(this_update)).build())
        crl = b.sign(self.key(self.holder(issuer)), hashes.SHA256())
        with open(os.path.join(self.out, label + ".crl"), "wb") as f:
            f.write(crl.public_bytes(serialization.Encoding.PEM))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen-fleet-pki.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = Pki(out)
    p.issue("r1", "Fleet Root R1", "r1", None, "2025-01-01", "2040-01-01", "root")
    p.issue("r2", "Fleet Root R2", "r2", None, "2031-01-01", "2050-01-01", "root")
    p.issue("r2-by-r1", "Fleet Root R2", "r2", "r1", "2031-01-01", "2040-01-01", "root")
    p.issue("unrelated-root", "Unrelated Root", "unrelated-root", None,
            "2025-01-01", "2040-01-01", "root")
    p.issue("servers-1", "Fleet Servers CA 1", "servers-1", "r1", "2025-01-01", "2040-01-01", "ca")
    p.issue("servers-2", "Fleet Servers CA 2", "servers-2", "r1", "2029-01-01", "2040-01-01", "ca")
    p.issue("servers-3", "Fleet Servers CA 3", "servers-3", "r2", "2031-01-01", "2049-01-01", "ca")
    p.issue("devices-1", "Fleet Devices CA 1", "devices-1", "r1", "2025-01-01", "2040-01-01", "ca")
    broker = "broker.fleet.test"
    p.issue("broker-1", broker, "broker-1", "servers-1", "2025-01-01", "2031-01-01", "server",
            broker)
    p.issue("broker-2", broker, "broker-2", "servers-2", "2029-06-01", "2032-01-01", "server",
            broker)
    p.issue("broker-3", broker, "broker-3", "servers-3", "2031-06-01", "2045-01-01", "server",
            broker)
    p.issue("broker-revoked", broker, "broker-revoked", "servers-2", "2029-06-01", "2034-01-01",
            "server", broker)
    p.issue("broker-wrong", "other.fleet.test", "broker-wrong", "servers-1", "2025-01-01",
            "2031-01-01", "server", "other.fleet.test")
    p.issue("broker-rogue", broker, "broker-rogue", "unrelated-root", "2025-01-01",
            "2031-01-01", "server", broker)
    for label, cn, issuer in (("device-1", "sensor-1", "devices-1"),
                              ("device-2", "sensor-2", "devices-1"),
                              ("monitor", "monitor", "devices-1"),
                              ("device-rogue", "sensor-rogue", "unrelated-root")):
        p.issue(label, cn, label, issuer, "2025-01-01", "2040-01-01", "client")
    p.chain("broker-1", "servers-1")
    p.chain("broker-2", "servers-2")
    # After the rollover the broker sends R2 as cross-signed by R1, for devices that trust
    # only R1 (as Let's Encrypt sent ISRG Root X1 cross-signed by DST Root CA X3).
    p.chain("broker-3", "servers-3", "r2-by-r1")
    p.chain("broker-revoked", "servers-2")
    p.chain("broker-wrong", "servers-1")
    p.chain("broker-rogue")
    for label in ("device-1", "device-2", "monitor"):
        p.chain(label, "devices-1")
    p.crl("devices-1", "devices-1", ["device-2"], "2025-01-01", "2040-01-01")
    p.crl("servers-2", "servers-2", ["broker-revoked"], "2029-06-01", "2040-01-01")
    owner = p.key("owner")
    with open(os.path.join(out, "owner.key"), "wb") as f:
        f.write(owner.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    with open(os.path.join(out, "owner.pub.pem"), "wb") as f:
        f.write(owner.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    print(f"gen-fleet-pki: {len(p.certs)} certificates, 2 CRLs in {out}")


if __name__ == "__main__":
    main()
