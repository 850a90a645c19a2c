// MFA enrolment of the test users at start (and after a reset).
//
//   carol (auth0|carol)  requires MFA, nothing enrolled: a login answers
//                        mfa_required with mfa_requirements.enroll.
//   dave  (auth0|dave)   requires MFA, enrolled with a Guardian push
//                        authenticator (oob, channel "auth0") and the recovery
//                        code DAVE_RECOVERY_CODE.
//
// alice, bob and users created at run time do not use MFA.

export const DAVE_RECOVERY_CODE = 'DAVE2RECVRY3CDE4XKPQ5MNZ';
export const DAVE_PUSH_AUTHENTICATOR_ID = 'push|dev_dave0push0device';
export const DAVE_RECOVERY_AUTHENTICATOR_ID = 'recovery-code|dev_dave0recovery';

export function initialMfaEnrolments() {
  return new Map([
    ['auth0|carol', { authenticators: [] }],
    ['auth0|dave', {
      authenticators: [
        {
          id: DAVE_RECOVERY_AUTHENTICATOR_ID,
          type: 'recovery-code',
          code: DAVE_RECOVERY_CODE,
          active: true,
          createdAt: '2025-01-01T00:00:00.000Z',
        },
        {
          id: DAVE_PUSH_AUTHENTICATOR_ID,
          type: 'oob',
          channel: 'auth0',
          name: "Dave's phone",
          active: true,
          createdAt: '2025-01-01T00:00:00.000Z',
        },
      ],
    }],
  ]);
}
