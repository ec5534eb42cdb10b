#!/usr/bin/env bash
# Makes the certificates of spec/helpers/tls.ts; run it from this folder (OpenSSL 3). Test-only: a CA (its key
# is thrown away), leaf certificates signed by it for localhost and 127.0.0.1 (valid 2000-2126, expired in 2001) or
# for another host, and a self-signed one, all with the one leaf key (key.pem). Every date is explicit, so no
# certificate depends on the clock of the machine that made it.
set -euo pipefail
openssl ecparam -name prime256v1 -genkey -noout -out key.pem
openssl ecparam -name prime256v1 -genkey -noout -out ca-key.pem
cat > openssl.cnf <<CNF
[ca]
default_ca = test
[test]
database = index.txt
unique_subject = no
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
[authority]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:FALSE
subjectAltName = \$ENV::SAN
CNF
: > index.txt
echo 01 > serial
# file, common name, its key, issuer (empty: self-signed), extensions, subjectAltName, first and last valid day
certificate() {
  openssl req -new -key "$3" -subj "/CN=$2" -out request.csr
  if [ -n "$4" ]; then issuer=(-cert "$4" -keyfile ca-key.pem); else issuer=(-selfsign -keyfile "$3"); fi
  SAN="$6" openssl ca -batch -config openssl.cnf "${issuer[@]}" -extensions "$5" -in request.csr -out "$1.pem" -notext -startdate "$7" -enddate "$8" 2>/dev/null
}
certificate ca 'rx-realtime test CA' ca-key.pem '' authority '' 20000101000000Z 21260101000000Z
certificate localhost localhost key.pem ca.pem leaf 'DNS:localhost,IP:127.0.0.1' 20000101000000Z 21260101000000Z
certificate expired localhost key.pem ca.pem leaf 'DNS:localhost,IP:127.0.0.1' 20000101000000Z 20010101000000Z
certificate elsewhere example.invalid key.pem ca.pem leaf 'DNS:example.invalid' 20000101000000Z 21260101000000Z
certificate self-signed localhost key.pem '' leaf 'DNS:localhost,IP:127.0.0.1' 20000101000000Z 21260101000000Z
rm -f openssl.cnf index.txt* serial* request.csr 0*.pem ca-key.pem
