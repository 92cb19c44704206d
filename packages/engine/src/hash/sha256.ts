import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * SHA-256 of a text's UTF-8 bytes, as lower-case hex: the one hash of the project (workflow
 * hashes, the audit chain, stored session and API-key digests). `@noble/hashes` is audited and
 * synchronous, and runs in browsers, the API and worker threads alike (no node:crypto).
 * @example sha256Hex('abc') // 'ba7816bf…f20015ad'
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
