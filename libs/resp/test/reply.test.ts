import type { ReplySink } from '@strata/resp';

test('the reply contract is importable through the workspace alias', () => {
  const protos: ReplySink['proto'][] = [2, 3];
  expect(protos).toEqual([2, 3]);
});
