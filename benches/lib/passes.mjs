// Runtime-neutral measurement loop (runs unchanged in Node, Chromium and workerd): no Node APIs.
// Each contender is { id, kind: 'sync' | 'async', verify(token) }.

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let sink = 0;

function passSync(verify, tokens, n, now) {
  const t0 = now();
  for (let i = 0; i < n; i++) sink ^= verify(tokens[i % tokens.length]).payload.exp;
  return now() - t0;
}

async function passAsync(verify, tokens, n, now) {
  const t0 = now();
  for (let i = 0; i < n; i++) sink ^= (await verify(tokens[i % tokens.length])).payload.exp;
  return now() - t0;
}

const pass = (c, tokens, n, now) => (c.kind === 'sync' ? passSync(c.verify, tokens, n, now) : passAsync(c.verify, tokens, n, now));

/**
 * For each algorithm: a correctness check of every contender on the first token, a warm-up pass
 * over all tokens, then for the fast contenders and then for the slow ones (more than 3x jose's
 * warm-up time): `passes` timed passes over all tokens (contenders interleaved, their order
 * rotated each pass), and `repeatPasses` timed passes verifying tokens[0] `tokens.length` times.
 * Returns µs per verify (median over passes) and every pass's figure.
 */
export async function runPasses({ contenders, sets, passes = 5, repeatPasses = 3, now = () => performance.now(), log = () => {} }) {
  const out = {};
  for (const [alg, { tokens, first }] of Object.entries(sets)) {
    const n = tokens.length;
    out[alg] = {};
    for (const c of contenders) {
      const r = await c.verify(tokens[0]);
      if (r.payload.jti !== first.jti || r.payload.sub !== first.sub || r.protectedHeader.alg !== alg) {
        throw new Error(`${c.id} ${alg}: unexpected result ${JSON.stringify(r)}`);
      }
      out[alg][c.id] = { all: [], repeat: [] };
    }
    const warm = new Map();
    for (const c of contenders) warm.set(c, await pass(c, tokens, n, now));
    log(`${alg}: warm-up done`);
    // Contenders more than 3x slower than jose in the warm-up (the pure-Rust arithmetic outside
    // Node) run their passes after the others: interleaved with them, their seconds of
    // allocation and collection land in the fast contenders' passes (in workerd this moved the
    // fast figures by 20-30 % from pass to pass).
    const ref = [...warm].find(([c]) => c.id === 'jose')?.[1] ?? Math.min(...warm.values());
    const groups = [contenders.filter((c) => warm.get(c) <= 3 * ref), contenders.filter((c) => warm.get(c) > 3 * ref)];
    for (const group of groups.filter((g) => g.length > 0)) {
      const order = [...group];
      for (let p = 0; p < passes; p++) {
        for (const c of order) out[alg][c.id].all.push((await pass(c, tokens, n, now)) * 1000 / n);
        order.push(order.shift());
      }
      const same = [tokens[0]];
      for (let p = 0; p < repeatPasses; p++) {
        for (const c of order) out[alg][c.id].repeat.push((await pass(c, same, n, now)) * 1000 / n);
        order.push(order.shift());
      }
      for (const c of group) out[alg][c.id].group = group === groups[0] ? 'fast' : 'slow';
    }
    log(`${alg}: ${passes} passes done`);
    for (const c of contenders) {
      const r = out[alg][c.id];
      r.us = median(r.all);
      r.minUs = Math.min(...r.all);
      r.repeatUs = median(r.repeat);
    }
  }
  return { results: out, sink };
}

/**
 * Build the contenders from loaded modules. `oidc` maps a build name ('size', 'speed') to the
 * oidc-wasm module; `jose` is panva's jose.
 */
export async function makeContenders({ oidc, jose, fixtures }) {
  const { issuer, audience, algorithms, jwks, steadyJwksUri } = fixtures;
  const now = Math.floor(Date.now() / 1000);
  const contenders = [];
  for (const [build, mod] of Object.entries(oidc)) {
    // Loaded first, so createVerifier does not start fetching keys the next line imports.
    await mod.init();
    // The signature arithmetic module, for verifySync where the platform's crypto is asynchronous
    // (WebCrypto): browsers fetch it on demand, Node and workerd load it by themselves on first use.
    await mod.loadWasmCrypto();
    const v = await mod.createVerifier({ issuer, audience, jwksUri: steadyJwksUri, algorithms, onWarning: () => {} });
    v.importJwksCache({ uri: steadyJwksUri, jwks, fetched_at: now, expires_at: now + 24 * 3600 });
    contenders.push({ id: `oidc-${build}-sync`, kind: 'sync', verify: (t) => v.verifySync(t) });
    contenders.push({ id: `oidc-${build}-async`, kind: 'async', verify: (t) => v.verify(t) });
    // The module's own pure-Rust signature arithmetic (what runs where there is no platform crypto).
    const w = await mod.createVerifier({ issuer, audience, jwksUri: steadyJwksUri, algorithms, crypto: 'wasm', onWarning: () => {} });
    w.importJwksCache({ uri: steadyJwksUri, jwks, fetched_at: now, expires_at: now + 24 * 3600 });
    contenders.push({ id: `oidc-${build}-wasm-sync`, kind: 'sync', verify: (t) => w.verifySync(t) });
    if (build === 'size') {
      // The same build with the verified-token cache on: a repeat costs a hash and a lookup.
      const c = await mod.createVerifier({ issuer, audience, jwksUri: steadyJwksUri, algorithms, tokenCacheSize: 4096, onWarning: () => {} });
      c.importJwksCache({ uri: steadyJwksUri, jwks, fetched_at: now, expires_at: now + 24 * 3600 });
      contenders.push({ id: 'oidc-size-cached-sync', kind: 'sync', verify: (t) => c.verifySync(t) });
    }
  }
  const keySet = jose.createLocalJWKSet(jwks);
  const opts = { issuer, audience, algorithms };
  contenders.push({ id: 'jose', kind: 'async', verify: (t) => jose.jwtVerify(t, keySet, opts) });
  return contenders;
}

/**
 * Cold start inside a fresh context: import, create, first verify (JWKS fetched). Times in ms.
 * `crypto: 'wasm'` creates the verifier with the module's own arithmetic (createVerifier then
 * loads that module); otherwise the platform's crypto is used and that module is not loaded.
 */
export async function coldStart({ contender, importLib, fixtures, token, nextToken, jwksUri, crypto, now = () => performance.now() }) {
  const { issuer, audience, algorithms } = fixtures;
  const t0 = now();
  const lib = await importLib();
  const t1 = now();
  let verify;
  if (contender === 'jose') {
    const keySet = lib.createRemoteJWKSet(new URL(jwksUri));
    verify = (t) => lib.jwtVerify(t, keySet, { issuer, audience, algorithms });
  } else {
    const v = await lib.createVerifier({ issuer, audience, jwksUri, algorithms, ...(crypto ? { crypto } : {}), onWarning: () => {} });
    verify = (t) => v.verify(t);
  }
  const t2 = now();
  const r = await verify(token);
  const t3 = now();
  // For contrast (not in totalMs): the next verify, of another token, with the keys loaded.
  await verify(nextToken);
  const t4 = now();
  return { importMs: t1 - t0, createMs: t2 - t1, firstVerifyMs: t3 - t2, totalMs: t3 - t0, secondVerifyMs: t4 - t3, sub: r.payload.sub };
}
