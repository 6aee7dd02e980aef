// A local MSG91: the v5 Flow send and the OTP endpoints as MSG91 answers them (authkey header,
// { type, message } bodies), delivery reports POSTed to the configured URL (one JSON object per
// number: requestId, number, status, desc), and the switches tests need: down, timeout, slow,
// numbers whose messages fail, duplicated or delayed reports.
import { randomBytes, randomInt } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';

export type Msg91Mode = 'up' | 'down' | 'timeout' | 'slow';

export interface Msg91Send {
  requestId: string;
  templateId: string;
  recipients: Record<string, string>[];
  at: number;
}

export class Msg91State {
  readonly authKeys = new Set<string>();
  /** Where delivery reports go (MSG91's panel setting). */
  reportUrl: string | null = null;
  mode: Msg91Mode = 'up';
  slowMs = 500;
  /** Numbers (91XXXXXXXXXX) whose messages are reported FAILED. */
  readonly failNumbers = new Map<string, string>();
  reports = { delayMs: 0, duplicates: 0, drop: false };
  readonly sent: Msg91Send[] = [];
  readonly otps: { mobile: string; otp: string; templateId: string; at: number }[] = [];
  readonly reportsSent: { url: string; body: string; status: number | null }[] = [];
  /** Called with every OTP "delivered" (the embedded gateway logs it, as a phone would show it). */
  onOtp: ((o: { mobile: string; otp: string }) => void) | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  register(authKey = randomBytes(12).toString('hex')): string {
    this.authKeys.add(authKey);
    return authKey;
  }

  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  reset(): void {
    this.mode = 'up';
    this.failNumbers.clear();
    this.reports = { delayMs: 0, duplicates: 0, drop: false };
  }
}

const error = (res: Response, status: number, message: string) => void res.status(status).json({ type: 'error', message });

export function msg91Simulator(): { router: Router; state: Msg91State } {
  const state = new Msg91State();
  const router = express.Router();
  router.use(express.json({ limit: '2mb' }));

  /** Availability and authentication, as MSG91 answers them. Returns false when it already answered. */
  const gate = async (req: Request, res: Response): Promise<boolean> => {
    if (state.mode === 'down') return error(res, 503, 'Service temporarily unavailable'), false;
    if (state.mode === 'timeout') {
      // Never answers (the client's timeout decides); the socket is closed later.
      setTimeout(() => res.destroy(), 30_000).unref();
      return false;
    }
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, state.slowMs));
    if (!state.authKeys.has(String(req.header('authkey') ?? ''))) return error(res, 401, 'Authentication failure'), false;
    return true;
  };

  const report = (requestId: string, mobiles: string[]) => {
    if (!state.reportUrl || state.reports.drop) return;
    const url = state.reportUrl;
    const rows = mobiles.map((number) => ({ requestId, number, status: state.failNumbers.has(number) ? 'FAILED' : 'DELIVERED', desc: state.failNumbers.get(number) ?? 'Delivered' }));
    const send = async () => {
      if (state.reports.delayMs) await new Promise((r) => setTimeout(r, state.reports.delayMs));
      for (let copy = 0; copy <= state.reports.duplicates; copy++) {
        const body = JSON.stringify(rows);
        const entry = { url, body, status: null as number | null };
        state.reportsSent.push(entry);
        try {
          entry.status = (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) })).status;
        } catch {
          entry.status = null;
        }
      }
    };
    state.track(send());
  };

  router.post('/api/v5/flow', async (req, res) => {
    if (!(await gate(req, res))) return;
    const body = (req.body ?? {}) as { template_id?: unknown; recipients?: unknown };
    if (typeof body.template_id !== 'string' || !body.template_id) return error(res, 400, 'template_id is required');
    if (!Array.isArray(body.recipients) || !body.recipients.length) return error(res, 400, 'recipients are required');
    const recipients = body.recipients as Record<string, string>[];
    const mobiles = recipients.map((r) => String(r.mobiles ?? ''));
    if (mobiles.some((m) => !/^91\d{10}$/.test(m))) return error(res, 400, 'Invalid mobile number');
    const requestId = randomBytes(12).toString('hex');
    state.sent.push({ requestId, templateId: body.template_id, recipients, at: Date.now() });
    report(requestId, mobiles);
    res.json({ type: 'success', message: requestId });
  });

  router.post('/api/v5/otp', async (req, res) => {
    if (!(await gate(req, res))) return;
    const mobile = String(req.query.mobile ?? '');
    const templateId = String(req.query.template_id ?? '');
    if (!/^91\d{10}$/.test(mobile)) return error(res, 400, 'Invalid mobile number');
    if (!templateId) return error(res, 400, 'template_id is required');
    const length = Number(req.query.otp_length ?? 4);
    const otp = typeof req.query.otp === 'string' && /^\d{4,9}$/.test(req.query.otp) ? req.query.otp : String(randomInt(10 ** (length - 1), 10 ** length));
    state.otps.push({ mobile, otp, templateId, at: Date.now() });
    state.onOtp?.({ mobile, otp });
    res.json({ type: 'success', request_id: randomBytes(12).toString('hex') });
  });

  router.all('/api/v5/otp/verify', async (req, res) => {
    if (!(await gate(req, res))) return;
    const mobile = String(req.query.mobile ?? '');
    const last = state.otps.filter((o) => o.mobile === mobile).at(-1);
    if (!last || last.otp !== String(req.query.otp ?? '')) return error(res, 200, 'OTP not match');
    res.json({ type: 'success', message: 'OTP verified success' });
  });

  router.all('/api/v5/otp/retry', async (req, res) => {
    if (!(await gate(req, res))) return;
    const mobile = String(req.query.mobile ?? '');
    const last = state.otps.filter((o) => o.mobile === mobile).at(-1);
    if (!last) return error(res, 200, 'No OTP request found to retry');
    state.otps.push({ ...last, at: Date.now() });
    res.json({ type: 'success', message: 'retry send successfully' });
  });

  // Test controls (not MSG91's API).
  router.post('/__sim/authkeys', (req, res) => void res.json({ authKey: state.register(req.body?.authKey) }));
  router.post('/__sim/mode', (req, res) => {
    state.mode = req.body?.mode ?? 'up';
    res.json({ mode: state.mode });
  });
  return { router, state };
}
