// India's DLT rules for SMS, as pure functions: segments and their credits, rendering a registered
// template with its variables, and the hours promotional messages may go out.
import { addDays, istDay, istInstant, istMinuteOfDay } from '@studyspot/runtime';

/** GSM 03.38 basic set; the extension characters below cost two septets. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export interface Segments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** Parts the message is sent as; one credit each. */
  parts: number;
}

/** GSM-7: 160 in one part, 153 per part when concatenated; anything else UCS-2: 70, or 67 per part. */
export function segments(text: string): Segments {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: septets, parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = text.length; // UTF-16 code units, as UCS-2 counts them
  return { encoding: 'UCS-2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
}

export const VAR = '{#var#}';
export const MAX_VAR_LENGTH = 30;

export function variableCount(template: string): number {
  return template.split(VAR).length - 1;
}

/** The message a template gives with these variables, or why it cannot be sent. */
export function render(template: string, vars: string[]): { text: string } | { error: string } {
  const parts = template.split(VAR);
  if (vars.length !== parts.length - 1) return { error: `The template has ${parts.length - 1} variables; ${vars.length} given` };
  for (const [i, v] of vars.entries()) {
    if ([...v].length > MAX_VAR_LENGTH) return { error: `Variable ${i + 1} is longer than DLT's ${MAX_VAR_LENGTH} characters` };
    if (/[\r\n]/.test(v)) return { error: `Variable ${i + 1} has a line break` };
  }
  const text = parts.reduce((out, p, i) => out + p + (i < vars.length ? vars[i] : ''), '');
  return matchesTemplate(template, text) ? { text } : { error: 'The message does not match its registered template' };
}

/** Whether a text is the template with up to 30 characters in place of each variable (DLT's check). */
export function matchesTemplate(template: string, text: string): boolean {
  const escaped = template.split(VAR).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join(`[^\\r\\n]{0,${MAX_VAR_LENGTH}}`)}$`, 'u').test(text);
}

export const PROMOTIONAL_WINDOW = { from: 10 * 60, to: 21 * 60 }; // minutes of the IST day

/** When a promotional (or service-explicit) message may go: now inside 10:00–21:00 IST, else the next 10:00. */
export function promotionalSendAt(now: Date): Date {
  const minute = istMinuteOfDay(now);
  if (minute >= PROMOTIONAL_WINDOW.from && minute < PROMOTIONAL_WINDOW.to) return now;
  return istInstant(addDays(istDay(now), minute >= PROMOTIONAL_WINDOW.to ? 1 : 0), PROMOTIONAL_WINDOW.from);
}
