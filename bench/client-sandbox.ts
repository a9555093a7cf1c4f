// Parent side of the client benchmark's sandbox: a KobSandbox running in a child process (see
// client-sandbox-process.ts), driven over IPC. The benchmark process then measures only its own CPU.
import { fork, type ChildProcess } from 'node:child_process';
import type { CustomerConfig, KobEnvironmentEndpoints } from '../src/config/module-options.interface.js';
import type { KobSandboxOptions, KobSandboxStats } from '../src/testing/index.js';

/** A request to the child. */
export type SandboxRequest =
  | { id: number; op: 'start'; options: KobSandboxOptions }
  | { id: number; op: 'stats' | 'resetStats' | 'cpuUsage' | 'close' };

/** The child's answer to request `id`. */
export type SandboxReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** What the child reports after starting. */
export interface RemoteSandboxInfo {
  environment: KobEnvironmentEndpoints;
  clientId: string;
  key: { jwk: Record<string, unknown> };
  customers: CustomerConfig[];
  today: string;
  startDate: string;
}

type RequestWithoutId = SandboxRequest extends infer R
  ? R extends SandboxRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** A KobSandbox in a child process. Options must be plain data (no functions). */
export class RemoteSandbox {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Set once the child has started the sandbox. */
  info!: RemoteSandboxInfo;

  private constructor(private readonly child: ChildProcess) {}

  /** `execArgv` for the child, e.g. `['--cpu-prof']` to profile the sandbox. */
  static async start(options: KobSandboxOptions, execArgv: string[] = []): Promise<RemoteSandbox> {
    const child = fork(new URL('./client-sandbox-process.js', import.meta.url), [], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const remote = new RemoteSandbox(child);
    child.on('message', (reply: SandboxReply) => remote.settle(reply));
    child.on('exit', (code) => {
      for (const p of remote.pending.values()) p.reject(new Error(`sandbox process exited (${code})`));
      remote.pending.clear();
    });
    remote.info = (await remote.call({ op: 'start', options })) as RemoteSandboxInfo;
    return remote;
  }

  stats(): Promise<KobSandboxStats> {
    return this.call({ op: 'stats' }) as Promise<KobSandboxStats>;
  }

  async resetStats(): Promise<void> {
    await this.call({ op: 'resetStats' });
  }

  /** The child's cumulative CPU time (the sandbox's work). */
  cpuUsage(): Promise<NodeJS.CpuUsage> {
    return this.call({ op: 'cpuUsage' }) as Promise<NodeJS.CpuUsage>;
  }

  /** Closes the sandbox and waits for the child to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ op: 'close' }).catch(() => undefined);
    await exited;
  }

  private call(request: RequestWithoutId): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...request, id } as SandboxRequest);
    });
  }

  private settle(reply: SandboxReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new Error(reply.error));
  }
}
