import * as grpc from '@grpc/grpc-js';
import { HealthService, type HealthCheckResponseMsg } from '@strata/rpc';

type Check = grpc.handleUnaryCall<{ service: string }, HealthCheckResponseMsg>;

function check(h: HealthService, service: string): Promise<{ err: grpc.ServiceError | null; status?: string }> {
  const impl = h.implementation() as unknown as { Check: Check };
  return new Promise((resolve) =>
    impl.Check({ request: { service } } as grpc.ServerUnaryCall<{ service: string }, HealthCheckResponseMsg>, (err, res) =>
      resolve({ err: err as grpc.ServiceError | null, status: res?.status }),
    ),
  );
}

test('answers for the server and its services, NOT_FOUND for others, and follows set()', async () => {
  const h = new HealthService(['strata.test.v1.Thing']);
  expect((await check(h, '')).status).toBe('NOT_SERVING');
  h.set('SERVING');
  expect((await check(h, 'strata.test.v1.Thing')).status).toBe('SERVING');
  expect(h.current).toBe('SERVING');
  const unknown = await check(h, 'nope');
  expect(unknown.err?.code).toBe(grpc.status.NOT_FOUND);
});
