import { parseArgs } from 'node:util';
import { maskIdentifier } from '../../domain/identifiers.js';
import { KobSandbox } from '../kob-sandbox.js';
import type { KobSandboxOptions } from '../kob-sandbox.js';

// `npm run sandbox`: starts the sandbox on loopback and prints what a module (or curl) needs to use it: the
// environment endpoints, the client id and its private key (a throwaway key made for this run), and the
// customers. Runs until Ctrl-C.

const HELP = `Usage: kob-sandbox [options]
  --seed <n>                 ledgers and fault draws (default 1)
  --today <YYYY-MM-DD>       the ledgers' today (default fixed, see DEFAULT_SANDBOX_TODAY)
  --customers <n>            generate n benchmark customers instead of the documented test organisations
  --claims-per-customer <n>  claims per generated customer (default 50)
  --latency-ms <n>           delay before every response
  --wire-format <1.1.1|2023-03>
  --payment-sign <positive|negative>
  --api-url-style <gateway|legacy>
  --api-port <n> --maskinporten-port <n> --altinn-port <n>   fixed ports (default: free ports)
  --help`;

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      today: { type: 'string' },
      customers: { type: 'string' },
      'claims-per-customer': { type: 'string' },
      'latency-ms': { type: 'string' },
      'wire-format': { type: 'string' },
      'payment-sign': { type: 'string' },
      'api-url-style': { type: 'string' },
      'api-port': { type: 'string' },
      'maskinporten-port': { type: 'string' },
      'altinn-port': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(HELP);
    return;
  }
  const customers = int(values.customers, 'customers');
  const options: KobSandboxOptions = {
    seed: int(values.seed, 'seed'),
    today: values.today,
    latencyMs: int(values['latency-ms'], 'latency-ms'),
    scenario:
      customers === undefined
        ? 'documented'
        : {
            generate: {
              customers,
              claimsPerCustomer: int(values['claims-per-customer'], 'claims-per-customer') ?? 50,
            },
          },
    wireFormat: values['wire-format'] === '2023-03' ? '2023-03' : '1.1.1',
    paymentSign: values['payment-sign'] === 'negative' ? 'negative' : 'positive',
    apiUrlStyle: values['api-url-style'] === 'legacy' ? 'legacy' : 'gateway',
    ports: {
      api: int(values['api-port'], 'api-port'),
      maskinporten: int(values['maskinporten-port'], 'maskinporten-port'),
      altinn: int(values['altinn-port'], 'altinn-port'),
    },
  };
  const sandbox = await KobSandbox.start(options);
  // Even synthetic person numbers are masked in output; `sandbox.customers` in code has them in full.
  const shown = sandbox.customers
    .slice(0, 20)
    .map((c) =>
      c.ownerPersonId === undefined ? c : { ...c, ownerPersonId: maskIdentifier(c.ownerPersonId) },
    );
  console.log(
    JSON.stringify(
      {
        today: sandbox.today,
        environment: sandbox.environment,
        clientId: sandbox.clientId,
        key: sandbox.key,
        customers: shown,
        customerCount: sandbox.customers.length,
      },
      null,
      2,
    ),
  );
  console.log('Krav og betalinger sandbox running. Ctrl-C to stop.');
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
