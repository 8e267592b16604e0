#!/usr/bin/env python3
"""Hold the committed fixtures against OpenSSL, an independent validator.

    python3 Tests/PKI/crosscheck_openssl.py [--fixtures DIR] [--verbose]

Fails (exit 1) when OpenSSL contradicts a fixture where it must agree:
  - a pki/ certificate whose expect_parse is "ok" is not readable by `openssl x509`;
  - a pki/ certificate with an issuer_file does not verify against that issuer (signature only);
  - an "ok" scenario's expect_path does not verify up to expect_anchor with `openssl verify
    -x509_strict` at the scenario's time, purpose and peer name.
Everything else is reported, not enforced: how OpenSSL fares with each scenario's full input
(presented + stored, all anchors), and which expected failures OpenSSL does not reproduce.
OpenSSL has no signature or name-comparison budgets, no revocation list here, reads CN when
there is no SAN, and does not refuse CA certificates as leaves, so some of those are expected.

Needs only Python 3.11 and the `openssl` command (3.x).
"""

import argparse
import base64
import json
import subprocess
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "Fixtures"
PURPOSES = {"serverAuth": ["-purpose", "sslserver"], "clientAuth": ["-purpose", "sslclient"],
            "any": []}
PEER_FLAGS = {"dns": "-verify_hostname", "ip": "-verify_ip", "email": "-verify_email"}

# Where OpenSSL's own verdict on an "ok" scenario's expect_path differs, and why we keep ours.
EXACT_PATH_EXCEPTIONS = {
    "validity-at-not-after": "OpenSSL's X509_cmp_time treats time == notAfter as expired; "
                             "RFC 5280 4.1.2.5 says the validity period is inclusive.",
}
LAX_ONLY = {  # "ok" scenarios whose expect_path passes only without -x509_strict
    "issuer-no-key-usage": "-x509_strict requires keyUsage in CA certificates (a CA-side MUST "
                           "in RFC 5280 4.2.1.3); a validator checks keyCertSign only when the "
                           "extension is present (RFC 5280 6.1.4 (n)).",
}
GREEDY = "OpenSSL takes the first issuer that matches and does not backtrack to the next"
NOT_MODELLED = "OpenSSL has no such check or limit"
# Scenarios where OpenSSL, given the full input, reaches another verdict than the expectation.
# Like webpki's x509-limbo exceptions file: every entry says why, and an entry that no longer
# diverges is an error too, so the list stays true.
FULL_INPUT_DIVERGENCES = {
    "cycle-with-exit": GREEDY,
    "ca-eku-second-candidate": GREEDY + " (it checks CA EKU only after building)",
    "ca-eku-client-purpose": GREEDY + " (it checks CA EKU only after building)",
    "bad-signature-with-good-copy": GREEDY,
    "candidates-at-max": GREEDY,
    "mesh-exit-last": GREEDY,
    "sha1-link-only": "weak-algorithm policy; this check runs at -auth_level 0",
    "weak-leaf-ecdsa-sha1": "weak-algorithm policy; this check runs at -auth_level 0",
    "weak-leaf-rsa-sha1": "weak-algorithm policy; this check runs at -auth_level 0",
    "weak-leaf-rsa-md5": "weak-algorithm policy; this check runs at -auth_level 0",
    "weak-leaf-rsa1024": "key-size policy; this check runs at -auth_level 0",
    "validity-at-not-after": EXACT_PATH_EXCEPTIONS["validity-at-not-after"],
    "no-san-with-peer": "OpenSSL falls back to the subject CN when there is no SAN",
    "leaf-is-ca": NOT_MODELLED + " (a cA=TRUE end-entity certificate is accepted)",
    "leaf-name-constraints": NOT_MODELLED + " (nameConstraints in a leaf are ignored)",
    "revoked-leaf": NOT_MODELLED + " here (no CRL is given to it)",
    "revoked-intermediate": NOT_MODELLED + " here (no CRL is given to it)",
    "name-comparisons-over-budget": NOT_MODELLED + " (no name-comparison budget)",
}


class Workspace:
    """PEM copies of the DER fixtures, because `openssl verify` reads PEM bundles."""

    def __init__(self, root: Path, source: Path):
        self.root, self.source, self.count = root, source, 0

    def bundle(self, files: list[str]) -> Path:
        self.count += 1
        path = self.root / f"bundle-{self.count}.pem"
        with path.open("w") as out:
            for name in files:
                der = (self.source / name).read_bytes()
                text = base64.encodebytes(der).decode().replace("\n", "")
                lines = [text[i:i + 64] for i in range(0, len(text), 64)]
                out.write("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) +
                          "\n-----END CERTIFICATE-----\n")
        return path


def openssl_verify(ws: Workspace, leaf: str, untrusted: list[str], anchors: list[str],
                   flags: list[str]) -> tuple[bool, str]:
    command = ["openssl", "verify", "-partial_chain", "-CAfile", str(ws.bundle(anchors))]
    if untrusted:
        command += ["-untrusted", str(ws.bundle(untrusted))]
    command += flags + [str(ws.bundle([leaf]))]
    run = subprocess.run(command, capture_output=True, text=True)
    errors = [line for line in (run.stdout + run.stderr).splitlines() if "error" in line]
    return run.returncode == 0, (errors[0].split(":", 1)[-1].strip() if errors else "")


def scenario_flags(scenario: dict) -> list[str]:
    when = scenario["time"] if scenario["time"] is not None else scenario["store_build_time"]
    flags = ["-attime", str(when), "-auth_level", "0"] + PURPOSES[scenario["purpose"]]
    depth_max = (scenario["limits"] or {}).get("depthMax")
    if depth_max:  # OpenSSL counts neither the leaf nor the anchor; depthMax counts the leaf
        flags += ["-verify_depth", str(depth_max - 1)]
    if scenario["peer"]:
        flags += [PEER_FLAGS[scenario["peer"]["kind"]], scenario["peer"]["value"]]
    return flags


def check_pki(fixtures: Path, ws: Workspace, verbose: bool) -> list[str]:
    manifest = json.loads((fixtures / "pki" / "manifest.json").read_text())
    problems = []
    for cert in manifest["certificates"]:
        path = fixtures / "pki" / cert["file"]
        read = subprocess.run(["openssl", "x509", "-inform", "der", "-in", str(path), "-noout"],
                              capture_output=True)
        if cert["expect_parse"] == "ok" and read.returncode != 0:
            problems.append(f"pki/{cert['file']}: openssl x509 cannot read it")
        if verbose and cert["expect_parse"] != "ok":
            verdict = "reads" if read.returncode == 0 else "refuses"
            print(f"  pki/{cert['file']}: expect {cert['expect_parse']}, openssl x509 {verdict}")
        if cert["expect_parse"] != "ok" or not cert["issuer_file"]:
            continue
        ws.source = fixtures / "pki"
        flags = ["-no_check_time", "-auth_level", "0", "-check_ss_sig", "-ignore_critical"]
        ok, why = openssl_verify(ws, cert["file"], [], [cert["issuer_file"]], flags)
        if not ok and cert["issuer_file"] != cert["file"]:
            problems.append(f"pki/{cert['file']}: does not verify under "
                            f"{cert['issuer_file']}: {why}")
    return problems


def check_scenarios(fixtures: Path, ws: Workspace, verbose: bool) -> tuple[list[str], list[str]]:
    document = json.loads((fixtures / "scenarios" / "scenarios.json").read_text())
    ws.source = fixtures / "scenarios"
    problems, notes = [], []
    for s in document["scenarios"]:
        if s["expect"] == "ok":
            problems += check_expected_path(ws, s)
        others = s["presented"][1:] + s["stored"]
        ok, why = openssl_verify(ws, s["presented"][0], others, s["anchors"], scenario_flags(s))
        diverges = ok != (s["expect"] == "ok")
        line = (f"{s['name']}: expect {s['expect']}; OpenSSL on the full input: "
                f"{'ok' if ok else why}")
        reason = FULL_INPUT_DIVERGENCES.get(s["name"])
        if diverges and reason:
            notes.append(f"{line} [{reason}]")
        elif diverges:
            problems.append(f"{line} (unexplained: add a reason or fix the fixture)")
        elif reason:
            problems.append(f"{s['name']}: listed as diverging but OpenSSL now agrees")
        elif verbose:
            print("  " + line)
    return problems, notes


def check_expected_path(ws: Workspace, s: dict) -> list[str]:
    """The scenario's own path must satisfy OpenSSL, strictly where we claim it can."""
    path, flags = s["expect_path"], scenario_flags(s)
    ok, why = openssl_verify(ws, path[0], path[1:], [s["expect_anchor"]],
                             flags + ["-x509_strict"])
    if not ok and s["name"] in LAX_ONLY:
        ok, why = openssl_verify(ws, path[0], path[1:], [s["expect_anchor"]], flags)
    if ok or s["name"] in EXACT_PATH_EXCEPTIONS:
        return []
    return [f"{s['name']}: expect_path fails in OpenSSL: {why}"]


def main() -> int:
    parser = argparse.ArgumentParser(description="Check the fixtures against OpenSSL.")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp), args.fixtures)
        problems = check_pki(args.fixtures, ws, args.verbose)
        more, notes = check_scenarios(args.fixtures, ws, args.verbose)
    problems += more
    if notes:
        print("Known divergences (OpenSSL given the full input):")
        for note in notes:
            print("  " + note)
    for problem in problems:
        print("FAIL " + problem, file=sys.stderr)
    print(f"{len(problems)} contradiction(s), {len(notes)} divergence(s) noted")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
