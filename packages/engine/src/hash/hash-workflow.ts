import type { Workflow, WorkflowInput } from '../schema/workflow';
import { canonicalJson } from './canonical-json';
import { sha256Hex } from './sha256';

/**
 * A content hash of a workflow (SHA-256 of its canonical JSON): equal documents, equal hashes,
 * whatever their key order. Names the exact rules behind a version or an evaluation.
 * @example hashWorkflow(defaultWorkflow()) // '3f1c…' (64 hex digits)
 */
export function hashWorkflow(workflow: Workflow | WorkflowInput): string {
  return sha256Hex(canonicalJson(workflow));
}
