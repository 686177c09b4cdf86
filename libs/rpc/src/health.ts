/**
 * grpc.health.v1.Health for every StrataKV service: SERVING once the process is ready (replicas
 * open, adapter open, ...), NOT_SERVING before and while closing.
 */
import * as grpc from '@grpc/grpc-js';

export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export interface HealthCheckResponseMsg {
  status: ServingStatus;
}

export class HealthService {
  private status: ServingStatus = 'NOT_SERVING';
  /** Service names answered for: '' (the whole server) and the services given. */
  private readonly services: Set<string>;

  constructor(serviceNames: string[]) {
    this.services = new Set(['', ...serviceNames]);
  }

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
      if (!this.services.has(call.request.service)) callback({ code: grpc.status.NOT_FOUND, details: `unknown service '${call.request.service}'` });
      else callback(null, { status: this.status });
    };
    const watch: grpc.handleServerStreamingCall<{ service: string }, HealthCheckResponseMsg> = (call) => {
      if (!this.services.has(call.request.service)) {
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
