// Auth0 database connection endpoints:
//
//   POST /dbconnections/signup           creates a user of the database
//                                        connection (log in with the
//                                        password(-realm) grant or the login
//                                        page)
//   POST /dbconnections/change_password  "sends" a password reset e-mail
//
// Errors carry both the OAuth-style members (error, error_description) and the
// ones Auth0's /dbconnections endpoints use (name, code, description,
// statusCode).

import { DATABASE_CONNECTION } from './constants.mjs';
import { Auth0Error, body, sendJson, str } from './http.mjs';
import { nowSeconds, randomHex, randomToken } from './state.mjs';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[A-Za-z0-9_+\-.!#$^`~']{1,15}$/;
const PROFILE = ['given_name', 'family_name', 'name', 'nickname', 'picture'];
export const CHANGE_PASSWORD_MESSAGE = "We've just sent you an email to reset your password.";

// Password policy "fair": at least 8 characters, lower case, upper case and
// numbers.
const PASSWORD_RULES = [
  { code: 'lengthAtLeast', message: 'At least %d characters in length', format: [8], test: (p) => p.length >= 8 },
  { code: 'containsLowerCase', message: 'lower case letters (a-z)', test: (p) => /[a-z]/.test(p) },
  { code: 'containsUpperCase', message: 'upper case letters (A-Z)', test: (p) => /[A-Z]/.test(p) },
  { code: 'containsNumbers', message: 'numbers (i.e. 0-9)', test: (p) => /[0-9]/.test(p) },
];
const PASSWORD_POLICY = '* At least 8 characters in length\n'
  + '* Contain at least 3 of the following 3 types of characters:\n'
  + ' * lower case letters (a-z)\n * upper case letters (A-Z)\n * numbers (i.e. 0-9)';

function dbError(status, code, description, { name = 'BadRequestError', ...extra } = {}) {
  return new Auth0Error(status, code, typeof description === 'string' ? description : extra.message, {
    extra: { name, code, description, ...extra, statusCode: status },
  });
}

function validateUserMetadata(metadata) {
  if (metadata === undefined) return undefined;
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      throw dbError(400, 'invalid_signup', 'user_metadata must be an object');
    }
  }
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw dbError(400, 'invalid_signup', 'user_metadata must be an object');
  }
  const entries = Object.entries(metadata);
  if (entries.length > 10) {
    throw dbError(400, 'invalid_signup', 'user_metadata must not have more than 10 properties');
  }
  for (const [k, v] of entries) {
    if (k.length > 100) {
      throw dbError(400, 'invalid_signup', `user_metadata property names must have at most 100 characters: ${k.slice(0, 20)}...`);
    }
    if (typeof v !== 'string' || v.length > 500) {
      throw dbError(400, 'invalid_signup', `user_metadata property values must be strings of at most 500 characters: ${k}`);
    }
  }
  return metadata;
}

export function createDbConnections({ state, accounts, provider, issuer }) {
  async function checkClient(clientId, required) {
    if (!clientId) {
      if (required) throw dbError(400, 'bad.client_id', 'Missing required property: client_id');
      return;
    }
    if (!await provider.Client.find(clientId)) throw dbError(400, 'bad.client_id', `Unknown client: ${clientId}`);
  }

  function checkConnection(connection) {
    if (!connection) throw dbError(400, 'bad.connection', 'Missing required property: connection');
    if (connection !== DATABASE_CONNECTION) throw dbError(400, 'bad.connection', 'Connection does not exist');
  }

  function register(route) {
    route('/dbconnections/signup', {
      POST: async (ctx) => {
        const params = await body(ctx);
        await checkClient(str(params.client_id), true);
        const email = str(params.email)?.trim();
        const password = str(params.password);
        const connection = str(params.connection);
        const username = str(params.username);
        if (!email) throw dbError(400, 'bad.email', 'Missing required property: email');
        if (!password) throw dbError(400, 'bad.password', 'Missing required property: password');
        checkConnection(connection);
        if (!EMAIL.test(email)) throw dbError(400, 'bad.email', `Object didn't pass validation for format email: ${email}`);
        if (username !== undefined && !USERNAME.test(username)) {
          throw dbError(400, 'bad.username', 'username must have 1 to 15 characters: letters, digits and _+-.!#$^`~\'');
        }
        const userMetadata = validateUserMetadata(params.user_metadata);
        const profile = {};
        for (const k of PROFILE) {
          if (params[k] === undefined) continue;
          const v = str(params[k]);
          if (v === undefined) throw dbError(400, 'invalid_signup', `${k} must be a string`);
          profile[k] = v;
        }

        const rules = PASSWORD_RULES.map((r) => ({ ...r, verified: r.test(password) }));
        if (rules.some((r) => !r.verified)) {
          throw dbError(400, 'invalid_password', {
            rules: rules.map(({ code, message, format, verified }) => ({ code, message, ...(format ? { format } : {}), verified })),
            verified: false,
          }, { name: 'PasswordStrengthError', message: 'Password is too weak', policy: PASSWORD_POLICY });
        }

        if (accounts.findLogin(email)) throw dbError(400, 'user_exists', 'The user already exists.');
        if (username !== undefined && accounts.findLogin(username)) {
          throw dbError(400, 'username_exists', 'The username provided is in use already.');
        }

        const id = randomHex(12);
        const lowerEmail = email.toLowerCase();
        accounts.addUser({
          handle: id,
          username: username?.toLowerCase(),
          password,
          connection: DATABASE_CONNECTION,
          userMetadata,
          claims: {
            sub: `auth0|${id}`,
            name: profile.name ?? lowerEmail,
            nickname: profile.nickname ?? (username ?? lowerEmail.split('@')[0]),
            ...(profile.given_name ? { given_name: profile.given_name } : {}),
            ...(profile.family_name ? { family_name: profile.family_name } : {}),
            ...(profile.picture ? { picture: profile.picture } : {}),
            email: lowerEmail,
            email_verified: false,
            updated_at: nowSeconds(),
          },
        });
        state.send({
          kind: 'verification_email',
          channel: 'email',
          to: lowerEmail,
          link: `${issuer}/u/email-verification?ticket=${randomToken()}`,
        });

        sendJson(ctx, 200, {
          _id: id,
          email_verified: false,
          email: lowerEmail,
          ...(username !== undefined ? { username } : {}),
          ...profile,
        });
      },
    });

    route('/dbconnections/change_password', {
      POST: async (ctx) => {
        const params = await body(ctx);
        await checkClient(str(params.client_id), false);
        const email = str(params.email)?.trim();
        if (!email) throw dbError(400, 'bad.email', 'Missing required property: email');
        checkConnection(str(params.connection));
        // Same answer whether the user exists or not (no account enumeration).
        const user = accounts.findLogin(email);
        if (user && user.claims.email?.toLowerCase() === email.toLowerCase()) {
          state.send({
            kind: 'change_password',
            channel: 'email',
            to: user.claims.email,
            link: `${issuer}/lo/reset?ticket=${randomToken()}#`,
          });
        }
        ctx.status = 200;
        ctx.set('Cache-Control', 'no-store');
        ctx.type = 'application/json';
        ctx.body = JSON.stringify(CHANGE_PASSWORD_MESSAGE);
      },
    });
  }

  return { register };
}
