/** grpc.health.v1.Health: SERVING once the replicas are open, NOT_SERVING before and while closing. */
import * as grpc from '@grpc/grpc-js';
import type { HealthCheckResponseMsg } from '@strata/log-client';

type ServingStatus = HealthCheckResponseMsg['status'];

/** Service names this server answers for: '' (the whole server) and the Log service. */
const SERVICES = new Set(['', 'strata.log.v1.Log']);

export class HealthService {
  private status: ServingStatus = 'NOT_SERVING';
  private readonly watchers = new Set<grpc.ServerWritableStream<{ service: string }, HealthCheckResponseMsg>>();

  set(status: ServingStatus): void {
    this.status = status;
    for (const w of this.watchers) w.write({ status });
  }

  get current(): ServingStatus {
    return this.status;
  }

  implementation(): grpc.UntypedServiceImplementation {
    const check: grpc.handleUnaryCall<{ service: string }, HealthCheckResponseMsg> = (call, callback) => {
      if (!SERVICES.has(call.request.service)) callback({ code: grpc.status.NOT_FOUND, details: `unknown service '${call.request.service}'` });
      else callback(null, { status: this.status });
    };
    const watch: grpc.handleServerStreamingCall<{ service: string }, HealthCheckResponseMsg> = (call) => {
      if (!SERVICES.has(call.request.service)) {
        call.write({ status: 'SERVICE_UNKNOWN' });
        return;
      }
      this.watchers.add(call);
      call.write({ status: this.status });
      call.on('cancelled', () => this.watchers.delete(call));
    };
    return { Check: check, Watch: watch } as grpc.UntypedServiceImplementation;
  }

  endWatches(): void {
    for (const w of this.watchers) w.end();
    this.watchers.clear();
  }
}
