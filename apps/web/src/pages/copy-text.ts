/**
 * Copies text to the clipboard: the Clipboard API where the page may use it (HTTPS or localhost),
 * else a hidden text area and `execCommand('copy')`, which plain-HTTP intranet installs still
 * allow. Resolves whether the text was copied.
 * @example if (await copyText(curl)) setCopied(true);
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Denied (no permission, page not focused): try the old way below.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
