// Sign-in helpers for supergraph tests: every call can come from its own client IP (X-Forwarded-For,
// with TRUST_PROXY on in the test world) so per-IP limits of one test do not leak into another.
import { gql, type GqlResult } from './supergraph.ts';

let ipCounter = 0;
/** A fresh client address for a test. */
export const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  user: { id: string; role: string };
}

export const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      accessToken
      refreshToken
      accessTokenExpiresAt
      refreshTokenExpiresAt
      user { id role email }
      userErrors { code message field retryAfterSeconds }
    }
  }
`;

export const REFRESH = /* GraphQL */ `
  mutation Refresh($t: String!) {
    refreshSession(refreshToken: $t) { accessToken refreshToken user { id } userErrors { code message } }
  }
`;

export async function login(url: string, email: string, password: string, ip = freshIp()): Promise<{ tokens: Tokens | null; errors: { code: string; retryAfterSeconds?: number | null }[]; raw: GqlResult }> {
  const r = await gql(url, LOGIN, { variables: { input: { email, password } }, headers: { 'x-forwarded-for': ip } });
  const payload = (r.data?.login ?? null) as (Tokens & { userErrors: { code: string; retryAfterSeconds?: number | null }[] }) | null;
  if (!payload) throw new Error(`login failed: ${r.raw}`);
  return { tokens: payload.userErrors.length ? null : payload, errors: payload.userErrors, raw: r };
}

export function codes(r: GqlResult): (string | undefined)[] {
  return (r.errors ?? []).map((e) => e.extensions?.code as string | undefined);
}
