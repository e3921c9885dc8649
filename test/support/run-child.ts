/**
 * Spawns a TypeScript scenario (see ts-child.js) in a child Node with --expose-gc and returns its
 * RESULT, so heap figures are measured in a process that holds nothing but the scenario.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const RUNNER = path.join(__dirname, 'ts-child.js');

export interface ChildRun<T> {
  result: T;
  ms: number;
  /** What the child printed on stderr (Node's process warnings land there). */
  stderr: string;
}

export function runScenario<T>(scenario: string, env: Record<string, string>, timeoutMs: number): Promise<ChildRun<T>> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', RUNNER, scenario], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(scenario)} did not finish within ${timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`${path.basename(scenario)} exited with ${code}\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice('RESULT '.length)) as T, ms: Date.now() - started, stderr });
    });
  });
}
