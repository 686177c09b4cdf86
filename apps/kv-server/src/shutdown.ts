import { CommandDef, Err, fail, NO_KEYS } from '@strata/commands';
import type { KvServer } from './server';

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: stops the server as SIGTERM does (clients closed,
 * then, with a data store, a last checkpoint). On success the client gets no reply, as in Redis:
 * its connection closes. NOSAVE still checkpoints: keeping acknowledged writes is never worse.
 */
export function shutdownCommand(server: KvServer): CommandDef {
  return {
    name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], keys: NO_KEYS,
    acl: [], group: 'server', since: '1.0.0', summary: 'Synchronously saves the database(s) to disk and shuts down the Redis server.',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    handler: (ctx, argv) => {
      let save = false;
      let nosave = false;
      let abort = false;
      for (let i = 1; i < argv.length; i++) {
        const o = argv[i].toUpperCase();
        if (o === 'NOSAVE') nosave = true;
        else if (o === 'SAVE') save = true;
        else if (o === 'NOW' || o === 'FORCE') continue;
        else if (o === 'ABORT') abort = true;
        else fail(Err.syntax);
      }
      if ((save && nosave) || (abort && argv.length > 2)) fail(Err.syntax);
      if (abort) fail('ERR No shutdown in progress.');
      if (server.requestShutdown === undefined) fail('ERR Errors trying to SHUTDOWN. Check logs.');
      ctx.client.closeAfterReply = true;
      server.requestShutdown('SHUTDOWN');
    },
  };
}
