// auth0-spa-js 2.28's error classes, so that an app written for it keeps its `instanceof` checks
// and the fields it reads (error, error_description, state, appState, mfa_token, audience, ...).
// Each extends AuthError (and so GenericError), keeping the stable `code` and `kind`; the
// constructors take auth0-spa-js's arguments, then optional AuthError details ({ code, message,
// kind, ... }). `AuthError.from` (used for every error the module reports) picks the class from
// the code, in `classify` below: the one place where codes map to classes.
import { AuthError, GenericError } from './core.js';

/** `value`, or '' when it is empty or in `exclude` (auth0-spa-js's messages). */
const orEmpty = (value, exclude = []) => (value && !exclude.includes(value) ? value : '');

export class InvalidConfigurationError extends AuthError {
  constructor(message, suggestion, details = {}) {
    super(details.code ?? 'ERR_CONFIG_INVALID_OPTION', details.message ?? `${message} ${suggestion}`,
      { kind: 'config', ...details, error: 'invalid_configuration', error_description: `${message} ${suggestion}` });
    this.suggestion = suggestion;
    this.name = 'InvalidConfigurationError';
  }
}

/** The provider answered the authorization request with an error (at the redirect callback). */
export class AuthenticationError extends AuthError {
  constructor(error, error_description, state, appState = null, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? error_description, { kind: 'server', ...details, error, error_description });
    this.state = state;
    this.appState = appState;
    this.name = 'AuthenticationError';
  }
}

/** The connect-account flow's callback carried an error (auth0-spa-js's; not thrown by oidc-wasm yet). */
export class ConnectError extends AuthError {
  constructor(error, error_description, connection, state, appState = null, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? error_description, { kind: 'server', ...details, error, error_description });
    this.connection = connection;
    this.state = state;
    this.appState = appState;
    this.name = 'ConnectError';
  }
}

/** Silent authentication or a request took too long. */
export class TimeoutError extends AuthError {
  constructor(details = {}) {
    super(details.code ?? 'ERR_TIMEOUT', details.message ?? 'Timeout', { kind: 'network', ...details, error: 'timeout', error_description: 'Timeout' });
    this.name = 'TimeoutError';
  }
}

/** The login popup was not completed in time. */
export class PopupTimeoutError extends TimeoutError {
  constructor(popup, details = {}) {
    super(details);
    this.popup = popup;
    this.name = 'PopupTimeoutError';
  }
}

/** The login popup was closed before the login ended. */
export class PopupCancelledError extends AuthError {
  constructor(popup, details = {}) {
    super(details.code ?? 'ERR_POPUP_CLOSED', details.message ?? 'Popup closed',
      { kind: 'config', ...details, error: 'cancelled', error_description: 'Popup closed' });
    this.popup = popup;
    this.name = 'PopupCancelledError';
  }
}

/** The popup could not be opened (window.open returned null). */
export class PopupOpenError extends AuthError {
  constructor(details = {}) {
    const description = 'Unable to open a popup for loginWithPopup - window.open returned `null`';
    super(details.code ?? 'ERR_POPUP_BLOCKED', details.message ?? description,
      { kind: 'config', ...details, error: 'popup_open', error_description: description });
    this.name = 'PopupOpenError';
  }
}

/** A token request was answered `mfa_required`: `mfa_token` and `mfa_requirements` go on. */
export class MfaRequiredError extends AuthError {
  constructor(error, error_description, mfa_token, mfa_requirements, details = {}) {
    super(details.code ?? 'ERR_MFA_REQUIRED', details.message ?? error_description,
      { kind: 'server', ...details, error, error_description, mfa_token, mfa_requirements });
    this.mfa_token = mfa_token;
    this.mfa_requirements = mfa_requirements;
    this.name = 'MfaRequiredError';
  }
}

/** There is no refresh token for this audience and scope. */
export class MissingRefreshTokenError extends AuthError {
  constructor(audience, scope, details = {}) {
    const description = `Missing Refresh Token (audience: '${orEmpty(audience, ['default'])}', scope: '${orEmpty(scope)}')`;
    super(details.code ?? 'ERR_MISSING_REFRESH_TOKEN', details.message ?? description,
      { kind: 'server', ...details, error: 'missing_refresh_token', error_description: description });
    this.audience = audience;
    this.scope = scope;
    this.name = 'MissingRefreshTokenError';
  }
}

/** Scopes asked for are missing after a refresh (auth0-spa-js's, with MRRT; not thrown by oidc-wasm yet). */
export class MissingScopesError extends AuthError {
  constructor(audience, scope, details = {}) {
    const description = `Missing requested scopes after refresh (audience: '${orEmpty(audience, ['default'])}', missing scope: '${orEmpty(scope)}')`;
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? description,
      { kind: 'server', ...details, error: 'missing_scopes', error_description: description });
    this.audience = audience;
    this.scope = scope;
    this.name = 'MissingScopesError';
  }
}

/** The server refused a DPoP proof's nonce (auth0-spa-js's; oidc-wasm has no DPoP yet). */
export class UseDpopNonceError extends AuthError {
  constructor(newDpopNonce, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? 'Server rejected DPoP proof: wrong nonce',
      { kind: 'server', ...details, error: 'use_dpop_nonce', error_description: 'Server rejected DPoP proof: wrong nonce' });
    this.newDpopNonce = newDpopNonce;
    this.name = 'UseDpopNonceError';
  }
}

/** The MFA API's errors (auth0-spa-js's MfaError and its subclasses). */
export class MfaError extends AuthError {
  constructor(error, error_description, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? error_description, { kind: 'server', ...details, error, error_description });
    this.name = 'MfaError';
  }
}
export class MfaListAuthenticatorsError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaListAuthenticatorsError'; }
}
export class MfaEnrollmentError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaEnrollmentError'; }
}
export class MfaChallengeError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaChallengeError'; }
}
export class MfaVerifyError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaVerifyError'; }
}
export class MfaEnrollmentFactorsError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaEnrollmentFactorsError'; }
}

/**
 * The class for an error the module (or this layer) reports, from its code and the server's
 * `error`; undefined leaves it a plain AuthError (itself a GenericError: `login_required`,
 * `consent_required`, `invalid_grant`, ... are GenericErrors in auth0-spa-js too).
 */
export function classify(code, message, details = {}) {
  const d = { ...details, code, message };
  if (details.error === 'use_dpop_nonce') return new UseDpopNonceError(undefined, d);
  switch (code) {
    case 'ERR_MFA_REQUIRED':
      return new MfaRequiredError(details.error ?? 'mfa_required', details.error_description ?? message,
        details.mfa_token, details.mfa_requirements, d);
    case 'ERR_MISSING_REFRESH_TOKEN':
      return new MissingRefreshTokenError(details.audience ?? 'default', details.scope ?? '', d);
    case 'ERR_TIMEOUT':
      // Only a plain timeout: an expired device code or MFA challenge keeps its own `error`.
      return details.error === undefined || details.error === null || details.error === 'timeout' ? new TimeoutError(d) : undefined;
    case 'ERR_POPUP_BLOCKED':
      return new PopupOpenError(d);
    case 'ERR_POPUP_CLOSED':
      return new PopupCancelledError(details.popup, d);
    default:
      return undefined;
  }
}

AuthError.classify = classify;

export { GenericError };
