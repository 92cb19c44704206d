/** Consumer mailbox providers: an address here says nothing about the lead's company. */
export const FREE_MAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'live.com',
  'msn.com',
  'outlook.com',
  'outlook.de',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'gmx.at',
  'gmx.ch',
  'web.de',
  't-online.de',
  'freenet.de',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'mail.com',
  'zoho.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
  'tutanota.com',
  'fastmail.com',
];

/** Providers with many country domains (gmx.*, yahoo.*, hotmail.*). */
export const FREE_MAIL_PREFIXES: readonly string[] = ['gmx.', 'yahoo.', 'hotmail.'];

const FREE_MAIL_SET = new Set(FREE_MAIL_DOMAINS);

/**
 * Whether a (lower-case) mail domain belongs to a consumer mailbox provider.
 * @example isFreeMailDomain('gmx.fr') // true
 */
export function isFreeMailDomain(domain: string): boolean {
  if (FREE_MAIL_SET.has(domain)) return true;
  for (const prefix of FREE_MAIL_PREFIXES) if (domain.startsWith(prefix)) return true;
  return false;
}
