/**
 * How raw lead values (from CRMs, CSV imports, forms) are read, shared by the compiled evaluator
 * and the reference interpreter so both see the same lead. Text compares case-insensitively, so
 * text is trimmed and lower-cased; anything unreadable is `undefined` (missing).
 */
import { isFreeMailDomain } from '../catalog/free-mail';

export const DAY_MS = 86_400_000;

/** Text, trimmed and lower-cased; empty or non-text values are missing. */
export function toText(v: unknown): string | undefined {
  // Kept tiny so optimising compilers inline it into generated evaluators.
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    return t === '' ? undefined : t;
  }
  return scalarText(v);
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

/** Whether a value reads as some text (what `isSet` asks of a text field), without lower-casing it. */
export function hasText(v: unknown): boolean {
  if (typeof v === 'string') {
    const c = v.length === 0 ? 0 : v.charCodeAt(0);
    return (c > 32 && c < 127) || (v.length !== 0 && v.trim() !== '');
  }
  if (typeof v === 'number') return Number.isFinite(v);
  return typeof v === 'boolean';
}

/** A finite number, also from numeric text such as "250". */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Yes/no, also from "yes"/"no"/"true"/"false" and 1/0. */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === 'yes' || t === '1') return true;
    if (t === 'false' || t === 'no' || t === '0') return false;
  }
  return undefined;
}

/** Epoch milliseconds from epoch milliseconds or an ISO 8601 text. */
export function toTime(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** A list of texts, from an array or from comma-separated text; empty lists are missing. */
export function toList(v: unknown): string[] | undefined {
  let out: string[] | undefined;
  if (Array.isArray(v)) {
    for (const item of v) {
      const t = toText(item);
      if (t !== undefined) (out ??= []).push(t);
    }
  } else if (typeof v === 'string') {
    for (const part of v.split(',')) {
      const t = toText(part);
      if (t !== undefined) (out ??= []).push(t);
    }
  } else {
    const t = toText(v);
    if (t !== undefined) out = [t];
  }
  return out;
}

/** The domain of a (normalised) email address, or missing. */
export function emailDomain(email: string | undefined): string | undefined {
  if (email === undefined) return undefined;
  const at = email.lastIndexOf('@');
  if (at < 0 || at === email.length - 1) return undefined;
  return email.slice(at + 1);
}

/**
 * The domain of a raw email address as `emailDomain(toText(v))` gives it, without lower-casing
 * the part before the `@`.
 * @example mailDomain(' Ann.Lee@ACME.com ') // 'acme.com'
 */
export function mailDomain(v: unknown): string | undefined {
  if (typeof v !== 'string') return emailDomain(toText(v));
  const at = v.lastIndexOf('@');
  if (at < 0) return undefined;
  const domain = v
    .slice(at + 1)
    .trimEnd()
    .toLowerCase();
  return domain === '' ? undefined : domain;
}

/** Whether a (normalised) email address is at a consumer mailbox provider. */
export function isFreeEmail(email: string | undefined): boolean {
  const domain = emailDomain(email);
  return domain !== undefined && isFreeMailDomain(domain);
}

/** Whether a mail domain (or missing) is a consumer mailbox provider. */
export function isFreeDomain(domain: string | undefined): boolean {
  return domain !== undefined && isFreeMailDomain(domain);
}

/** The weight of an event `ageMs` old under a half-life decay: 1 now, 0.5 after one half-life. */
export function decayRate(halfLifeDays: number): number {
  return Math.LN2 / (DAY_MS * halfLifeDays);
}

/** Rounds to cents, the precision of all points and scores. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * A number as people read it in reasons: whole, or with one decimal when it has a fraction
 * ("48.2", not "48.18"; scores keep their cents, only the words round). Exactly
 * `String(Math.round(n * 10) / 10)`, but built from integers, which is faster for fractions.
 */
export function formatNumber(n: number): string {
  const r = Math.round(n * 10) / 10;
  if (Number.isInteger(r) || !(Math.abs(r) < 1e12)) return String(r === 0 ? 0 : r);
  const tenths = Math.round(Math.abs(r) * 10);
  const whole = Math.floor(tenths / 10);
  return `${r < 0 ? '-' : ''}${whole}.${tenths - whole * 10}`;
}

/** Points with their sign: "+15", "-20", "0". */
export function formatPoints(n: number): string {
  const s = formatNumber(n);
  return n > 0 && s !== '0' ? `+${s}` : s;
}

/** A date as reasons print it. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A raw attribute as a stage reason template prints it. */
export function formatRaw(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map(formatRaw).join(', ');
  return '';
}

/** An own property only: a lead's `constructor` or `__proto__` is data, not Object's. */
export function ownValue(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key)
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

/** Sets an own enumerable property, even for keys such as `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else obj[key] = value;
}

/** Reads an evaluation date: a Date, epoch milliseconds or ISO 8601 text. */
export function toAsOf(asOf: unknown): number {
  const ms = asOf instanceof Date ? asOf.getTime() : toTime(asOf);
  if (ms === undefined || !Number.isFinite(ms))
    throw new RangeError('evaluate needs a valid asOf date (Date, epoch ms or ISO text)');
  return ms;
}
