"""dkimpy (Debian python3-dkim) as an independent DKIM and ARC signer and
verifier for the inbound tests. Reads a JSON request on standard input,
writes the result on standard output:

  {"op": "sign", "msg": ..., "selector": ..., "domain": ..., "key": ...,
   "alg": "rsa-sha256" | "ed25519-sha256", "canon": "relaxed/simple"}
      -> the DKIM-Signature field
  {"op": "arc", "msg": ..., "selector": ..., "domain": ..., "key": ..., "srv_id": ...}
      -> the ARC set (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results)
  {"op": "verify", "msg": ..., "txt": {"name.": "record", ...}}
      -> "pass" or "fail"

msg and key are text; the key is PEM for RSA, base64 of the 32-octet seed
for Ed25519 (dkimpy's form).
"""
import json
import sys

import dkim

req = json.load(sys.stdin)
msg = req["msg"].encode()
op = req["op"]
if op == "sign":
    hc, bc = req.get("canon", "relaxed/simple").split("/")
    sig = dkim.sign(msg, req["selector"].encode(), req["domain"].encode(), req["key"].encode(),
                    canonicalize=(hc.encode(), bc.encode()),
                    signature_algorithm=req.get("alg", "rsa-sha256").encode(),
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    sys.stdout.write(sig.decode())
elif op == "arc":
    lines = dkim.arc_sign(msg, req["selector"].encode(), req["domain"].encode(), req["key"].encode(),
                          req["srv_id"].encode(), include_headers=[b"from", b"to", b"subject", b"date"])
    sys.stdout.write("".join(line.decode() for line in lines))
elif op == "verify":
    txt = req["txt"]

    def lookup(name, timeout=5):
        return txt.get(name.decode().rstrip(".") + ".", "").encode() or None

    sys.stdout.write("pass" if dkim.verify(msg, dnsfunc=lookup) else "fail")
else:
    sys.exit("unknown op " + op)
