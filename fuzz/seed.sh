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
# responses: first byte = status class, then "header lines NUL body" or the body alone.
jwks = json.dumps({"keys": [a2["jwk"], a3["jwk"]]})
ok = b"\x00"
write("responses", "token", ok + b'{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","id_token":"x.y.z","scope":"openid"}')
write("responses", "token-headers", ok + b"Date: Sun, 06 Nov 1994 08:49:37 GMT\nContent-Type: application/json\nContent-Length: 60\x00"
      + b'{"access_token":"at","token_type":"bearer","expires_in":"60"}')
for name, iss in (("discovery", "https://op.example"), ("discovery-domain", "https://op.example/"), ("discovery-loopback", "http://127.0.0.1:4400")):
    b = iss.rstrip("/")
    write("responses", name, ok + json.dumps({"issuer": iss, "authorization_endpoint": b + "/authorize", "token_endpoint": b + "/oauth/token",
          "jwks_uri": b + "/jwks", "userinfo_endpoint": b + "/userinfo", "end_session_endpoint": b + "/logout",
          "revocation_endpoint": b + "/revoke", "device_authorization_endpoint": b + "/device",
          "id_token_signing_alg_values_supported": ["RS256", "ES256"], "code_challenge_methods_supported": ["S256"],
          "authorization_response_iss_parameter_supported": True}).encode())
write("responses", "jwks", ok + b"Cache-Control: public, max-age=300\x00" + jwks.encode())
write("responses", "userinfo", ok + b'{"sub":"u1","name":"A","email":"a@example.com"}')
write("responses", "device", ok + b'{"device_code":"D","user_code":"ABCD-EFGH","verification_uri":"https://op.example/device",'
      b'"verification_uri_complete":"https://op.example/device?user_code=ABCD-EFGH","expires_in":600,"interval":5}')
write("responses", "invalid-grant", b"@" + b'{"error":"invalid_grant","error_description":"expired","error_uri":"https://op.example/e"}')
write("responses", "mfa-required", b"`" + b'{"error":"mfa_required","mfa_token":"mt","mfa_requirements":{"challenge":[{"type":"otp"}]}}')
write("responses", "rate-limited", b"p" + b"Retry-After: 30\x00" + b'{"code":"too_many_requests","description":"slow down"}')
write("responses", "unauthorized", b"`" + b'WWW-Authenticate: Bearer error="invalid_token"\x00')

# session: options byte (bit 0 Auth0, bits 1-2 both set: no refresh tokens, 3 iframe fallback,
# 4 the cache lists its keys, 5 a memory cache, 6 the crate checks signatures, 7 two tabs), the
# stored session (bits 0-1: none, fresh, expired; 2-4: damage; 5: no cookies), the first call;
# then the answers, all honest when zero.
for opts in (0x00, 0x01, 0x11, 0x20, 0x40, 0x80, 0x81, 0x08, 0x06, 0x07):
    for stored in (0, 1, 2, 2 | 1 << 2, 2 | 4 << 2):
        write("session", f"o{opts:02x}-s{stored:02x}", bytes([opts, stored]) + bytes(600))
for name, call in (("off", 4), ("check", 7), ("restore", 7 | 0x10), ("user", 8), ("logout", 9 | 0x30), ("remember", 10),
                   ("login", 11), ("device", 13), ("popup", 14)):
    write("session", f"call-{name}", bytes([0x00, 2, call]) + bytes(600))
print("seeded", os.path.join(here, "corpus"))
PY
