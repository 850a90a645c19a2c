// The app every browser recipe builds (copied to src/app.js): sign in with a redirect, come back
// at /callback, show the user. The server says which provider and options in /config.json, so the
// same build runs against any provider; `wasmUrl` there is the module's address when it is not
// where the bundler put it.
import { createAuthClient, init } from 'oidc-wasm';

const status = document.querySelector('#status');

async function main() {
  const config = await (await fetch('/config.json')).json();
  if (config.wasmUrl) await init(config.wasmUrl);
  const auth = await createAuthClient({
    ...config.options,
    authorizationParams: { ...config.options.authorizationParams, redirect_uri: `${location.origin}/callback` },
  });
  if (location.pathname === '/callback') {
    await auth.handleRedirectCallback();
    history.replaceState(null, '', '/');
  }
  // After a reload, a memory cache is empty: this asks the provider again (refresh token or iframe).
  await auth.checkSession();
  if (await auth.isAuthenticated()) {
    const user = await auth.getUser();
    status.textContent = `signed in as ${user.name}`;
    status.dataset.sub = user.sub;
  } else {
    status.textContent = 'signed out';
    const login = document.querySelector('#login');
    login.hidden = false;
    login.onclick = () => auth.loginWithRedirect();
  }
  document.body.dataset.state = 'ready';
}

main().catch((e) => {
  status.textContent = `${e.code ?? e.name}: ${e.message}`;
  document.body.dataset.state = 'failed';
});
