/**
 * The node's status badge: requesting, retry n of m (waiting s), last status and time, error.
 * Built from codes, numbers and counts only, so no secret can reach it.
 */
import type { Progress } from '../shared';
import type { NodeStatus } from './red-types';

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

function pending(active: number, queued: number): string {
  const parts = [active > 1 ? `${active} in flight` : '', queued > 0 ? `${queued} queued` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function requestingStatus(active: number, queued: number): NodeStatus {
  return { fill: 'blue', shape: 'dot', text: `requesting${pending(active, queued)}` };
}

export function progressStatus(progress: Progress): NodeStatus | undefined {
  if (progress.type !== 'retry') return undefined;
  const seconds = Math.ceil(progress.delayMs / 1000);
  return { fill: 'yellow', shape: 'ring', text: `retry ${progress.attempt - 1} of ${progress.maxAttempts - 1} (waiting ${seconds}s)` };
}

export function doneStatus(statusCode: number, at: Date): NodeStatus {
  return { fill: statusCode < 400 ? 'green' : 'yellow', shape: 'dot', text: `${statusCode} at ${clock(at)}` };
}

export function errorStatus(code: string, statusCode: number | undefined, at: Date): NodeStatus {
  return { fill: 'red', shape: 'ring', text: `${code}${statusCode !== undefined ? ` ${statusCode}` : ''} at ${clock(at)}` };
}

export function configErrorStatus(code: string): NodeStatus {
  return { fill: 'red', shape: 'ring', text: `configuration error: ${code}` };
}
