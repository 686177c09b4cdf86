/**
 * cluster: the local launcher's CLI (npm run cluster -- up FILE | down | status | kill NAME |
 * restart NAME | logs NAME | compose FILE). All the logic lives in libs/launcher.
 */
import { runCli } from '@strata/launcher';

runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, cwd: process.env.INIT_CWD ?? process.cwd() }).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`cluster: ${e.stack ?? e}\n`);
    process.exit(1);
  },
);
