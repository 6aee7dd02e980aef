// A sign-in (login, loginWithOtp, refreshSession) happens inside an operation that started
// anonymous. The identity subgraph hands the gateway the access token it issued; the gateway verifies
// it like any bearer token and runs the rest of the operation as that account, so the payload's
// `user { tenant { name } }` resolves for the user who just signed in.
import { verifyAccessToken, type KeyRing } from '@studyspot/runtime/security';
import type { GatewayContext } from './context.ts';

export function adoptSignedIn(context: GatewayContext, token: string | null | undefined, keyRing: KeyRing): void {
  if (!token) return;
  try {
    context.identity = { ...context.identity, claims: verifyAccessToken(keyRing, token) };
  } catch {
    // A token this gateway cannot verify changes nothing.
  }
}
