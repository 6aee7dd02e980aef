// What the dashboard's pages share: the signed-in session (tokens in sessionStorage), typed requests
// to /graphql, the sign-in form, and small formatting helpers. The live page (app.ts) and the
// insights page (insights.ts) each start from `signIn`.
import { DashboardLoginDocument, DashboardRefreshDocument, type TypedDocumentString } from './generated/graphql.ts';

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const rupees = (paise: number) => `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const todayIst = () => new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 10);

export const session = {
  get access() {
    return sessionStorage.getItem('studyspot.access');
  },
  get refresh() {
    return sessionStorage.getItem('studyspot.refresh');
  },
  save(access: string, refresh: string) {
    sessionStorage.setItem('studyspot.access', access);
    sessionStorage.setItem('studyspot.refresh', refresh);
  },
};

type Answer<R> = { status: number; data?: R; errors?: { message: string; extensions?: { code?: string } }[] };

async function post<R>(payload: object): Promise<Answer<R>> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(session.access ? { authorization: `Bearer ${session.access}` } : {}) },
    body: JSON.stringify(payload),
  });
  return { status: res.status, ...((await res.json()) as Omit<Answer<R>, 'status'>) };
}

/**
 * A typed request, sent by its trusted-document hash (codegen's persisted-documents manifest, which
 * the gateway publishes); a gateway that does not know the hash is sent the text instead.
 */
export async function request<R, V>(doc: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const hash = (doc.__meta__ as { hash?: string } | undefined)?.hash;
  let body = await post<R>(hash ? { documentId: hash, variables } : { query: doc.toString(), variables });
  if (hash && body.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND') body = await post<R>({ query: doc.toString(), variables });
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${body.status}`);
  return body.data;
}

/** A refreshed access token (after the old one expired), else the current. */
export async function freshToken(): Promise<string | null> {
  if (!session.refresh) return session.access;
  const r = await request(DashboardRefreshDocument, { refreshToken: session.refresh }).catch(() => null);
  if (r?.refreshSession.accessToken && r.refreshSession.refreshToken) session.save(r.refreshSession.accessToken, r.refreshSession.refreshToken);
  return session.access;
}

/** Wires the sign-in form (#login, #email, #password, #login-error); `start` runs once signed in. */
export function signIn(start: () => Promise<void>) {
  $('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = $<HTMLInputElement>('email').value;
    const password = $<HTMLInputElement>('password').value;
    try {
      const r = await request(DashboardLoginDocument, { email, password });
      const l = r.login;
      if (!l.accessToken || !l.refreshToken) throw new Error(l.userErrors[0]?.message ?? 'Sign-in failed');
      session.save(l.accessToken, l.refreshToken);
      await start();
    } catch (err) {
      $('login-error').textContent = (err as Error).message;
    }
  });
  if (session.access) void start().catch(() => ($('login').hidden = false));
}
