/** The first message that reaches any of the given Node-RED test-helper nodes (an output or a Catch), or a timeout error. */
export interface InputSource {
  id: string;
  on(event: 'input', handler: never): void;
}

export function firstMessage(sources: readonly InputSource[], timeoutMs: number): Promise<Record<string, unknown> & { error?: { code?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message at ${sources.map((s) => s.id).join(' or ')} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (msg: Record<string, unknown>) => {
      clearTimeout(timer);
      resolve(msg);
    };
    for (const s of sources) s.on('input', finish as never);
  });
}
