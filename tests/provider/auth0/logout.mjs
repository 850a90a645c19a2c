// Auth0's GET /v2/logout (Authentication API, "Logout"): ends the provider session, then
// redirects to `returnTo`, which must be one of the application's Allowed Logout URLs (here the
// client's post_logout_redirect_uris) when `client_id` is given; without `returnTo`, to the
// first of them. `federated` is accepted (there is no upstream identity provider to log out of).
// Each call is recorded for the tests: GET /__test/auth0/logouts.

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function createLogout({ provider }) {
  const calls = [];

  function refuse(ctx, message) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = `<!doctype html><meta charset="utf-8"><title>Error</title><h1>Oops!, something went wrong</h1>
<p id="error">invalid_request: ${escapeHtml(message)}</p>`;
  }

  async function logout(ctx) {
    const q = ctx.query;
    const one = (v) => (Array.isArray(v) ? v[0] : v);
    const clientId = one(q.client_id);
    const returnTo = one(q.returnTo);
    const url = new URL(ctx.href);
    calls.push({ query: [...url.searchParams], federated: url.searchParams.has('federated'), at: Date.now() });
    let client;
    if (clientId !== undefined) {
      client = await provider.Client.find(String(clientId));
      if (!client) return refuse(ctx, `The client_id "${clientId}" is not a known application.`);
    }
    const allowed = client?.postLogoutRedirectUris ?? [];
    if (returnTo !== undefined && !allowed.includes(returnTo)) {
      return refuse(ctx, `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs".`);
    }
    // The provider session ends; its cookie then names nothing (prompt=none gives login_required).
    const session = await provider.Session.get(ctx);
    if (session.accountId) await session.destroy();
    const target = returnTo ?? allowed[0];
    if (!target) {
      ctx.type = 'html';
      ctx.body = '<!doctype html><meta charset="utf-8"><title>Logged out</title><p id="logged-out">You are logged out.</p>';
      return undefined;
    }
    ctx.status = 302;
    ctx.redirect(target);
    return undefined;
  }

  return {
    register(router) {
      router.get('/v2/logout', logout);
      router.get('/__test/auth0/logouts', (ctx) => {
        ctx.set('Access-Control-Allow-Origin', '*');
        ctx.body = { logouts: calls };
      });
    },
    reset() {
      calls.length = 0;
    },
  };
}
