// Auth0 MFA API: mfa_token, authenticators, association (enrolment),
// challenges, out-of-band transactions, TOTP and recovery codes.
//
//   GET    /mfa/authenticators        Authorization: Bearer <mfa_token>
//   POST   /mfa/associate             Authorization: Bearer <mfa_token>
//   POST   /mfa/challenge             { client_id, mfa_token, challenge_type?, authenticator_id? }
//   DELETE /mfa/authenticators/:id    Authorization: Bearer <mfa_token>
//
// The token endpoint's MFA grants (grants.mjs) use contextForGrant(),
// verifyOtp(), verifyOob() and useRecoveryCode() below.

import { randomInt } from 'node:crypto';

import {
  MFA_TOKEN_TTL,
  OOB_TTL,
  TOTP_LABEL,
} from './constants.mjs';
import { Auth0Error, bearer, body, list, sendJson, str } from './http.mjs';
import { randomHex, randomToken, sixDigits } from './state.mjs';
import { generateTotpSecret, verifyTotp } from './totp.mjs';

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const OOB_CHANNELS = ['auth0', 'sms', 'voice', 'email'];
const ID_PREFIX = { otp: 'totp', auth0: 'push', sms: 'sms', voice: 'voice', email: 'email' };
// Factor names of mfa_requirements.
const FACTOR = { otp: 'otp', auth0: 'push-notification', sms: 'phone', voice: 'phone', email: 'email' };
const ENROLLABLE = [{ type: 'otp' }, { type: 'phone' }, { type: 'push-notification' }, { type: 'email' }];
const E164 = /^\+[0-9]{1,15}$/;

export function generateRecoveryCode() {
  let code = '';
  for (let i = 0; i < 24; i += 1) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return code;
}

const normalizeRecoveryCode = (code) => String(code ?? '').replace(/[\s-]/g, '').toUpperCase();

function maskPhone(phone) {
  return `+X XXXX${phone.slice(-4)}`;
}

export function createMfa({ state, accounts, issuer, pollInterval }) {
  const enrolment = (sub) => state.mfa.get(sub);
  const authenticators = (sub) => enrolment(sub)?.authenticators ?? [];
  const activeFactors = (sub) => authenticators(sub).filter((a) => a.active && a.type !== 'recovery-code');
  const userLabel = (sub) => accounts.claims(sub)?.email ?? sub;

  function requiresMfa(sub) {
    return state.mfa.has(sub);
  }

  // mfa_requirements of an mfa_required error: the factors to challenge, or
  // (nothing active enrolled yet) the factors the user can enrol.
  function requirements(sub) {
    const factors = activeFactors(sub);
    if (!factors.length) return { enroll: ENROLLABLE.map((f) => ({ ...f })) };
    const types = [...new Set(factors.map((a) => (a.type === 'otp' ? FACTOR.otp : FACTOR[a.channel])))];
    if (authenticators(sub).some((a) => a.active && a.type === 'recovery-code')) types.push('recovery-code');
    return { challenge: types.map((type) => ({ type })) };
  }

  // A new mfa_token for the request that needs a second factor.
  function issueMfaToken({ sub, clientId, scope, resource }) {
    state.purge();
    const token = randomToken();
    state.mfaTokens.set(token, {
      sub,
      clientId,
      scope,
      resource,
      expiresAt: Date.now() + MFA_TOKEN_TTL * 1000,
    });
    return token;
  }

  function lookupMfaToken(token) {
    const context = token ? state.mfaTokens.get(token) : undefined;
    if (!context) return { problem: 'invalid' };
    if (context.expiresAt <= Date.now()) return { problem: 'expired' };
    return { context };
  }

  // For the token endpoint and /mfa/challenge (mfa_token in the body).
  function contextForGrant(token, clientId) {
    const { context, problem } = lookupMfaToken(token);
    if (problem === 'invalid') throw new Auth0Error(403, 'invalid_grant', 'Malformed mfa_token');
    if (problem === 'expired') throw new Auth0Error(403, 'expired_token', 'mfa_token is expired');
    if (clientId !== undefined && context.clientId !== clientId) {
      throw new Auth0Error(403, 'invalid_grant', 'mfa_token was issued to another client');
    }
    return context;
  }

  // For the endpoints taking the mfa_token as a Bearer token.
  function contextForBearer(ctx, bodyToken) {
    const token = bearer(ctx) ?? bodyToken;
    const { context, problem } = lookupMfaToken(token);
    if (problem) {
      ctx.set('WWW-Authenticate', 'Bearer realm="mfa", error="invalid_token"');
      throw new Auth0Error(401, 'invalid_token', token
        ? (problem === 'expired' ? 'mfa_token is expired' : 'Malformed mfa_token')
        : 'Missing authorization: Bearer <mfa_token>');
    }
    return context;
  }

  function describe(authenticator) {
    const out = { id: authenticator.id, authenticator_type: authenticator.type, active: authenticator.active };
    if (authenticator.type === 'oob') {
      out.oob_channel = authenticator.channel;
      out.oob_channels = authenticator.channel;
    }
    if (authenticator.name) out.name = authenticator.name;
    return out;
  }

  function newOobTransaction({ context, authenticator, kind, token }) {
    const oobCode = randomToken();
    const tx = {
      oobCode,
      kind, // 'challenge' | 'enrollment'
      sub: context.sub,
      clientId: context.clientId,
      mfaToken: token,
      authenticatorId: authenticator.id,
      channel: authenticator.channel,
      bindingMethod: authenticator.channel === 'auth0' ? undefined : 'prompt',
      bindingCode: authenticator.channel === 'auth0' ? undefined : sixDigits(),
      status: 'pending', // 'pending' | 'approved' | 'denied'
      used: false,
      createdAt: Date.now(),
      expiresAt: Date.now() + OOB_TTL * 1000,
      lastPollAt: undefined,
    };
    state.oob.set(oobCode, tx);
    if (tx.bindingCode) {
      state.send({
        kind: 'mfa',
        channel: authenticator.channel,
        to: authenticator.channel === 'email' ? authenticator.email : authenticator.phoneNumber,
        oob_code: oobCode,
        binding_code: tx.bindingCode,
      });
    } else {
      // A push notification to the Guardian app (approve or deny it with
      // POST /__test/oob/approve or /__test/oob/deny).
      state.send({ kind: 'mfa', channel: 'auth0', to: authenticator.id, oob_code: oobCode });
    }
    return tx;
  }

  function activate(sub, authenticatorId) {
    const all = authenticators(sub);
    const authenticator = all.find((a) => a.id === authenticatorId);
    if (!authenticator) return;
    authenticator.active = true;
    if (authenticator.type === 'oob' && authenticator.channel === 'auth0' && !authenticator.name) {
      authenticator.name = 'Test device';
    }
    // The recovery code handed out at association becomes usable too.
    for (const a of all) if (a.type === 'recovery-code') a.active = true;
  }

  // --- grants ---------------------------------------------------------------

  // mfa-otp: an active OTP authenticator, or a pending one (confirming the
  // association). A code (time step) is accepted once.
  function verifyOtp(context, otp) {
    const candidates = authenticators(context.sub).filter((a) => a.type === 'otp');
    if (!candidates.length) throw new Auth0Error(403, 'invalid_grant', 'User is not enrolled with an OTP authenticator.');
    for (const authenticator of [...candidates].sort((a, b) => Number(b.active) - Number(a.active))) {
      const step = verifyTotp(authenticator.secret, String(otp ?? ''));
      if (step === undefined || (authenticator.lastUsedStep !== undefined && step <= authenticator.lastUsedStep)) continue;
      authenticator.lastUsedStep = step;
      if (!authenticator.active) {
        activate(context.sub, authenticator.id);
        // Other pending OTP associations of the user are dropped.
        const enrolled = enrolment(context.sub);
        enrolled.authenticators = enrolled.authenticators.filter((a) => a.active || a.type !== 'otp');
      }
      return;
    }
    throw new Auth0Error(403, 'invalid_grant', 'Invalid otp_code.');
  }

  // mfa-oob: push transactions are polled (authorization_pending, slow_down,
  // rejection); SMS / voice / e-mail ones need the binding_code.
  function verifyOob(ctx, context, oobCode, bindingCode) {
    const tx = oobCode ? state.oob.get(oobCode) : undefined;
    if (!tx || tx.used || tx.sub !== context.sub || tx.clientId !== context.clientId) {
      throw new Auth0Error(403, 'invalid_grant', 'Invalid oob_code.');
    }
    if (tx.expiresAt <= Date.now()) {
      throw new Auth0Error(403, 'expired_token', 'The oob_code has expired.');
    }
    if (tx.bindingMethod === 'prompt') {
      if (!bindingCode) throw new Auth0Error(400, 'invalid_request', 'missing required parameter binding_code');
      if (String(bindingCode) !== tx.bindingCode) throw new Auth0Error(403, 'invalid_grant', 'Invalid binding_code.');
    } else {
      const now = Date.now();
      const last = tx.lastPollAt;
      tx.lastPollAt = now;
      if (last !== undefined && now - last < pollInterval * 1000) {
        throw new Auth0Error(429, 'slow_down', `You are polling faster than allowed. Poll every ${pollInterval} seconds.`, {
          headers: { 'Retry-After': String(Math.max(1, Math.ceil(pollInterval))) },
        });
      }
      if (tx.status === 'pending') {
        throw new Auth0Error(400, 'authorization_pending', 'Authorization pending: please repeat the request in a few seconds.');
      }
      if (tx.status === 'denied') {
        throw new Auth0Error(403, 'invalid_grant', 'MFA Authorization rejected.');
      }
    }
    tx.used = true;
    if (tx.kind === 'enrollment') activate(context.sub, tx.authenticatorId);
  }

  // mfa-recovery-code: returns the user's new recovery code.
  function useRecoveryCode(context, code) {
    const recovery = authenticators(context.sub).find((a) => a.type === 'recovery-code' && a.active);
    if (!recovery || normalizeRecoveryCode(code) !== recovery.code) {
      throw new Auth0Error(403, 'invalid_grant', 'Invalid recovery code.');
    }
    recovery.code = generateRecoveryCode();
    return recovery.code;
  }

  // --- routes ---------------------------------------------------------------

  function register(route) {
    route('/mfa/authenticators', {
      GET: async (ctx) => {
        const context = contextForBearer(ctx);
        sendJson(ctx, 200, authenticators(context.sub).map(describe));
      },
    });

    route('/mfa/authenticators/:id', {
      DELETE: async (ctx) => {
        const context = contextForBearer(ctx);
        const enrolled = enrolment(context.sub);
        const index = enrolled?.authenticators.findIndex((a) => a.id === ctx.params.id) ?? -1;
        if (index < 0) throw new Auth0Error(404, 'not_found', 'Authenticator not found.');
        enrolled.authenticators.splice(index, 1);
        ctx.set('Cache-Control', 'no-store');
        ctx.status = 204;
      },
    });

    route('/mfa/associate', {
      POST: async (ctx) => {
        const params = await body(ctx);
        const context = contextForBearer(ctx, str(params.mfa_token));
        const clientId = str(params.client_id);
        if (clientId !== undefined && clientId !== context.clientId) {
          throw new Auth0Error(403, 'access_denied', 'mfa_token was issued to another client');
        }
        const enrolled = enrolment(context.sub);
        if (activeFactors(context.sub).length) {
          throw new Auth0Error(403, 'access_denied', 'User is already enrolled.');
        }

        const types = list(params.authenticator_types);
        if (!types.length) throw new Auth0Error(400, 'invalid_request', 'missing required parameter authenticator_types');
        const type = types.find((t) => t === 'otp' || t === 'oob');
        if (!type) throw new Auth0Error(400, 'unsupported_challenge_type', `authenticator_types ${types.join(', ')} not supported: use otp or oob`);

        let channel;
        if (type === 'oob') {
          const channels = list(params.oob_channels);
          if (!channels.length) throw new Auth0Error(400, 'invalid_request', 'oob_channels is required when authenticator_types includes oob');
          channel = channels.find((c) => OOB_CHANNELS.includes(c));
          if (!channel) throw new Auth0Error(400, 'invalid_request', `oob_channels ${channels.join(', ')} not supported: use auth0, sms, voice or email`);
        }

        const authenticator = {
          id: `${ID_PREFIX[channel ?? 'otp']}|dev_${randomHex(8)}`,
          type,
          channel,
          active: false,
          createdAt: new Date().toISOString(),
        };
        if (channel === 'sms' || channel === 'voice') {
          const phone = str(params.phone_number)?.replace(/[\s().-]/g, '');
          if (!phone) throw new Auth0Error(400, 'invalid_request', `phone_number is required for oob_channels ${channel}`);
          if (!E164.test(phone)) throw new Auth0Error(400, 'invalid_request', 'phone_number must be in E.164 format (+ and up to 15 digits)');
          authenticator.phoneNumber = phone;
          authenticator.name = maskPhone(phone);
        } else if (channel === 'email') {
          const email = str(params.email) ?? accounts.claims(context.sub)?.email;
          if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Auth0Error(400, 'invalid_request', 'a valid email is required for oob_channels email');
          authenticator.email = email;
          authenticator.name = email;
        } else if (type === 'otp') {
          authenticator.secret = generateTotpSecret();
        }

        // Earlier unconfirmed associations are replaced.
        enrolled.authenticators = enrolled.authenticators.filter((a) => a.active || a.type === 'recovery-code');
        // Recovery code: handed out with the first association.
        let recoveryCodes;
        if (!enrolled.authenticators.some((a) => a.type === 'recovery-code' && a.active)) {
          enrolled.authenticators = enrolled.authenticators.filter((a) => a.type !== 'recovery-code');
          const code = generateRecoveryCode();
          enrolled.authenticators.push({
            id: `recovery-code|dev_${randomHex(8)}`,
            type: 'recovery-code',
            code,
            active: false,
            createdAt: new Date().toISOString(),
          });
          recoveryCodes = [code];
        }
        enrolled.authenticators.push(authenticator);

        const label = `${encodeURIComponent(TOTP_LABEL)}:${encodeURIComponent(userLabel(context.sub))}`;
        if (type === 'otp') {
          const query = new URLSearchParams({
            secret: authenticator.secret,
            issuer: TOTP_LABEL,
            algorithm: 'SHA1',
            digits: '6',
            period: '30',
          });
          sendJson(ctx, 200, {
            authenticator_type: 'otp',
            secret: authenticator.secret,
            barcode_uri: `otpauth://totp/${label}?${query}`,
            ...(recoveryCodes ? { recovery_codes: recoveryCodes } : {}),
          });
          return;
        }

        const tx = newOobTransaction({ context, authenticator, kind: 'enrollment', token: bearer(ctx) ?? str(params.mfa_token) });
        const out = { authenticator_type: 'oob' };
        if (channel === 'auth0') {
          const query = new URLSearchParams({ enrollment_tx_id: randomHex(16), base_url: issuer });
          out.barcode_uri = `otpauth://totp/${label}?${query}`;
        } else {
          out.binding_method = 'prompt';
        }
        out.oob_channel = channel;
        out.oob_code = tx.oobCode;
        if (recoveryCodes) out.recovery_codes = recoveryCodes;
        sendJson(ctx, 200, out);
      },
    });

    route('/mfa/challenge', {
      POST: async (ctx) => {
        const params = await body(ctx);
        const clientId = str(params.client_id);
        const token = str(params.mfa_token);
        const missing = [!clientId && 'client_id', !token && 'mfa_token'].filter(Boolean);
        if (missing.length) throw new Auth0Error(400, 'invalid_request', `missing required parameter(s) ${missing.join(', ')}`);
        const context = contextForGrant(token, clientId);

        const accepted = params.challenge_type === undefined ? ['otp', 'oob'] : list(params.challenge_type);
        const factors = activeFactors(context.sub);
        if (!factors.length) throw new Auth0Error(400, 'unsupported_challenge_type', 'User is not enrolled.');

        let authenticator;
        const authenticatorId = str(params.authenticator_id);
        if (authenticatorId) {
          authenticator = factors.find((a) => a.id === authenticatorId);
          if (!authenticator) throw new Auth0Error(400, 'invalid_request', `authenticator ${authenticatorId} not found or not active`);
          if (!accepted.includes(authenticator.type)) {
            throw new Auth0Error(400, 'unsupported_challenge_type', `authenticator ${authenticatorId} is of type ${authenticator.type}`);
          }
        } else {
          authenticator = factors.find((a) => accepted.includes(a.type));
          if (!authenticator) {
            throw new Auth0Error(400, 'unsupported_challenge_type', `the user has no authenticator for challenge_type ${accepted.join(' ')}`);
          }
        }

        if (authenticator.type === 'otp') {
          sendJson(ctx, 200, { challenge_type: 'otp' });
          return;
        }
        const tx = newOobTransaction({ context, authenticator, kind: 'challenge', token });
        sendJson(ctx, 200, {
          challenge_type: 'oob',
          ...(tx.bindingMethod ? { binding_method: tx.bindingMethod } : {}),
          oob_code: tx.oobCode,
        });
      },
    });
  }

  // --- test hooks -----------------------------------------------------------

  function decide(oobCode, decision) {
    const tx = state.oob.get(oobCode);
    if (!tx) return { status: 404, error: 'not_found', error_description: 'unknown oob_code' };
    if (decision === 'expire') {
      tx.expiresAt = Date.now() - 1;
      return { status: 204 };
    }
    if (tx.bindingMethod) {
      return {
        status: 400,
        error: 'invalid_request',
        error_description: `oob_code of channel ${tx.channel}: send its binding_code to the token endpoint`,
      };
    }
    if (tx.used || tx.status !== 'pending') {
      return { status: 409, error: 'invalid_request', error_description: `transaction already ${tx.used ? 'used' : tx.status}` };
    }
    tx.status = decision === 'approve' ? 'approved' : 'denied';
    return { status: 204 };
  }

  function describeTransaction(tx) {
    return {
      oob_code: tx.oobCode,
      kind: tx.kind,
      oob_channel: tx.channel,
      status: tx.used ? 'used' : tx.status,
      expires_at: new Date(tx.expiresAt).toISOString(),
      ...(tx.bindingCode ? { binding_code: tx.bindingCode } : {}),
    };
  }

  return {
    requiresMfa,
    requirements,
    issueMfaToken,
    contextForGrant,
    verifyOtp,
    verifyOob,
    useRecoveryCode,
    register,
    decide,
    describeTransaction,
  };
}
