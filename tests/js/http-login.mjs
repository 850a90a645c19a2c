// Logs a user in at the local test provider with plain fetch, as a browser would: follows the
// redirects by hand, keeps the cookies, posts the login form. Uses only web-standard APIs, so
// the same code runs in Node, Deno and workerd. Returns the callback URL (redirect_uri?code=...).
export async function loginByHttp(authorizeUrl, { username = 'alice', password = 'wonderland', redirectUri } = {}) {
  const jar = new Map();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keepCookies = (res) => {
    const all = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
    for (const c of all) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  };
  let url = authorizeUrl;
  let init = { method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: cookieHeader() } });
    keepCookies(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url).href;
      if (redirectUri ? next.startsWith(redirectUri) : !next.startsWith(new URL(authorizeUrl).origin)) {
        await res.body?.cancel();
        return next;
      }
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"[^>]*>[\s\S]*?name="password"/.exec(html)?.[1];
    if (res.status === 200 && action) {
      url = new URL(action.replaceAll('&amp;', '&'), url).href;
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      };
      continue;
    }
    throw new Error(`login stopped at ${url}: HTTP ${res.status} ${html.slice(0, 200)}`);
  }
  throw new Error('login did not come back to the redirect URI within 20 redirects');
}
