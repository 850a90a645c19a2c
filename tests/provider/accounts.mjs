// Test users of the provider. Subjects use Auth0's "connection|id" shape.

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
];

// Avatar URL served by this provider (see avatarSvg below).
export function pictureUrl(issuer, user) {
  return `${issuer}/avatars/${encodeURIComponent(user.username)}.svg`;
}

export function createAccounts(issuer) {
  const bySub = new Map(USERS.map((user) => [user.claims.sub, user]));

  function claimsOf(user) {
    return { ...user.claims, picture: pictureUrl(issuer, user) };
  }

  return {
    users: USERS,

    // Username (case-insensitive) or e-mail address plus password.
    authenticate(login, password) {
      const needle = String(login ?? '').trim().toLowerCase();
      const user = USERS.find((u) => u.username === needle || u.claims.email === needle);
      if (!user || user.password !== password) return undefined;
      return user.claims.sub;
    },

    byUsername(username) {
      return USERS.find((u) => u.username === username);
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
  const initial = (user.claims.given_name || user.username).slice(0, 1).toUpperCase();
  const hue = [...user.username].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">`
    + `<rect width="96" height="96" rx="48" fill="hsl(${hue} 55% 45%)"/>`
    + `<text x="48" y="62" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">${initial}</text>`
    + '</svg>';
}
