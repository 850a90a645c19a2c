// TOTP (RFC 6238: HMAC-SHA1, 30 s step, 6 digits) with base32 (RFC 4648)
// secrets, as authenticator apps use them.

import { createHmac, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const TOTP_STEP = 30;
export const TOTP_DIGITS = 6;

export function base32Encode(bytes) {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

// Case-insensitive; spaces and padding are ignored. Throws on other characters.
export function base32Decode(text) {
  const clean = String(text).toUpperCase().replace(/[\s=]/g, '');
  const out = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new TypeError(`invalid base32 character ${JSON.stringify(char)}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// A new 160-bit secret, base32 (32 characters).
export function generateTotpSecret() {
  return base32Encode(randomBytes(20));
}

// RFC 4226 HOTP value for `counter` (a time step for TOTP).
export function hotp(key, counter, digits = TOTP_DIGITS) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpStep(time = Date.now()) {
  return Math.floor(time / 1000 / TOTP_STEP);
}

// The code of a base32 secret at `time` (milliseconds, default now).
export function totp(secret, time = Date.now()) {
  return hotp(base32Decode(secret), totpStep(time));
}

// Checks `code` against the steps now-window..now+window. Returns the
// matching time step, or undefined.
export function verifyTotp(secret, code, { time = Date.now(), window = 1 } = {}) {
  if (!/^\d{6}$/.test(String(code ?? ''))) return undefined;
  const key = base32Decode(secret);
  const now = totpStep(time);
  for (let step = now - window; step <= now + window; step += 1) {
    if (hotp(key, step) === code) return step;
  }
  return undefined;
}
