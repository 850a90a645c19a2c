// End-user interactions: the login page and automatic consent.
//
//   GET  /interaction/:uid        login form (prompt "login") or auto-consent
//   POST /interaction/:uid/login  credentials check
//   GET  /interaction/:uid/abort  End-User cancelled (access_denied)

import { readBody } from './router.mjs';
import { loginPage } from './views.mjs';

export function registerInteractions(router, { provider, accounts, log }) {
  async function details(ctx) {
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    if (interaction.uid !== ctx.params.uid) {
      ctx.throw(400, 'interaction mismatch, start the authorization request again');
    }
    return interaction;
  }

  async function finish(ctx, result) {
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  }

  async function clientName(clientId) {
    const client = await provider.Client.find(clientId);
    return client?.clientName || clientId;
  }

  async function renderLogin(ctx, interaction, { username, error } = {}) {
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = loginPage({
      action: `/interaction/${interaction.uid}/login`,
      abortAction: `/interaction/${interaction.uid}/abort`,
      clientName: await clientName(interaction.params.client_id),
      username: username ?? interaction.params.login_hint ?? '',
      error,
      users: accounts.users,
    });
  }

  // First-party clients: grant whatever is asked for, no consent page.
  async function autoConsent(ctx, interaction) {
    const { prompt: { details: missing }, params, session, grantId } = interaction;
    const grant = (grantId && await provider.Grant.find(grantId))
      || new provider.Grant({ accountId: session.accountId, clientId: params.client_id });

    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }

    await finish(ctx, { consent: { grantId: await grant.save() } });
  }

  router.get('/interaction/:uid', async (ctx) => {
    const interaction = await details(ctx);
    switch (interaction.prompt.name) {
      case 'login':
        return renderLogin(ctx, interaction);
      case 'consent':
        return autoConsent(ctx, interaction);
      default:
        return finish(ctx, {
          error: 'interaction_required',
          error_description: `unsupported prompt ${interaction.prompt.name}`,
        });
    }
  });

  router.post('/interaction/:uid/login', async (ctx) => {
    const interaction = await details(ctx);
    if (interaction.prompt.name !== 'login') {
      ctx.throw(400, 'no login pending for this interaction');
    }
    const { username, password } = await readBody(ctx);
    const accountId = accounts.authenticate(username, password);
    if (!accountId) {
      log(`login failed for "${username}"`);
      ctx.status = 200;
      return renderLogin(ctx, interaction, { username, error: 'Wrong username or password.' });
    }
    log(`login ${accountId}`);
    return finish(ctx, { login: { accountId, amr: ['pwd'] } });
  });

  router.get('/interaction/:uid/abort', async (ctx) => {
    await details(ctx);
    return finish(ctx, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    });
  });
}
