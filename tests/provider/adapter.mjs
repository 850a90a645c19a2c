// In-memory storage adapter for oidc-provider, one store per provider
// instance. Unlike the library's built-in development adapter it has no size
// limit (nothing is evicted while a test runs) and keeps no timers: expired
// entries are dropped lazily when touched.

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

export function createMemoryStore() {
  const entries = new Map(); // key -> { value, expiresAt }

  function get(key) {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  function set(key, value, expiresIn) {
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
    entries.set(key, { value, expiresAt });
  }

  function purgeExpired() {
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) entries.delete(key);
    }
  }

  return {
    get,
    set,
    delete: (key) => entries.delete(key),
    clear: () => entries.clear(),
    purgeExpired,
    get size() {
      return entries.size;
    },
  };
}

// Returns a factory suitable for the `adapter` configuration option.
export function createAdapterFactory(store = createMemoryStore()) {
  let writes = 0;

  class MemoryAdapter {
    constructor(model) {
      this.model = model;
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        const members = store.get(grantKey) ?? new Set();
        members.add(key);
        store.set(grantKey, members);
      }
      if (this.model === 'Session' && payload.uid) {
        store.set(`sessionUid:${payload.uid}`, id, expiresIn);
      }
      if (payload.userCode) {
        store.set(`userCode:${payload.userCode}`, id, expiresIn);
      }
      store.set(key, payload, expiresIn);

      writes += 1;
      if (writes % 500 === 0) store.purgeExpired();
    }

    async find(id) {
      return store.get(this.key(id));
    }

    async findByUid(uid) {
      const id = store.get(`sessionUid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = store.get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const payload = store.get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const grantKey = `grant:${grantId}`;
      const members = store.get(grantKey);
      if (members) {
        for (const key of members) store.delete(key);
      }
      store.delete(grantKey);
    }
  }

  return (model) => new MemoryAdapter(model);
}
