#!/bin/sh
# Write the seed corpora under fuzz/corpus/<target>/ from the RFC test vectors.
# Usage: fuzz/seed.sh   (from any directory; needs python3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 - "$here" <<'PY'
import base64, json, os, sys

here = sys.argv[1]
vectors = json.load(open(os.path.join(here, "..", "tests", "vectors", "jws-rfc.json")))["vectors"]
by_name = {v["name"]: v for v in vectors}
a2, a3 = by_name["RFC 7515 A.2"], by_name["RFC 7515 A.3"]

def write(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# compact: the RFC tokens, a duplicate-member header, JSON objects.
for i, v in enumerate(vectors):
    write("compact", f"token-{i}", v["token"])
write("compact", "dup-alg", "eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ.eyJpc3MiOiJqb2UifQ.AA")
write("compact", "object", '{"alg":"ES256","kid":"k1","crit":["b64"],"n":1.5e3,"u":"\\u00e9"}')

# jwk: the JWK Set, each JWK, a JWK followed by bytes used as signing input and signature.
write("jwk", "jwks", json.dumps({"keys": [v["jwk"] for v in vectors]}))
for i, v in enumerate(vectors):
    write("jwk", f"jwk-{i}", json.dumps(v["jwk"]))
for v, alg in ((a2, "RS256"), (a3, "ES256")):
    h, p, s = v["token"].split(".")
    sig = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    jwk = dict(v["jwk"], alg=alg, use="sig", key_ops=["verify"], kid="k-" + alg)
    write("jwk", f"jwk-tail-{alg}", json.dumps(jwk).encode() + sig)
write("jwk", "oct", '{"kty":"oct","k":"AAAA"}')

# verify: the two tokens the fixed key set verifies; header, claims and rules as JSON.
write("verify", "token-a2", a2["token"])
write("verify", "token-a3", a3["token"])
write("verify", "claims",
      '{"alg":"RS256","typ":"at+jwt","kid":"k"}\n'
      '{"iss":"joe","sub":"u","aud":["spa","api"],"azp":"spa","exp":1300819380,"nbf":1300818000,'
      '"iat":1300819000.5,"auth_time":1300818000,"nonce":"n","scope":"openid profile",'
      '"org_id":"org_1","at_hash":"77QmUPtjPfzWtF2AnpK9RQ"}\n'
      '{"iss":"joe","aud":"api","tol":60,"max_age":600,"req":["sub"],"typ":"application/at+jwt",'
      '"scopes":["openid"],"now":1300819100,"client_id":"spa","nonce":"n","auth_max_age":3600,'
      '"org":"org_1","at":"jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y","sub":"u"}')

# callback_url: callback URLs; first byte = status class, then a token endpoint body.
write("callback_url", "query", "https://app.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&iss=https%3A%2F%2Fop.example")
write("callback_url", "fragment", "http://localhost:8080/cb#state=xyz&code=abc")
write("callback_url", "error", "https://[::1]:8443/cb?error=access_denied&error_description=no+way&state=s")
write("callback_url", "loopback", "http://127.0.0.1/cb?code=a&code=b")
write("callback_url", "token-200",
      b"\x00" + b'{"access_token":"at","token_type":"Bearer","expires_in":"3600","refresh_token":"rt","id_token":"x.y.z","scope":"openid"}')
write("callback_url", "token-400", b"@" + b'{"error":"invalid_grant","error_description":"bad code","error_uri":"https://op.example/e"}')
write("callback_url", "transaction",
      b"\x01" + b'{"state":"s","nonce":"n","code_verifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","redirect_uri":"https://app.example/cb","scope":"openid","created_at":1700000000,"max_age":60}')
print("seeded", os.path.join(here, "corpus"))
PY
