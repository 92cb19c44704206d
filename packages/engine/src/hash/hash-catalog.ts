import type { FieldCatalog } from '../schema/field-catalog';
import { canonicalJson } from './canonical-json';
import { sha256Hex } from './sha256';

/**
 * A content hash of a field catalog (SHA-256 of its canonical JSON): names the immutable snapshot
 * a version was validated and compiled with.
 * @example hashCatalog(defaultCatalog) === hashCatalog(structuredClone(defaultCatalog)) // true
 */
export function hashCatalog(catalog: FieldCatalog): string {
  return sha256Hex(canonicalJson(catalog));
}
