/**
 * TEST ONLY (--fault_inject): wraps every WAL's file layer in libs/wal's FaultyFileLayer so a
 * process-level test can give one replica a full disk or failing fsyncs. Never set in production.
 */
import { FaultyFileLayer, NodeFileLayer } from '@strata/wal';
import type { Logger } from '@strata/telemetry';
import type { LogServerConfig } from './config';

export function faultyFiles(spec: NonNullable<LogServerConfig['faultInject']>, log: Logger): FaultyFileLayer {
  const files = new FaultyFileLayer(new NodeFileLayer());
  log.warn('TEST ONLY: fault injection on', { fault: spec.kind, bytes: spec.bytes });
  if (spec.kind === 'enospc_after_bytes') {
    // Capacity counts the bytes of all WAL files this layer opened (existing ones included).
    files.capacityBytes = spec.bytes;
  } else {
    files.beforeSync = async () => {
      if (files.counters.bytesWritten >= spec.bytes) files.failNextSyncs = Number.MAX_SAFE_INTEGER;
    };
  }
  return files;
}
