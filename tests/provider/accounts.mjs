// Test users of the provider. Subjects use Auth0's "connection|id" shape.
//
// alice and bob log in with a password only. carol and dave belong to the
// same database connection but require multi-factor authentication on the
// Auth0 grants (see auth0/mfa.mjs for their enrolment). Users created at run
// time (sign-up, passwordless) are kept per provider instance: addUser().

const UPDATED_AT = 1735689600; // 2025-01-01T00:00:00Z

export const USERS = [
  {
    username: 'alice',
    password: 'wonderland',
    claims: {
      sub: 'auth0|alice',
      name: 'Alice Liddell',
      nickname: 'alice',
      given_name: 'Alice',
      family_name: 'Liddell',
      email: 'alice@oidc-wasm.test',
      email_verified: true,
      updated_at: UPDATED_AT,
    },
  },
  {
    username: 'bob',
    password: 'builder',
    claims: {
      sub: 'auth0|bob',
      name: 'Bob Builder',
      nickname: 'bob',
      given_name: 'Bob',
      family_name: 'Builder',
      email: 'bob@oidc-wasm.test',
      email_verified: false,
      updated_at: UPDATED_AT,
    },
  },
  {
    username: 'carol',
    password: 'mfa-secret',
    claims: {
      sub: 'auth0|carol',
      name: 'Carol Clark',
      nickname: 'carol',
      given_name: 'Carol',
      family_name: 'Clark',
      email: 'carol@oidc-wasm.test',
      email_verified: true,
      updated_at: UPDATED_AT,
    },
  },
  {
    username: 'dave',
    password: 'push-secret',
    claims: {
      sub: 'auth0|dave',
      name: 'Dave Dawson',
      nickname: 'dave',
      given_name: 'Dave',
      family_name: 'Dawson',
      email: 'dave@oidc-wasm.test',
      email_verified: true,
      updated_at: UPDATED_AT,
    },
  },
];

// Name of a user's avatar (its username; users created at run time without
// one use their id).
const avatarName = (user) => user.username ?? user.handle;

// Avatar URL served by this provider (see avatarSvg below).
export function pictureUrl(issuer, user) {
  return `${issuer}/avatars/${encodeURIComponent(avatarName(user))}.svg`;
}

export function createAccounts(issuer) {
  const bySub = new Map(USERS.map((user) => [user.claims.sub, user]));
  // Users created at run time (sign-up, passwordless), in creation order.
  const added = [];

  function claimsOf(user) {
    return { ...user.claims, picture: user.claims.picture ?? pictureUrl(issuer, user) };
  }

  const all = () => [...USERS, ...added];

  // The database-connection user with this username or e-mail address.
  function findLogin(login) {
    const needle = String(login ?? '').trim().toLowerCase();
    if (!needle) return undefined;
    return all().find((u) => u.password !== undefined
      && (u.username?.toLowerCase() === needle || u.claims.email?.toLowerCase() === needle));
  }

  return {
    users: USERS,

    // Username (case-insensitive) or e-mail address plus password. Only users
    // with a password (database connection) can log in this way.
    authenticate(login, password) {
      const user = findLogin(login);
      if (!user || user.password === undefined || user.password !== password) return undefined;
      return user.claims.sub;
    },

    findLogin,

    byUsername(username) {
      return all().find((u) => avatarName(u) === username);
    },

    bySub(sub) {
      return bySub.get(sub);
    },

    byEmail(email) {
      const needle = String(email ?? '').trim().toLowerCase();
      return needle ? all().find((u) => u.claims.email?.toLowerCase() === needle) : undefined;
    },

    byPhoneNumber(phoneNumber) {
      return phoneNumber ? all().find((u) => u.claims.phone_number === phoneNumber) : undefined;
    },

    // Adds a user created at run time: { username?, handle, password?, claims }.
    addUser(user) {
      if (bySub.has(user.claims.sub)) throw new Error(`duplicate user ${user.claims.sub}`);
      added.push(user);
      bySub.set(user.claims.sub, user);
      return user;
    },

    // Forgets the users created at run time.
    removeAddedUsers() {
      for (const user of added) bySub.delete(user.claims.sub);
      added.length = 0;
    },

    claims(sub) {
      const user = bySub.get(sub);
      return user ? claimsOf(user) : undefined;
    },

    // oidc-provider `findAccount`. The library filters the returned claims by
    // the granted scopes and the `claims` configuration.
    async findAccount(_ctx, sub) {
      const user = bySub.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          return claimsOf(user);
        },
      };
    },
  };
}

// A small SVG avatar with the user's initial, so `picture` resolves locally.
export function avatarSvg(user) {
  const name = avatarName(user);
  const initial = (user.claims.given_name || user.claims.email || name).slice(0, 1).toUpperCase();
  const hue = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">`
    + `<rect width="96" height="96" rx="48" fill="hsl(${hue} 55% 45%)"/>`
    + `<text x="48" y="62" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">${initial}</text>`
    + '</svg>';
}
