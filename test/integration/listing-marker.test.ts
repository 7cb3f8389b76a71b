// A unit state item's conditional writes against DynamoDB Local (review finding W1): each task
// type's listing state (marker, fingerprint, due time) is written at version 0 only once, a stale
// version conflicts, another type's state in the same item is left alone, and the unsettled list
// and its time make the round trip through the engine. The re-baseline, the heartbeat, the
// unsettled tasks and the idle poll's "nothing changed" rely on exactly these conditions.
import type { Unit } from '../../lambdas/shared/table-layout';
import { useStoreTable } from './support/store-table';

const REGION = 'us-east-1';
const UNIT: Unit = { account: '123456789012', region: REGION };
const table = useStoreTable('marker', UNIT.account);

it('writes a listing state at version 0 once, then refuses every stale version', async () => {
  // Prepare: a unit with no state item yet.
  expect(await table.store.loadUnitState(UNIT)).toEqual(new Map());
  const first = {
    lastCompleteAt: '2026-12-01T10:00:00.000Z',
    unsettled: ['bun-1', 'bun-2'],
    unsettledSince: '2026-12-01T10:00:00.000Z',
    fingerprint: 'f1',
    version: 0,
  };

  // Act and assess: version 0 creates it (attribute_not_exists), a second poll from version 0 loses.
  expect(await table.store.putListingState(UNIT, 'bundle', first)).toBe('written');
  expect(await table.store.putListingState(UNIT, 'bundle', { ...first, unsettled: [] })).toBe('conflict');
  expect((await table.store.loadUnitState(UNIT)).get('bundle')).toEqual({ ...first, version: 1 });

  // Version 1 moves on (#type.#version = :expected) and clears the unsettled list; a stale 1 loses.
  const second = { lastCompleteAt: '2026-12-02T10:00:00.000Z', unsettled: [], fingerprint: 'f2', version: 1 };
  expect(await table.store.putListingState(UNIT, 'bundle', second)).toBe('written');
  expect(await table.store.putListingState(UNIT, 'bundle', { ...second, rebaselineFrom: 'x' })).toBe(
    'conflict',
  );
  expect((await table.store.loadUnitState(UNIT)).get('bundle')).toEqual({ ...second, version: 2 });
});

it("writes one task type's state without touching the others in the same item", async () => {
  // Prepare
  const unit: Unit = { account: UNIT.account, region: 'eu-west-1' };
  const conversion = {
    lastCompleteAt: '2026-12-02T10:00:00.000Z',
    rebaselineFrom: '2026-12-02T09:59:00.000Z',
    unsettled: [],
    version: 0,
  };
  const exportImage = { lastCompleteAt: '2026-12-02T10:00:30.000Z', unsettled: ['export-ami-1'], version: 0 };

  // Act
  expect(await table.store.putListingState(unit, 'conversion', conversion)).toBe('written');
  expect(await table.store.putListingState(unit, 'export-image', exportImage)).toBe('written');
  expect(await table.store.putListingState(unit, 'conversion', conversion)).toBe('conflict');

  // Assess
  const state = await table.store.loadUnitState(unit);
  expect(state.get('conversion')).toEqual({ ...conversion, version: 1 });
  expect(state.get('export-image')).toEqual({ ...exportImage, version: 1 });
  expect(await table.store.loadUnitState({ account: '210987654321', region: 'eu-west-1' })).toEqual(
    new Map(),
  );
});
