// Child-process side of the client benchmark's sandbox: starts a KobSandbox in its own process, so the
// sandbox's CPU (serialising 1 MB bodies, signing tokens) never lands in the benchmark's process.cpuUsage(),
// and answers the parent's requests over the IPC channel. Started by `RemoteSandbox` in client-sandbox.ts.
import { KobSandbox, type KobSandboxOptions } from '../src/testing/index.js';
import type { SandboxReply, SandboxRequest } from './client-sandbox.js';

let sandbox: KobSandbox | undefined;

async function handle(request: SandboxRequest): Promise<unknown> {
  switch (request.op) {
    case 'start': {
      sandbox = await KobSandbox.start(request.options as KobSandboxOptions);
      return {
        environment: sandbox.environment,
        clientId: sandbox.clientId,
        key: sandbox.key,
        customers: sandbox.customers,
        today: sandbox.today,
        startDate: sandbox.ledger.startDate,
      };
    }
    case 'stats':
      return required().stats();
    case 'resetStats':
      return required().resetStats();
    case 'cpuUsage':
      return process.cpuUsage();
    case 'close':
      await sandbox?.close();
      sandbox = undefined;
      return undefined;
  }
}

function required(): KobSandbox {
  if (!sandbox) throw new Error('the sandbox is not started');
  return sandbox;
}

function reply(message: SandboxReply): void {
  process.send?.(message);
}

process.on('message', (message: SandboxRequest) => {
  handle(message).then(
    (value) => {
      reply({ id: message.id, ok: true, value });
      if (message.op === 'close') process.disconnect();
    },
    (error: unknown) =>
      reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
