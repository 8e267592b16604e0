#!/bin/sh
# Examples/tls-client/gen-pki.sh OUTDIR -- the demo PKI, made with `openssl ca` and fixed
# dates (never "now + N days"), so the certificates are the same every run but for their
# keys. Everything is ECDSA P-256 with SHA-256.
#
#   root-r1      the device's trust anchor             2025-01-01 .. 2045-01-01
#   root-r0      the old root, expired                 2015-01-01 .. 2025-06-01
#   int-r1       intermediate I, issued by R1          2025-01-01 .. 2045-01-01
#   int-r0-expired   the same I (name and key) cross-signed by R0, expired with it
#                                                      2015-01-01 .. 2025-06-01
#   int-r0-valid     the same I cross-signed by R0, outliving R0 (as ISRG Root X1's
#                    cross-sign by DST Root CA X3 did, 2021..2024)
#                                                      2025-01-01 .. 2045-01-01
#   leaf         localhost and 127.0.0.1, issued by I  2025-01-01 .. 2045-01-01
#   root-u       an unrelated root, for the "untrusted" run
#
# Chains the server sends (after the leaf), the cross-signed intermediate first:
#   chain-expired-cross.pem   int-r0-expired, int-r1   (AddTrust, May 2020)
#   chain-valid-cross.pem     int-r0-valid, int-r1     (Let's Encrypt, September 2021)
set -eu

out=${1:?usage: gen-pki.sh OUTDIR}
rm -rf "$out"
mkdir -p "$out/ca/newcerts"
out=$(cd "$out" && pwd)
: >"$out/ca/index.txt"
echo 1000 >"$out/ca/serial" # fixed first serial; each issue takes the next

VALID_FROM=20250101000000Z
VALID_TO=20450101000000Z
OLD_FROM=20150101000000Z
OLD_TO=20250601000000Z

cat >"$out/ca.cnf" <<EOF
[ ca ]
default_ca = demo
[ demo ]
dir = $out/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = any_name
# The same intermediate name is issued three times: by R1 and twice by R0.
unique_subject = no
copy_extensions = none
email_in_dn = no
[ any_name ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

# key NAME: a P-256 key in NAME.key
key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve -out "$out/$1.key" 2>/dev/null
}

# csr NAME CN: a request for NAME.key's key under CN
csr() {
    openssl req -new -config "$out/ca.cnf" -key "$out/$1.key" \
        -subj "/O=iotcert demo/CN=$2" -out "$out/$1.csr"
}

# issue OUT KEY ISSUER_CERT ISSUER_KEY EXTENSIONS FROM TO: certifies KEY.csr as OUT, signed
# with ISSUER_KEY under ISSUER_CERT's name (ISSUER_CERT "-selfsign" for a root).
issue() {
    if [ "$3" = -selfsign ]; then
        signer="-selfsign"
    else
        signer="-cert $out/$3.pem"
    fi
    # shellcheck disable=SC2086 # $signer is a list of arguments
    openssl ca -batch -notext -config "$out/ca.cnf" -preserveDN $signer -keyfile "$out/$4.key" \
        -in "$out/$2.csr" -extensions "$5" -startdate "$6" -enddate "$7" \
        -out "$out/$1.pem" 2>"$out/ca.log" || { cat "$out/ca.log" >&2; exit 1; }
    openssl x509 -in "$out/$1.pem" -outform DER -out "$out/$1.der"
}

for k in root-r1 root-r0 root-u int leaf; do key "$k"; done
csr root-r1 "iotcert demo Root R1"
csr root-r0 "iotcert demo Root R0 (old)"
csr root-u "iotcert demo Unrelated Root"
csr int "iotcert demo Intermediate I"
csr leaf "localhost"

issue root-r1 root-r1 -selfsign root-r1 root $VALID_FROM $VALID_TO
issue root-r0 root-r0 -selfsign root-r0 root $OLD_FROM $OLD_TO
issue root-u root-u -selfsign root-u root $VALID_FROM $VALID_TO
issue int-r1 int root-r1 root-r1 intermediate $VALID_FROM $VALID_TO
issue int-r0-expired int root-r0 root-r0 intermediate $OLD_FROM $OLD_TO
issue int-r0-valid int root-r0 root-r0 intermediate $VALID_FROM $VALID_TO
# The leaf's issuer is I, whichever of its three certificates: they share name and key.
issue leaf leaf int-r1 int leaf $VALID_FROM $VALID_TO

cat "$out/int-r0-expired.pem" "$out/int-r1.pem" >"$out/chain-expired-cross.pem"
cat "$out/int-r0-valid.pem" "$out/int-r1.pem" >"$out/chain-valid-cross.pem"
echo "gen-pki: $(ls "$out"/*.der | wc -l) certificates in $out"
