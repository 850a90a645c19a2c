// HTML pages of the test provider. Self-contained (no external resources).

export function escapeHtml(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
  *{box-sizing:border-box}
  body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1f2328;margin:0;padding:48px 16px}
  main{max-width:360px;margin:0 auto;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15);padding:24px 28px}
  h1{font-size:1.35rem;font-weight:600;margin:0 0 4px}
  p{line-height:1.45}
  .sub{color:#59636e;margin:0 0 20px}
  label{display:block;font-size:.9rem;font-weight:600;margin:14px 0 4px}
  input[type=text],input[type=password]{width:100%;height:40px;padding:0 10px;font-size:1rem;border:1px solid #c8ccd1;border-radius:6px}
  button{width:100%;height:40px;margin-top:20px;font-size:1rem;font-weight:600;color:#fff;background:#2f6feb;border:0;border-radius:6px;cursor:pointer}
  button.secondary{background:none;color:#59636e;font-weight:400;margin-top:8px}
  .error{color:#b42318;background:#fef3f2;border:1px solid #fecdca;border-radius:6px;padding:8px 10px}
  .cancel{text-align:center;margin:14px 0 0}
  .cancel a{color:#59636e}
  .hint{font-size:.8rem;color:#59636e;margin-top:18px}
  code{font-size:1.6rem;letter-spacing:.08em}
  pre{white-space:pre-wrap;word-break:break-word}
`;

export function layout(title, body, { head = '' } = {}) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${head}
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function loginPage({ action, abortAction, clientName, username = '', error, users = [] }) {
  const hint = users.length
    ? `<p class="hint">Test users: ${users.map((u) => `<strong>${escapeHtml(u.username)}</strong> / ${escapeHtml(u.password)}`).join(', ')}</p>`
    : '';
  return layout('Log in', `
<h1>Log in</h1>
<p class="sub">to continue to ${escapeHtml(clientName)}</p>
${error ? `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
  <label for="username">Username</label>
  <input type="text" id="username" name="username" value="${escapeHtml(username)}" autocapitalize="none" spellcheck="false" required${username ? '' : ' autofocus'}>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" required${username ? ' autofocus' : ''}>
  <button type="submit">Log in</button>
</form>
<p class="cancel"><a href="${escapeHtml(abortAction)}" id="cancel">Cancel</a></p>
${hint}`);
}

// RP-initiated logout confirmation. The provider's form is submitted
// automatically with logout=yes (end the whole session); without script the
// buttons remain.
export function logoutPage({ form, host }) {
  const autoForm = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
  return layout('Logging out', `
<h1>Logging out</h1>
<p class="sub">Signing you out of ${escapeHtml(host)}…</p>
${autoForm}
<noscript><button type="submit" form="op.logoutForm">Log out</button></noscript>
<script>document.getElementById('op.logoutForm').submit();</script>`);
}

export function postLogoutPage({ clientName }) {
  return layout('Logged out', `
<h1>Logged out</h1>
<p>You have been signed out${clientName ? ` of ${escapeHtml(clientName)}` : ''}.</p>`);
}

export function errorPage(out) {
  const rows = Object.entries(out)
    .map(([key, value]) => `<pre><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</pre>`)
    .join('\n');
  return layout('Error', `
<h1>Something went wrong</h1>
${rows}`);
}

export function deviceInputPage({ form, error }) {
  // `form` is provided by oidc-provider (id="op.deviceInputForm", it holds the
  // xsrf token and a `user_code` text input).
  const message = error
    ? `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>`
    : '<p class="sub">Enter the code displayed on your device.</p>';
  const labelled = form.replace('name="user_code"', 'id="user_code" name="user_code"');
  return layout('Device activation', `
<h1>Device activation</h1>
${message}
<label for="user_code">Code</label>
${labelled}
<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

export function deviceConfirmPage({ form, clientName, userCode }) {
  return layout('Confirm device', `
<h1>Confirm device</h1>
<p><strong>${escapeHtml(clientName)}</strong> is requesting access. Check that your device shows this code:</p>
<p><code id="user-code">${escapeHtml(userCode)}</code></p>
${form}
<button type="submit" form="op.deviceConfirmForm" id="confirm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort" class="secondary" id="abort">Abort</button>`);
}

export function deviceSuccessPage({ clientName }) {
  return layout('Device activated', `
<h1>Device activated</h1>
<p>Your sign-in to ${escapeHtml(clientName)} was successful. You can close this page.</p>`);
}
